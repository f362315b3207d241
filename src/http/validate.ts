import type { z } from 'zod';
import { ApiError } from '../errors';

/** Parses with a zod schema, or throws a 400 listing every field error. */
export function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  throw ApiError.validation(
    result.error.issues.map((issue) => ({ path: issue.path.join('.') || '(body)', message: issue.message })),
  );
}
