import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
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

  /** Queues a mail again, retrying a job that used up its attempts (its id would block a new one). */
  async requeue(messageId: string): Promise<void> {
    const job = await this.queue.getJob(messageId);
    if (job && (await job.getState()) === 'failed') await job.retry('failed');
    else await this.send(messageId);
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
