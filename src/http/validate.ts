import type { z } from 'zod';
import { ApiError } from '../errors';

/** Parses with a zod schema, or throws a 400 listing every field error. */
export function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  // No text field may hold a NUL character: PostgreSQL cannot store one, and no person types it.
  const withNul = pathWithNul(value);
  if (withNul !== undefined)
    throw ApiError.validation([{ path: withNul || '(body)', message: 'must not contain NUL characters' }]);
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  throw ApiError.validation(
    result.error.issues.map((issue) => ({ path: issue.path.join('.') || '(body)', message: issue.message })),
  );
}

/**
 * The path of the first string (key or value) holding a NUL character, if any. The
 * value came from JSON no deeper than MAX_JSON_DEPTH (json-body.ts) or from a query
 * string, so the recursion is bounded.
 */
function pathWithNul(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, inner] of Object.entries(value)) {
    const here = path ? `${path}.${key}` : key;
    if (key.includes('\u0000')) return here;
    const found = pathWithNul(inner, here);
    if (found !== undefined) return found;
  }
  return undefined;
}
