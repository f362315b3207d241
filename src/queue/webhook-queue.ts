import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { ensureLiveJob, type RequeueResult } from './live-job';
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

  /** Makes sure an event not yet fanned out has a live fan-out job (see ensureLiveJob). */
  async requeueFanOut(eventId: string): Promise<RequeueResult> {
    return ensureLiveJob(this.queue, eventId, () => this.fanOut(eventId));
  }

  /** Makes sure a pending message has a live delivery job (see ensureLiveJob); a redelivery runs under its own job id. */
  async requeueDelivery(messageId: string, jobId = messageId): Promise<RequeueResult> {
    return ensureLiveJob(this.queue, jobId, () => this.deliver(messageId, jobId));
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

/** The receiver did not take a delivery (an error status, a timeout, a refused connection). */
export class ReceiverFailed extends Error {}

/**
 * BullMQ backoff for deliveries. A receiver's failure waits the schedule's delay for this
 * attempt, ±10% jitter so retries do not arrive in herds. Any other failure is ours (the
 * database down, say): it is retried within seconds rather than hours later.
 */
export function webhookBackoff(schedule: number[]) {
  return (attemptsMade: number, _type?: string, err?: Error): number => {
    if (!(err instanceof ReceiverFailed)) return Math.min(1000 * attemptsMade, 30_000);
    const base = schedule[Math.min(attemptsMade, schedule.length) - 1] ?? schedule[schedule.length - 1];
    return Math.round(base * (0.9 + Math.random() * 0.2));
  };
}
