import type { z } from 'zod';
import { ApiError } from '../errors';

/** Parses with a zod schema, or throws a 400 listing every field error. */
export function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  // No text field may hold a NUL character: PostgreSQL cannot store one, and no person types it.
  if (JSON.stringify(value ?? {}).includes('\\u0000')) {
    throw ApiError.validation([{ path: '(body)', message: 'must not contain NUL characters' }]);
  }
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  throw ApiError.validation(
    result.error.issues.map((issue) => ({ path: issue.path.join('.') || '(body)', message: issue.message })),
  );
}
