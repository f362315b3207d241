import { z } from 'zod';
import { decodeCursor } from '../comments/cursor';

/** A page's size when the query gives none, and the largest it may ask for. */
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 100;

/** The query of a list that comes in pages: `cursor` (the `nextCursor` of the page before) and `limit`. */
export const pageQuery = {
  cursor: z
    .string()
    .max(200)
    .refine((c) => decodeCursor(c) !== undefined, 'not a cursor this API gave out')
    .optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
};
