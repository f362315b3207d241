import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

export const RETENTION_QUEUE = 'retention';

/** The repeatable job that applies the retention of personal data (IPs), run by the worker. */
export class RetentionQueue {
  readonly queue: Queue;

  constructor(options: { connection: Redis; prefix: string }) {
    this.queue = new Queue(RETENTION_QUEUE, {
      connection: options.connection,
      prefix: options.prefix,
      defaultJobOptions: { removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } },
    });
    this.queue.on('error', () => undefined);
  }

  /** One scheduler however many workers start: upserting it again only updates its interval. */
  async schedule(everyMs: number): Promise<void> {
    await this.queue.upsertJobScheduler('anonymize-ips', { every: everyMs }, { name: 'anonymize-ips' });
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
