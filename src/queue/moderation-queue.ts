import { type JobsOptions, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { ensureLiveJob, type RequeueResult } from './live-job';
import { ENQUEUE_TIMEOUT_MS, withinTimeout } from './redis';

export const MODERATION_QUEUE = 'moderation';

export interface ModerationJobData {
  commentId: string;
}

const jobOptions: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

/** The producer side of the moderation queue. The job id is the comment id, so adding twice is harmless. */
export class ModerationQueue {
  readonly queue: Queue<ModerationJobData>;

  constructor(options: { connection: Redis; prefix: string }) {
    this.queue = new Queue<ModerationJobData>(MODERATION_QUEUE, {
      connection: options.connection,
      prefix: options.prefix,
      defaultJobOptions: jobOptions,
    });
    // Connection errors surface on each add; an unhandled 'error' event would crash the process.
    this.queue.on('error', () => undefined);
  }

  /** Queues a comment for moderation; rejects quickly when Redis is unreachable. */
  async enqueue(commentId: string): Promise<void> {
    await withinTimeout(this.queue.add('moderate', { commentId }, { jobId: commentId }), ENQUEUE_TIMEOUT_MS, 'enqueue');
  }

  /** Makes sure a pending comment has a live job (see ensureLiveJob). */
  async requeue(commentId: string): Promise<RequeueResult> {
    return ensureLiveJob(this.queue, commentId, () => this.enqueue(commentId));
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
