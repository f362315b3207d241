/** A comment's life: pending → a decision; moderators move between decisions; deleted is final. */
export const COMMENT_STATUSES = ['pending', 'approved', 'held', 'spam', 'rejected', 'deleted'] as const;
export type CommentStatus = (typeof COMMENT_STATUSES)[number];

/** The statuses a moderation decision can produce. */
export type DecisionStatus = Exclude<CommentStatus, 'pending' | 'deleted'>;
