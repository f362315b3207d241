import { z } from 'zod';
import { commentStatusSchema, type DecisionStatus } from '../comments/status';
import { ERROR_CODES } from '../errors';

/** What a moderator can do to a comment's status. */
export const MODERATOR_ACTIONS = ['approve', 'hold', 'reject', 'spam'] as const;
export type ModeratorAction = (typeof MODERATOR_ACTIONS)[number];

/** The status each action leads to. */
export const STATUS_OF_ACTION = {
  approve: 'approved',
  hold: 'held',
  reject: 'rejected',
  spam: 'spam',
} as const satisfies Record<ModeratorAction, DecisionStatus>;

/** The most comments one bulk action takes. */
export const MAX_BULK_IDS = 500;

/** One comment's outcome in a bulk action: each succeeds or fails on its own. */
export const bulkResultSchema = z.union([
  z.object({ id: z.string(), ok: z.literal(true), status: commentStatusSchema, previousStatus: commentStatusSchema }),
  z.object({
    id: z.string(),
    ok: z.literal(false),
    error: z.object({ code: z.enum(ERROR_CODES), message: z.string() }),
  }),
]);
export type BulkResult = z.infer<typeof bulkResultSchema>;
