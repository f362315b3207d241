import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startWorker } from '../src/serve';
import { renderCommentHtml } from '../src/comments/render';
import { startBaselineServer, timeNoopQueue } from './baseline';
import { type LoadResult, runLoad } from './load';
import { clearRedisPrefix, type Dialect, type ParleyInstance, startParley } from './parley-instance';

// Parley reads this too; the bench builds its own config, but a stray logger must stay quiet.
process.env.PARLEY_LOG_LEVEL = 'silent';

const settings = {
  redisUrl: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
  postgresUrl: process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  dialects: ['sqlite', 'postgres'] as Dialect[],
  connections: 32,
  requests: 3000,
  warmupRequests: 300,
  /** Parley and the baseline alternate this many times; medians damp the noise of shared cores. */
  rounds: 3,
  moderationJobs: 2000,
  threadComments: 500,
  threadLimit: 50,
  timeoutMs: 120_000,
};

interface HttpComparison {
  parley: LoadSummary;
  baseline: LoadSummary;
}

interface LoadSummary {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  failures: number;
  meanResponseBytes: number;
  statusCodes: Record<string, number>;
  rounds: number[];
}

interface ModerationComparison {
  /** Jobs one worker runs at once: Parley's configured default, used for the baseline too. */
  concurrency: number;
  parley: {
    jobs: number;
    seconds: number;
    jobsPerSecond: number;
    statuses: Record<string, number>;
    failedAttempts: number;
  };
  baseline: { jobs: number; seconds: number; jobsPerSecond: number };
  /** How fast CommentService.submit (insert + enqueue) filled the queue, for reference. */
  submitPerSecond: number;
}

interface DialectResult {
  accept: HttpComparison;
  moderation: ModerationComparison;
  thread: HttpComparison;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function summarize(runs: LoadResult[]): LoadSummary {
  const statusCodes: Record<string, number> = {};
  for (const run of runs)
    for (const [code, n] of Object.entries(run.statusCodes)) statusCodes[code] = (statusCodes[code] ?? 0) + n;
  return {
    requestsPerSecond: median(runs.map((r) => r.requestsPerSecond)),
    p50Ms: median(runs.map((r) => r.p50Ms)),
    p99Ms: median(runs.map((r) => r.p99Ms)),
    failures: runs.reduce((sum, r) => sum + r.failures, 0),
    meanResponseBytes: median(runs.map((r) => r.meanResponseBytes)),
    statusCodes,
    rounds: runs.map((r) => Math.round(r.requestsPerSecond)),
  };
}

/** Warms both targets up, then measures them in alternation so a noisy moment hits both alike. */
async function compareHttp(options: {
  method: 'GET' | 'POST';
  parleyUrl: string;
  baselineUrl: string;
  body?: string;
}): Promise<HttpComparison> {
  const load = (url: string, amount: number) =>
    runLoad({ url, method: options.method, body: options.body, connections: settings.connections, amount });
  await load(options.baselineUrl, settings.warmupRequests);
  await load(options.parleyUrl, settings.warmupRequests);
  const parley: LoadResult[] = [];
  const baseline: LoadResult[] = [];
  for (let round = 0; round < settings.rounds; round += 1) {
    baseline.push(await load(options.baselineUrl, settings.requests));
    parley.push(await load(options.parleyUrl, settings.requests));
  }
  return { parley: summarize(parley), baseline: summarize(baseline) };
}

async function waitUntil(probe: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + settings.timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Runs `task(i)` for i in [0, count) with at most `parallel` in flight. */
async function forEachParallel(count: number, parallel: number, task: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: parallel }, lane));
}

