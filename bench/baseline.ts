import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Queue, Worker } from 'bullmq';
import express from 'express';
import { createRedisConnection } from '../src/queue/redis';

/**
 * The floor Parley is compared against: Express 5 doing nothing but parse JSON and
 * answer. Whatever Parley costs above it is Parley's own work (lookups, writes, queue).
 */
export async function startBaselineServer(): Promise<{ url: string; close(): Promise<void> }> {
  const app = express();
  app.disable('x-powered-by');
  app.post('/v1/sites/:siteKey/comments', express.json(), (_req, res) => {
    res.status(202).json({ comment: { status: 'pending' } });
  });
  app.get('/v1/sites/:siteKey/pages/:pageId/comments', (_req, res) => {
    res.json({ comments: [], total: 0, nextCursor: null });
  });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export interface NoopQueueOptions {
  redisUrl: string;
  /** A prefix of the bench's own, so the no-op queue never touches Parley's keys. */
  prefix: string;
  jobs: number;
  concurrency: number;
  timeoutMs: number;
}

/**
 * BullMQ's own cost for `jobs` jobs: added in bulk, then drained by one worker whose
 * processor does nothing. Returns the seconds from worker start to the last completion.
 */
export async function timeNoopQueue(options: NoopQueueOptions): Promise<number> {
  const producer = createRedisConnection(options.redisUrl, 'producer');
  const consumer = createRedisConnection(options.redisUrl, 'worker');
  const queue = new Queue('bench-noop', { connection: producer, prefix: options.prefix });
  try {
    const ids = Array.from({ length: options.jobs }, (_, i) => `noop-${i}`);
    // The same job options as Parley's moderation jobs, so both queues keep the same bookkeeping.
    const opts = { attempts: 8, removeOnComplete: { age: 24 * 3600, count: 10_000 } };
    await queue.addBulk(ids.map((id) => ({ name: 'noop', data: { commentId: id }, opts: { ...opts, jobId: id } })));

    let done = 0;
    let worker: Worker | undefined;
    const seconds = await new Promise<number>((resolve, reject) => {
      const started = performance.now();
      const timer = setTimeout(() => reject(new Error('timed out waiting for the no-op worker')), options.timeoutMs);
      worker = new Worker('bench-noop', async () => undefined, {
        connection: consumer,
        prefix: options.prefix,
        concurrency: options.concurrency,
      });
      worker.on('error', reject);
      worker.on('completed', () => {
        done += 1;
        if (done === options.jobs) {
          clearTimeout(timer);
          resolve((performance.now() - started) / 1000);
        }
      });
    });
    await worker?.close();
    return seconds;
  } finally {
    await queue.close();
    producer.disconnect();
    consumer.disconnect();
  }
}
