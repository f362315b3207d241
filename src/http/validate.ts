import type { z } from 'zod';
import { ApiError } from '../errors';

/** Parses with a zod schema, or throws a 400 listing every field error. */
export function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  // No text field may hold a NUL character (PostgreSQL cannot store one, and no person
  // types it) or half of a surrogate pair (no character at all: both databases would
  // store replacement characters instead, so what was kept would not be what was sent).
  const bad = pathWithBadText(value);
  if (bad !== undefined) throw ApiError.validation([{ path: bad.path || '(body)', message: bad.message }]);
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  throw ApiError.validation(
    result.error.issues.map((issue) => ({ path: issue.path.join('.') || '(body)', message: issue.message })),
  );
}

const UNPAIRED_SURROGATE = /\p{Cs}/u;

function badTextIn(text: string): string | undefined {
  if (text.includes('\u0000')) return 'must not contain NUL characters';
  if (UNPAIRED_SURROGATE.test(text)) return 'must be valid Unicode (an unpaired surrogate is no character)';
  return undefined;
}

/**
 * The path of the first string (key or value) holding a NUL character or an unpaired
 * surrogate, if any, and what is wrong with it. The value came from JSON no deeper than
 * MAX_JSON_DEPTH (json-body.ts) or from a query string, so the recursion is bounded.
 */
function pathWithBadText(value: unknown, path = ''): { path: string; message: string } | undefined {
  if (typeof value === 'string') {
    const message = badTextIn(value);
    return message ? { path, message } : undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, inner] of Object.entries(value)) {
    const here = path ? `${path}.${key}` : key;
    const message = badTextIn(key);
    if (message) return { path: here, message };
    const found = pathWithBadText(inner, here);
    if (found !== undefined) return found;
  }
  return undefined;
}
