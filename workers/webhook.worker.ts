import { DelayedError, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ParleyMetrics } from '../src/metrics/parley-metrics';
import { startPeriodicSweep } from '../src/queue/periodic-sweep';
import type { RunningWorker } from '../src/queue/running-worker';
import { ReceiverFailed, WEBHOOK_QUEUE, type WebhookJobData, webhookBackoff } from '../src/queue/webhook-queue';
import type { WebhookDelivery } from '../src/webhooks/webhook-delivery';

export interface WebhookWorkerOptions {
  connection: Redis;
  prefix: string;
  webhookDelivery: WebhookDelivery;
  logger: Logger;
  retrySchedule: number[];
  /** How long a message waits before looking again whether the one before it was delivered. */
  orderingWaitMs: number;
  sweepIntervalMs: number;
  /** A job whose lock is not renewed for this long (its worker died) is run again. */
  lockDurationMs: number;
  concurrency: number;
  /** This process's metrics: every delivery attempt is counted by result. */
  metrics?: ParleyMetrics;
}

/** Runs the webhook queue: fans events out to endpoints and delivers each message, in order per comment. */
export function startWebhookWorker(options: WebhookWorkerOptions): RunningWorker {
  const { webhookDelivery, logger } = options;
  const worker = new Worker<WebhookJobData>(
    WEBHOOK_QUEUE,
    async (job, token) => {
      if (job.data.kind === 'fan-out') return { messages: await webhookDelivery.fanOut(job.data.eventId) };
      const finalAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      const outcome = await webhookDelivery.deliver({ messageId: job.data.messageId, finalAttempt });
      if (outcome.kind !== 'wait' && outcome.kind !== 'busy')
        options.metrics?.webhookDeliveries.inc({ result: outcome.kind });
      const log = logger.child({ messageId: job.data.messageId, attempt: job.attemptsMade + 1 });
      switch (outcome.kind) {
        case 'wait':
          // Not an attempt: wait for the earlier event of the same comment to go first.
          await job.moveToDelayed(Date.now() + options.orderingWaitMs, token);
          throw new DelayedError();
        case 'busy':
          // Not an attempt either: the endpoint's slots are taken (a slow receiver); others go first.
          await job.moveToDelayed(Date.now() + 200 + Math.random() * 800, token);
          throw new DelayedError();
        case 'retry':
          log.info({ error: outcome.error }, 'webhook delivery failed; will retry');
          throw new ReceiverFailed(outcome.error);
        case 'failed':
          log.warn({ reason: outcome.reason }, 'webhook delivery failed for good');
          throw new UnrecoverableError(outcome.reason);
        default:
          log.info({ outcome: outcome.kind }, 'webhook delivery done');
          return outcome;
      }
    },
    {
      connection: options.connection,
      prefix: options.prefix,
      concurrency: options.concurrency,
      lockDuration: options.lockDurationMs,
      stalledInterval: options.lockDurationMs,
      // A job may lose its worker twice before it fails; the sweep queues even that one again.
      maxStalledCount: 2,
      settings: { backoffStrategy: webhookBackoff(options.retrySchedule) },
    },
  );
  worker.on('error', (err) => logger.error({ err: err.message }, 'webhook worker error'));

  const stopSweep = startPeriodicSweep({
    intervalMs: options.sweepIntervalMs,
    logger,
    found: 'queued webhook events that had no job',
    sweep: () => webhookDelivery.sweep({ graceMs: Math.min(options.sweepIntervalMs, 10_000), limit: 500 }),
  });

  return {
    worker,
    async close() {
      stopSweep();
      await worker.close();
    },
  };
}
