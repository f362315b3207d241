import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { IpRetention } from '../src/privacy/ip-retention';
import { RETENTION_QUEUE } from '../src/queue/retention-queue';
import type { RunningWorker } from '../src/queue/running-worker';

/** Runs the retention queue: each run anonymizes the IPs of comments past the retention period. */
export function startRetentionWorker(options: {
  connection: Redis;
  prefix: string;
  ipRetention: IpRetention;
  logger: Logger;
}): RunningWorker {
  const { logger } = options;
  const worker = new Worker(
    RETENTION_QUEUE,
    async () => {
      const anonymized = await options.ipRetention.run();
      if (anonymized > 0) logger.info({ anonymized }, 'anonymized the IPs of comments past their retention');
      return anonymized;
    },
    { connection: options.connection, prefix: options.prefix, concurrency: 1 },
  );
  worker.on('failed', (_job, err) => logger.warn({ err: err.message }, 'retention job failed; it runs again'));
  worker.on('error', (err) => logger.error({ err: err.message }, 'retention worker error'));
  return { worker, close: () => worker.close() };
}
