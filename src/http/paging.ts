import { z } from 'zod';
import { decodeCursor } from '../comments/cursor';

/** The query of a list that comes in pages: `cursor` (the `nextCursor` of the page before) and `limit`. */
export const pageQuery = {
  cursor: z
    .string()
    .max(200)
    .refine((c) => decodeCursor(c) !== undefined, 'not a cursor this API gave out')
    .optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
};
