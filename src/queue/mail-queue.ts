import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { ensureLiveJob, type RequeueResult } from './live-job';
import { ENQUEUE_TIMEOUT_MS, withinTimeout } from './redis';

export const MAIL_QUEUE = 'mail';

export type MailJobData = { messageId: string };

/** The producer side of the mail queue: one job per mail, whose id is the mail's, so queueing it twice makes one job. */
export class MailQueue {
  readonly queue: Queue<MailJobData>;

  constructor(private readonly options: { connection: Redis; prefix: string; retrySchedule: number[] }) {
    this.queue = new Queue<MailJobData>(MAIL_QUEUE, {
      connection: options.connection,
      prefix: options.prefix,
      defaultJobOptions: { removeOnComplete: { age: 24 * 3600, count: 10_000 }, removeOnFail: { age: 7 * 24 * 3600 } },
    });
    this.queue.on('error', () => undefined);
  }

  /** Makes sure a pending mail has a live job (see ensureLiveJob). */
  async requeue(messageId: string): Promise<RequeueResult> {
    return ensureLiveJob(this.queue, messageId, () => this.send(messageId));
  }

  async send(messageId: string): Promise<void> {
    const job = this.queue.add(
      'send',
      { messageId },
      { jobId: messageId, attempts: this.options.retrySchedule.length + 1, backoff: { type: 'mail' } },
    );
    await withinTimeout(job, ENQUEUE_TIMEOUT_MS, 'mail enqueue');
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
