import { DelayedError, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { MailDelivery } from '../src/mail/mail-delivery';
import { MAIL_QUEUE, type MailJobData } from '../src/queue/mail-queue';
import { startPeriodicSweep } from '../src/queue/periodic-sweep';
import type { RunningWorker } from '../src/queue/running-worker';
import { webhookBackoff } from '../src/queue/webhook-queue';

export interface MailWorkerOptions {
  connection: Redis;
  prefix: string;
  mailDelivery: MailDelivery;
  logger: Logger;
  retrySchedule: number[];
  sweepIntervalMs: number;
}

/** Runs the mail queue: sends each stored mail, retrying on the schedule; writes digests and re-queues lost jobs on a timer. */
export function startMailWorker(options: MailWorkerOptions): RunningWorker {
  const { mailDelivery, logger } = options;
  const worker = new Worker<MailJobData>(
    MAIL_QUEUE,
    async (job, token) => {
      const finalAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      const outcome = await mailDelivery.deliver({ messageId: job.data.messageId, finalAttempt });
      const log = logger.child({ mailId: job.data.messageId, attempt: job.attemptsMade + 1 });
      switch (outcome.kind) {
        case 'delay':
          // Not an attempt: the address has had its share of mail this hour.
          await job.moveToDelayed(outcome.until, token);
          throw new DelayedError();
        case 'retry':
          // The SMTP answer can name the address: it stays out of info-level logs.
          log.info('mail not accepted by the SMTP server; will retry');
          log.debug({ answer: outcome.answer }, 'SMTP answer');
          throw new Error('SMTP send failed');
        case 'failed':
          log.warn('mail failed for good after its retries');
          throw new UnrecoverableError('SMTP send failed');
        default:
          log.info({ outcome: outcome.kind }, 'mail done');
          return { kind: outcome.kind };
      }
    },
    {
      connection: options.connection,
      prefix: options.prefix,
      concurrency: 2,
      settings: { backoffStrategy: webhookBackoff(options.retrySchedule) },
    },
  );
  worker.on('error', (err) => logger.error({ err: err.message }, 'mail worker error'));

  const stopSweep = startPeriodicSweep({
    intervalMs: options.sweepIntervalMs,
    logger,
    found: 'queued mails that had no job, or digests',
    sweep: async () =>
      (await mailDelivery.sweep({ graceMs: Math.min(options.sweepIntervalMs, 10_000), limit: 500 })) +
      (await mailDelivery.writeDigests()),
  });

  return {
    worker,
    async close() {
      stopSweep();
      await worker.close();
    },
  };
}
