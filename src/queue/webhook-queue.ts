import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { ENQUEUE_TIMEOUT_MS, withinTimeout } from './redis';

export const WEBHOOK_QUEUE = 'webhooks';

export type WebhookJobData = { kind: 'fan-out'; eventId: string } | { kind: 'deliver'; messageId: string };

/** The producer side of the webhook queue: one fan-out job per event, one delivery job per message. */
export class WebhookQueue {
  readonly queue: Queue<WebhookJobData>;

  constructor(private readonly options: { connection: Redis; prefix: string; retrySchedule: number[] }) {
    this.queue = new Queue<WebhookJobData>(WEBHOOK_QUEUE, {
      connection: options.connection,
      prefix: options.prefix,
      defaultJobOptions: { removeOnComplete: { age: 24 * 3600, count: 10_000 }, removeOnFail: { age: 7 * 24 * 3600 } },
    });
    this.queue.on('error', () => undefined);
  }

  /** Queues a fan-out again, retrying a job that used up its attempts (its id would block a new one). */
  async requeueFanOut(eventId: string): Promise<void> {
    const job = await this.queue.getJob(eventId);
    if (job && (await job.getState()) === 'failed') await job.retry('failed');
    else await this.fanOut(eventId);
  }

  /** The job id is the event id: queueing an event twice makes one job. */
  async fanOut(eventId: string): Promise<void> {
    const job = this.queue.add(
      'fan-out',
      { kind: 'fan-out', eventId },
      { jobId: eventId, attempts: 10, backoff: { type: 'exponential', delay: 1000 } },
    );
    await withinTimeout(job, ENQUEUE_TIMEOUT_MS, 'webhook enqueue');
  }

  /** A delivery with the retry schedule; `jobId` defaults to the message id (a redelivery passes a new one). */
  async deliver(messageId: string, jobId = messageId): Promise<void> {
    const job = this.queue.add(
      'deliver',
      { kind: 'deliver', messageId },
      { jobId, attempts: this.options.retrySchedule.length + 1, backoff: { type: 'webhook' } },
    );
    await withinTimeout(job, ENQUEUE_TIMEOUT_MS, 'webhook delivery enqueue');
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}

/** BullMQ backoff for deliveries: the schedule's delay for this attempt, ±10% jitter so retries do not arrive in herds. */
export function webhookBackoff(schedule: number[]) {
  return (attemptsMade: number): number => {
    const base = schedule[Math.min(attemptsMade, schedule.length) - 1] ?? schedule[schedule.length - 1];
    return Math.round(base * (0.9 + Math.random() * 0.2));
  };
}
