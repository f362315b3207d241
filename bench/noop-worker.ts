/**
 * The floor of the pipeline, as a process of its own like `parley worker`: a BullMQ
 * worker whose processor does nothing, one job per comment, with the job options of
 * Parley's moderation jobs. Fills its queue, drains it for `seconds`, and writes
 * `{completed, seconds}` to `resultFile`.
 * Usage: node noop-worker.js <redisUrl> <prefix> <concurrency> <seconds> <resultFile>
 */
import fs from 'node:fs';
import { Queue, Worker } from 'bullmq';
import { createRedisConnection } from '../src/queue/redis';

const [redisUrl, prefix, concurrencyText, secondsText, resultFile] = process.argv.slice(2);
const concurrency = Number(concurrencyText);
const seconds = Number(secondsText);
/**
 * Enough jobs for `seconds` at the rates seen here (8,000/s drained 80,000 jobs before
 * 10 s were up, which capped the baseline at 8,000/s). Should the worker run dry anyway,
 * the rate is taken over the time it took, not over the whole window.
 */
const JOBS = Math.max(20_000, seconds * 20_000);

async function main(): Promise<void> {
  const producer = createRedisConnection(redisUrl, 'producer');
  const consumer = createRedisConnection(redisUrl, 'worker');
  const queue = new Queue('bench-noop', { connection: producer, prefix });
  const opts = {
    attempts: 8,
    backoff: { type: 'exponential', delay: 1000 },
    removeOnComplete: { age: 24 * 3600, count: 10_000 },
  };
  for (let start = 0; start < JOBS; start += 1000) {
    const ids = Array.from({ length: Math.min(1000, JOBS - start) }, (_, i) => `noop-${start + i}`);
    await queue.addBulk(ids.map((id) => ({ name: 'moderate', data: { commentId: id }, opts: { ...opts, jobId: id } })));
  }
  let completed = 0;
  let ranDry: () => void = () => undefined;
  const worker = new Worker('bench-noop', async () => undefined, { connection: consumer, prefix, concurrency });
  worker.on('completed', () => {
    completed += 1;
    if (completed === JOBS) ranDry();
  });
  await worker.waitUntilReady();
  const started = performance.now();
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, seconds * 1000);
    ranDry = () => {
      clearTimeout(timer);
      resolve();
    };
  });
  const done = completed;
  const elapsed = (performance.now() - started) / 1000;
  await worker.close(true);
  await queue.obliterate({ force: true });
  await queue.close();
  producer.disconnect();
  consumer.disconnect();
  fs.writeFileSync(resultFile, JSON.stringify({ completed: done, seconds: elapsed }));
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
