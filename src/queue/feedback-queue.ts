import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { ENQUEUE_TIMEOUT_MS, withinTimeout } from './redis';
import type { Teacher } from '../moderation/classifier/content-classifier';

export const FEEDBACK_QUEUE = 'feedback';

export interface FeedbackJobData {
  commentId: string;
  /** The moderator or admin whose decision it was: it decides which layer learns. */
  teacher: Teacher;
}

/** Moderator decisions on their way to the content judgements and Akismet, off the request path. */
export class FeedbackQueue {
  readonly queue: Queue<FeedbackJobData>;

  constructor(options: { connection: Redis; prefix: string }) {
    this.queue = new Queue<FeedbackJobData>(FEEDBACK_QUEUE, {
      connection: options.connection,
      prefix: options.prefix,
      defaultJobOptions: {
        attempts: 10,
        backoff: { type: 'exponential', delay: 5000 },
        removeOnComplete: { age: 24 * 3600, count: 10_000 },
        removeOnFail: { age: 7 * 24 * 3600 },
      },
    });
    this.queue.on('error', () => undefined);
  }

  /** One job per decision: the comment version after the change makes the id unique and a retry harmless. */
  async enqueue(options: FeedbackJobData & { version: number }): Promise<void> {
    const job = this.queue.add(
      'learn',
      { commentId: options.commentId, teacher: options.teacher },
      { jobId: `${options.commentId}.v${options.version}` },
    );
    await withinTimeout(job, ENQUEUE_TIMEOUT_MS, 'feedback enqueue');
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
