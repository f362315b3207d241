import type { CommentRepository } from '../comments/comment-repository';
import type { ModerationQueue } from './moderation-queue';

export interface SweepOptions {
  commentRepository: CommentRepository;
  moderationQueue: ModerationQueue;
  now: number;
  /** Comments younger than this are left alone: the API may still be enqueueing them. */
  graceMs: number;
  limit: number;
}

/**
 * Re-queues pending comments that have no live job: the API stored them while
 * Redis was down, or their job was lost. Safe to run from every worker at once,
 * since a job's id is its comment's id. Returns how many it (re)queued.
 */
export async function sweepPendingComments(options: SweepOptions): Promise<number> {
  const ids = await options.commentRepository.pendingIds({
    before: options.now - options.graceMs,
    limit: options.limit,
  });
  let requeued = 0;
  for (const id of ids) {
    if ((await options.moderationQueue.requeue(id)) !== 'present') requeued += 1;
  }
  return requeued;
}