async function benchModeration(parley: ParleyInstance, noopPrefix: string): Promise<ModerationComparison> {
  const { runtime, site } = parley;
  const jobs = settings.moderationJobs;
  const submitStart = performance.now();
  // Through the service, as the API does it: insert pending, then enqueue. A few dozen authors, so history checks have rows to count.
  await forEachParallel(jobs, 16, (i) =>
    runtime.commentService.submit({
      site,
      input: {
        pageId: 'bench-moderation',
        name: `Reader ${i % 40}`,
        email: `reader${i % 40}@example.com`,
        text: `Comment ${i}: *nice* post, thanks.`,
      },
      ip: '127.0.0.1',
      userAgent: 'parley-bench',
    }),
  );
  const submitSeconds = (performance.now() - submitStart) / 1000;

  const countByStatus = async () => {
    const rows = await runtime.db
      .selectFrom('comments')
      .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
      .where('page_id', '=', 'bench-moderation')
      .groupBy('status')
      .execute();
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  };

  // Only this benchmark's comments exist yet, so "no pending comment left" means all are decided;
  // the status index answers that cheaply, so the poll steals little time from the worker.
  const noPending = async () => {
    const row = await runtime.db
      .selectFrom('comments')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '=', 'pending')
      .executeTakeFirstOrThrow();
    return Number(row.n) === 0;
  };
  const started = performance.now();
  const worker = startWorker(runtime);
  let failedAttempts = 0;
  worker.worker.on('failed', () => (failedAttempts += 1));
  let seconds: number;
  try {
    await waitUntil(noPending, 'the worker to decide every comment');
    seconds = (performance.now() - started) / 1000;
  } finally {
    await worker.close();
  }

  const concurrency = runtime.config.worker.concurrency;
  let baselineSeconds: number;
  try {
    baselineSeconds = await timeNoopQueue({
      redisUrl: settings.redisUrl,
      prefix: noopPrefix,
      jobs,
      concurrency,
      timeoutMs: settings.timeoutMs,
    });
  } finally {
    await clearRedisPrefix(noopPrefix, settings.redisUrl);
  }
  return {
    concurrency,
    parley: { jobs, seconds, jobsPerSecond: jobs / seconds, statuses: await countByStatus(), failedAttempts },
    baseline: { jobs, seconds: baselineSeconds, jobsPerSecond: jobs / baselineSeconds },
    submitPerSecond: jobs / submitSeconds,
  };
}

/**
 * Puts approved comments on one page: submitted through the service like any comment,
 * then marked approved with the HTML the worker would store, since the read path is
 * measured here, not the pipeline.
 */
async function seedThread(parley: ParleyInstance, pageId: string): Promise<void> {
  const { runtime, site } = parley;
  await forEachParallel(settings.threadComments, 16, (i) =>
    runtime.commentService.submit({
      site,
      input: {
        pageId,
        name: `Reader ${i % 40}`,
        email: `reader${i % 40}@example.com`,
        text: `Comment ${i}: a reasonably sized paragraph about the post, with *emphasis* and a bit more text to read.`,
      },
      ip: '127.0.0.1',
      userAgent: 'parley-bench',
    }),
  );
  const rows = await runtime.db.selectFrom('comments').select(['id', 'text']).where('page_id', '=', pageId).execute();
  for (const row of rows) {
    await runtime.db
      .updateTable('comments')
      .set({ status: 'approved', html: renderCommentHtml(row.text), decided_at: Date.now() })
      .where('id', '=', row.id)
      .execute();
  }
}

async function benchDialect(parley: ParleyInstance, baselineUrl: string, noopPrefix: string): Promise<DialectResult> {
  const pagePath = (pageId: string) =>
    `/v1/sites/${parley.site.key}/pages/${pageId}/comments?limit=${settings.threadLimit}`;
  // Moderation first: the accept benchmark below leaves thousands of jobs queued, and no worker may see them.
  const moderation = await benchModeration(parley, noopPrefix);

  await seedThread(parley, 'bench-thread');
  const thread = await compareHttp({
    method: 'GET',
    parleyUrl: parley.url + pagePath('bench-thread'),
    baselineUrl: baselineUrl + pagePath('bench-thread'),
  });

  const commentsPath = `/v1/sites/${parley.site.key}/comments`;
  const body = JSON.stringify({
    pageId: 'bench-accept',
    name: 'Bench reader',
    email: 'bench@example.com',
    text: 'Benchmark comment [<id>]: *hello* there.',
  });
  const accept = await compareHttp({
    method: 'POST',
    parleyUrl: parley.url + commentsPath,
    baselineUrl: baselineUrl + commentsPath,
    body,
  });
  return { accept, moderation, thread };
}

