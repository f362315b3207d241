import { z } from 'zod';

/** A comment's life: pending → a decision; moderators move between decisions; deleted is final. */
export const COMMENT_STATUSES = ['pending', 'approved', 'held', 'spam', 'rejected', 'deleted'] as const;
export type CommentStatus = (typeof COMMENT_STATUSES)[number];

/** The statuses a moderation decision can produce. */
export type DecisionStatus = Exclude<CommentStatus, 'pending' | 'deleted'>;

export const commentStatusSchema = z.enum(COMMENT_STATUSES);

/** How many comments have each status (every status, zeros included). */
export const statusCountsSchema = z.record(commentStatusSchema, z.number().int()).meta({ id: 'StatusCounts' });
export type StatusCounts = z.infer<typeof statusCountsSchema>;