function printTable(results: Partial<Record<Dialect, DialectResult>>): void {
  const rows: string[][] = [['dialect', 'measure', 'parley', 'baseline', 'parley/baseline']];
  const fmt = (n: number, digits = 0) => n.toFixed(digits);
  for (const [dialect, r] of Object.entries(results) as Array<[Dialect, DialectResult]>) {
    const http = (label: string, c: HttpComparison) => [
      [
        dialect,
        `${label} req/s`,
        fmt(c.parley.requestsPerSecond),
        fmt(c.baseline.requestsPerSecond),
        fmt(c.parley.requestsPerSecond / c.baseline.requestsPerSecond, 2),
      ],
      [
        '',
        `${label} p50 ms`,
        fmt(c.parley.p50Ms, 1),
        fmt(c.baseline.p50Ms, 1),
        fmt(c.parley.p50Ms / c.baseline.p50Ms, 1),
      ],
      [
        '',
        `${label} p99 ms`,
        fmt(c.parley.p99Ms, 1),
        fmt(c.baseline.p99Ms, 1),
        fmt(c.parley.p99Ms / c.baseline.p99Ms, 1),
      ],
    ];
    const m = r.moderation;
    rows.push(
      ...http('POST comment', r.accept),
      ...http(`GET thread (${settings.threadLimit} of ${settings.threadComments})`, r.thread).map((row) => [
        '',
        ...row.slice(1),
      ]),
      [
        '',
        'moderation jobs/s',
        fmt(m.parley.jobsPerSecond),
        fmt(m.baseline.jobsPerSecond),
        fmt(m.parley.jobsPerSecond / m.baseline.jobsPerSecond, 2),
      ],
    );
  }
  const widths = rows[0].map((_, col) => Math.max(...rows.map((row) => row[col].length)));
  const line = (row: string[]) =>
    row.map((cell, col) => (col < 2 ? cell.padEnd(widths[col]) : cell.padStart(widths[col]))).join('  ');
  console.log(line(rows[0]));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows.slice(1)) console.log(line(row));
}

/** Things a reader of the table should not miss: failed requests, retried jobs, held comments. */
function observations(results: Partial<Record<Dialect, DialectResult>>): string[] {
  const notes: string[] = [];
  for (const [dialect, r] of Object.entries(results) as Array<[Dialect, DialectResult]>) {
    for (const [label, c] of [
      ['POST comment', r.accept],
      ['GET thread', r.thread],
    ] as const) {
      if (c.parley.failures > 0)
        notes.push(
          `${dialect} ${label}: ${c.parley.failures} failed requests, statuses ${JSON.stringify(c.parley.statusCodes)}`,
        );
    }
    const m = r.moderation;
    notes.push(
      `${dialect}: worker concurrency ${m.concurrency}; submit via CommentService ${m.submitPerSecond.toFixed(0)}/s; moderation outcomes ${JSON.stringify(m.parley.statuses)}, ${m.parley.failedAttempts} failed attempts`,
    );
    notes.push(
      `${dialect}: mean response bytes POST ${r.accept.parley.meanResponseBytes.toFixed(0)} (baseline ${r.accept.baseline.meanResponseBytes.toFixed(0)}), GET ${r.thread.parley.meanResponseBytes.toFixed(0)} (baseline ${r.thread.baseline.meanResponseBytes.toFixed(0)})`,
    );
  }
  return notes;
}

async function main(): Promise<void> {
  const runId = randomBytes(4).toString('hex');
  const results: Partial<Record<Dialect, DialectResult>> = {};
  const notes: string[] = [];
  const baseline = await startBaselineServer();
  try {
    for (const dialect of settings.dialects) {
      const name = `parley_bench_${runId}_${dialect}`;
      let parley: ParleyInstance;
      try {
        parley = await startParley({ dialect, name, redisUrl: settings.redisUrl, postgresUrl: settings.postgresUrl });
      } catch (err) {
        notes.push(`${dialect}: skipped, could not start Parley: ${(err as Error).message}`);
        continue;
      }
      process.stderr.write(`benchmarking ${dialect}...\n`);
      try {
        results[dialect] = await benchDialect(parley, baseline.url, `{parley_bench_${runId}_noop}`);
      } finally {
        await parley.close();
      }
    }
  } finally {
    await baseline.close();
  }

  const machine = {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
  console.log(`Parley bench, ${new Date().toISOString()}, ${machine.cpu} x${machine.cores}, Node ${machine.node}`);
  console.log(
    `${settings.connections} connections, ${settings.requests} requests after ${settings.warmupRequests} warm-up, median of ${settings.rounds} alternating rounds; ${settings.moderationJobs} moderation jobs on one worker (Parley's default concurrency)\n`,
  );
  printTable(results);
  notes.push(...observations(results));
  if (notes.length > 0) console.log(`\n${notes.map((n) => `- ${n}`).join('\n')}`);

  const file = path.join(__dirname, '..', '..', 'bench', 'results', 'latest.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const { redisUrl: _redis, postgresUrl: _pg, ...shownSettings } = settings;
  fs.writeFileSync(
    file,
    `${JSON.stringify({ date: new Date().toISOString(), machine, settings: shownSettings, results, notes }, null, 2)}\n`,
  );
  console.log(`\nwrote ${path.relative(process.cwd(), file)}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
