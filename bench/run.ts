/**
 * `npm run bench [-- --json] [-- --quick]`: Parley's throughput against baselines measured
 * in the same run, on 127.0.0.1 only. Parley runs as in production, as `parley api` and
 * `parley worker` processes built from dist/, configured by environment, behind a
 * trusted proxy (many client IPs in X-Forwarded-For), with every protection on. See
 * README "Benchmarks" for what each section measures.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { loadConfig } from '../src/config';
import { connectDatabase, type Db } from '../src/db/connect';
import { renderCommentHtml } from '../src/comments/render';
import { clearRedisPrefix, createTestDatabase, type Dialect } from '../test/helpers/services';
import { type LoadResult, medianOf, runLoad } from './load';
import { type BenchProcess, freePort, PARLEY_MAIN, startProcess, startRedis, waitForHttp } from './processes';
import { clientIp, commentBody, loadTexts, type Texts, type TrustedAuthor, type WorkloadOptions } from './workload';

const args = new Set(process.argv.slice(2));
const quick = args.has('--quick');
const asJson = args.has('--json');

const settings = {
  /** A Redis to use; by default the bench starts one of its own (see startRedis). */
  redisUrl: process.env.BENCH_REDIS_URL ?? '',
  postgresUrl: process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  dialects: (process.env.BENCH_DIALECTS?.split(',') ?? ['sqlite', 'postgres']) as Dialect[],
  connections: 50,
  roundSeconds: quick ? 2 : 10,
  warmupSeconds: quick ? 1 : 2,
  /** Parley and its baseline alternate this many times; the medians damp a shared machine's noise. */
  rounds: quick ? 1 : 3,
  threadComments: 200,
  /** The widget's page size. */
  threadLimit: 50,
  pipelineComments: quick ? 1000 : 20_000,
  trustedAuthors: quick ? 200 : 2000,
  noopConcurrencies: quick ? [16] : [4, 16, 64],
  noopSeconds: quick ? 3 : 10,
  e2eSeconds: quick ? 3 : 10,
  /** The longest the workers get for one pipeline measure; the rate is what they managed. */
  drainBudgetMs: quick ? 30_000 : 75_000,
  timeoutMs: 300_000,
};

const WORKLOAD_SHARES = { trustedShare: 0.3, spamShare: 0.2, abuseShare: 0.05 };

const log = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const round2 = (n: number) => Math.round(n * 100) / 100;
const R = (r: LoadResult) => ({ rps: Math.round(r.rps), p50_ms: r.p50_ms, p99_ms: r.p99_ms, errors: r.errors });

/** A Parley deployment of the bench's own: a database, a Redis prefix, an API process, workers on demand. */
interface Deployment {
  dialect: Dialect;
  url: string;
  env: Record<string, string>;
  db: Db;
  api: BenchProcess;
  siteKey: string;
  adminToken: string;
  prefix: string;
  close(): Promise<void>;
}

async function deploy(dialect: Dialect, name: string): Promise<Deployment> {
  const database = await createTestDatabase(dialect, { postgresUrl: settings.postgresUrl, name });
  const prefix = `{${name}}`;
  const adminToken = randomBytes(24).toString('base64url');
  const dataDir = database.env.PARLEY_DATA_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), `${name}-`));
  const env: Record<string, string> = {
    ...database.env,
    PARLEY_DATA_DIR: dataDir,
    NODE_ENV: 'production',
    PARLEY_HOST: '127.0.0.1',
    REDIS_URL: settings.redisUrl,
    PARLEY_REDIS_PREFIX: prefix,
    PARLEY_LOG_LEVEL: 'silent',
    // The load comes through a proxy on this machine: the client IP is X-Forwarded-For's.
    PARLEY_TRUST_PROXY: 'loopback',
    PARLEY_SECRET: randomBytes(32).toString('base64url'),
    PARLEY_ADMIN_TOKEN: adminToken,
  };
  const port = await freePort();
  // BENCH_API_NODE_ARGS="--cpu-prof --cpu-prof-dir=DIR" profiles the API process (written when it stops).
  const nodeArgs = process.env.BENCH_API_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const api = startProcess({ script: PARLEY_MAIN, args: ['api'], nodeArgs, env: { ...env, PORT: String(port) } });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/readyz`);
  const db = connectDatabase(loadConfig(env).database);
  const created = await fetch(`${url}/v1/admin/sites`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Bench blog', origins: ['https://blog.example'], moderation: 'first-time' }),
  });
  if (created.status !== 201) throw new Error(`could not create the bench site: ${created.status}`);
  const siteKey = ((await created.json()) as { key: string }).key;
  return {
    dialect,
    url,
    env,
    db,
    api,
    siteKey,
    adminToken,
    prefix,
    async close() {
      await api.stop();
      await db.destroy();
      await clearRedisPrefix(prefix, settings.redisUrl);
      await database.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const commentsPath = (d: Deployment) => `/v1/sites/${d.siteKey}/comments`;
const threadPath = (d: Deployment, pageId: string) =>
  `/v1/sites/${d.siteKey}/pages/${pageId}/comments?limit=${settings.threadLimit}`;

/** POSTs `count` comments, 32 at a time, as readers behind the proxy would; returns the answers in order. */
async function submitMany(d: Deployment, count: number, body: (i: number) => string, offset = 0) {
  const answers: Array<{ id: string; authorToken: string }> = [];
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const n = next++;
      const i = offset + n;
      const res = await fetch(d.url + commentsPath(d), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': clientIp(i) },
        body: body(i),
      });
      if (res.status !== 202) throw new Error(`seeding: POST answered ${res.status}: ${await res.text()}`);
      const answer = (await res.json()) as { comment: { id: string }; authorToken: string };
      answers[n] = { id: answer.comment.id, authorToken: answer.authorToken };
    }
  };
  await Promise.all(Array.from({ length: 32 }, lane));
  return answers;
}

/** Publishes comments as the worker would have (the read path is measured here, not the pipeline). */
async function approveInDatabase(d: Deployment, ids: string[]): Promise<void> {
  for (let start = 0; start < ids.length; start += 500) {
    const chunk = ids.slice(start, start + 500);
    const rows = await d.db.selectFrom('comments').select(['id', 'text']).where('id', 'in', chunk).execute();
    await d.db.transaction().execute(async (trx) => {
      for (const row of rows)
        await trx
          .updateTable('comments')
          .set({ status: 'approved', html: renderCommentHtml(row.text), decided_at: Date.now() })
          .where('id', '=', row.id)
          .execute();
    });
  }
}

const countWhere = async (d: Deployment, pageIds: string[], status?: string) => {
  let query = d.db
    .selectFrom('comments')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('page_id', 'in', pageIds);
  if (status) query = query.where('status', '=', status as 'pending');
  return Number((await query.executeTakeFirstOrThrow()).n);
};

/** Alternates Parley and the baseline, warm-up first; returns the medians and Parley's CPU per request. */
async function compare(options: {
  d: Deployment;
  baselineUrl: string;
  path: string;
  method: 'GET' | 'POST';
  body?: (i: number) => string;
  offset: { next: number };
  redis: RedisGauge;
}) {
  const load = (base: string, seconds: number) => {
    const offset = options.offset.next;
    options.offset.next += 1_000_000;
    return runLoad({
      url: base + options.path,
      method: options.method,
      connections: settings.connections,
      seconds,
      offset,
      request: (i) => ({ body: options.body?.(i), ip: clientIp(i) }),
      onResponse:
        base === options.d.url && options.method === 'POST'
          ? (status, body) => {
              if (status === 202) acceptedIds.push((JSON.parse(body) as { comment: { id: string } }).comment.id);
            }
          : undefined,
    });
  };
  /** The ids Parley's 202s gave: each must be a stored comment. */
  const acceptedIds: string[] = [];
  await load(options.baselineUrl, settings.warmupSeconds);
  const warmup = await load(options.d.url, settings.warmupSeconds);

  const parley: LoadResult[] = [];
  const baseline: LoadResult[] = [];
  let cpuMs = 0;
  let redisCpu = 0;
  let redisCommands = 0;
  for (let round = 0; round < settings.rounds; round += 1) {
    baseline.push(await load(options.baselineUrl, settings.roundSeconds));
    const cpuBefore = options.d.api.cpuMs();
    const redisCpuBefore = options.redis.cpuMs();
    const commandsBefore = await options.redis.commands();
    parley.push(await load(options.d.url, settings.roundSeconds));
    cpuMs += options.d.api.cpuMs() - cpuBefore;
    redisCpu += options.redis.cpuMs() - redisCpuBefore;
    redisCommands += (await options.redis.commands()) - commandsBefore;
  }
  const requests = parley.reduce((sum, r) => sum + r.requests, 0);
  const accepted202 = [warmup, ...parley].reduce((sum, r) => sum + (r.statusCodes['202'] ?? 0), 0);
  return {
    parley: medianOf(parley),
    baseline: medianOf(baseline),
    accepted202,
    acceptedIds,
    apiCpuMsPerRequest: round2(cpuMs / requests),
    redisCpuMsPerRequest: round2(redisCpu / requests),
    redisCommandsPerRequest: round2(redisCommands / requests),
  };
}

/** The bench's Redis: its CPU time and how many commands it has run (one INFO of the bench's own each). */
interface RedisGauge {
  cpuMs(): number;
  commands(): Promise<number>;
}

function redisGauge(redis: IORedis, server: BenchProcess | undefined): RedisGauge {
  return {
    cpuMs: () => server?.cpuMs() ?? 0,
    commands: async () => Number(/total_commands_processed:(\d+)/.exec(await redis.info('stats'))?.[1] ?? 0),
  };
}

function startBaseline(port: number, samplesFile: string): BenchProcess {
  return startProcess({
    script: path.join(__dirname, 'baseline-server.js'),
    args: [String(port), samplesFile],
    env: { NODE_ENV: 'production' },
  });
}

function startWorkers(d: Deployment, count: number, concurrency?: number): BenchProcess[] {
  const env = { ...d.env, ...(concurrency ? { PARLEY_WORKER_CONCURRENCY: String(concurrency) } : {}) };
  // BENCH_WORKER_NODE_ARGS="--cpu-prof --cpu-prof-dir=DIR" profiles the worker processes, as for the API.
  const nodeArgs = process.env.BENCH_WORKER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  return Array.from({ length: count }, () => startProcess({ script: PARLEY_MAIN, args: ['worker'], env, nodeArgs }));
}

/**
 * Waits until no comment of `pageIds` is pending, or `budgetMs` has passed (the bench
 * stays bounded in time on a slow or busy machine). The rate is taken from the
 * timestamps of the decisions made since `since`: the workers' own pace, start-up excluded.
 */
async function drain(d: Deployment, pageIds: string[], workers: BenchProcess[], budgetMs = settings.drainBudgetMs) {
  const since = Date.now();
  const deadline = since + budgetMs;
  let pending = await countWhere(d, pageIds, 'pending');
  while (pending > 0 && Date.now() < deadline) {
    for (const w of workers) w.peakRssMb();
    await sleep(250);
    pending = await countWhere(d, pageIds, 'pending');
  }
  const span = await d.db
    .selectFrom('comments')
    .select((eb) => [
      eb.fn.min('decided_at').as('first'),
      eb.fn.max('decided_at').as('last'),
      eb.fn.countAll<number>().as('n'),
    ])
    .where('page_id', 'in', pageIds)
    .where('decided_at', '>=', since)
    .executeTakeFirstOrThrow();
  const seconds = (Number(span.last) - Number(span.first)) / 1000;
  const statuses = await d.db
    .selectFrom('comments')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('page_id', 'in', pageIds)
    .groupBy('status')
    .execute();
  const held = await d.db
    .selectFrom('comments')
    .select('findings')
    .where('page_id', 'in', pageIds)
    .where('status', '=', 'held')
    .limit(1000)
    .execute();
  const holdReasons: Record<string, number> = {};
  for (const row of held)
    for (const finding of JSON.parse(row.findings) as Array<{ check: string; verdict: string }>)
      if (finding.verdict === 'hold') holdReasons[finding.check] = (holdReasons[finding.check] ?? 0) + 1;
  return {
    comments: Number(span.n),
    /** Left pending when the budget ran out (0: all done). */
    pending,
    seconds: round2(seconds),
    holdReasons,
    perSecond: Math.round(Number(span.n) / seconds),
    statuses: Object.fromEntries(statuses.map((s) => [s.status, Number(s.n)])),
  };
}

async function benchDialect(dialect: Dialect, texts: Texts, runId: string, redis: RedisGauge) {
  const d = await deploy(dialect, `parley_bench_${runId}_${dialect}`);
  const samplesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-'));
  const processes: BenchProcess[] = [];
  const offset = { next: 0 };
  try {
    log(`${dialect}: seeding a thread of ${settings.threadComments} comments`);
    const hamBody = (pageId: string) => (i: number) =>
      JSON.stringify({
        pageId,
        name: `Reader ${i}`,
        email: `reader${i}@example.com`,
        text: `${texts.ham[i % texts.ham.length]} (${i})`,
      });
    const seeded = await submitMany(d, settings.threadComments, hamBody('bench-thread'), 9_000_000);
    await approveInDatabase(
      d,
      seeded.map((s) => s.id),
    );
    const threadJson = await (await fetch(d.url + threadPath(d, 'bench-thread'))).text();
    const sample = await fetch(d.url + commentsPath(d), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '192.0.2.1' },
      body: hamBody('bench-sample')(8_999_999),
    });
    const config = loadConfig(d.env);
    const samplesFile = path.join(samplesDir, 'samples.json');
    fs.writeFileSync(
      samplesFile,
      JSON.stringify({
        submitAnswer: await sample.json(),
        threadJson,
        maxCommentLength: config.maxCommentLength,
        bodyLimit: config.bodyLimit,
      }),
    );
    const baselinePort = await freePort();
    const baseline = startBaseline(baselinePort, samplesFile);
    processes.push(baseline);
    const baselineUrl = `http://127.0.0.1:${baselinePort}`;
    await waitForHttp(`${baselineUrl}/healthz`);

    log(`${dialect}: submit`);
    const submitPages = ['bench-submit'];
    const submitBody = (i: number) => commentBody({ pageIds: submitPages, texts, trusted: [], ...WORKLOAD_SHARES }, i);
    const storedBefore = await countWhere(d, submitPages);
    const submit = await compare({
      d,
      baselineUrl,
      path: commentsPath(d),
      method: 'POST',
      body: submitBody,
      offset,
      redis,
    });
    // Every 202 must be a stored comment: each id answered (warm-up included) looked up. A request
    // cut off when a round ends may be stored unanswered, so there can be more rows than 202s.
    const { accepted202, acceptedIds } = submit;
    let found = 0;
    for (let start = 0; start < acceptedIds.length; start += 500) {
      const chunk = acceptedIds.slice(start, start + 500);
      const rows = await d.db.selectFrom('comments').select('id').where('id', 'in', chunk).execute();
      found += rows.length;
    }
    const stored = (await countWhere(d, submitPages)) - storedBefore;
    // Those comments are not the pipeline's: hold them and drop their jobs, so no worker sees them.
    await d.db.updateTable('comments').set({ status: 'held' }).where('page_id', 'in', submitPages).execute();
    await obliterate(d, 'moderation');

    log(`${dialect}: read`);
    const read = await compare({ d, baselineUrl, path: threadPath(d, 'bench-thread'), method: 'GET', offset, redis });
    log(`${dialect}: read under writes`);
    const underWrites = await readUnderWrites(d);
    await obliterate(d, 'feedback');

    log(`${dialect}: pipeline`);
    const regular = (n: number) => ({ name: `Regular ${n}`, email: `regular${n}@example.com` });
    const trustedSeed = await submitMany(
      d,
      settings.trustedAuthors,
      (i) =>
        JSON.stringify({
          pageId: 'bench-regulars',
          ...regular(i - 8_000_000),
          text: `${texts.ham[i % texts.ham.length]} (${i})`,
        }),
      8_000_000,
    );
    await approveInDatabase(
      d,
      trustedSeed.map((s) => s.id),
    );
    await obliterate(d, 'moderation');
    const trusted: TrustedAuthor[] = trustedSeed.map((s, n) => ({ ...regular(n), authorToken: s.authorToken }));
    const workload = (pageIds: string[]): WorkloadOptions => ({ pageIds, texts, trusted, ...WORKLOAD_SHARES });

    const onePages = Array.from({ length: 20 }, (_, i) => `bench-pipeline-a${i}`);
    await submitMany(d, settings.pipelineComments, (i) => commentBody(workload(onePages), i), 1_000_000);
    const one = startWorkers(d, 1);
    processes.push(...one);
    const cpuBefore = one[0].cpuMs();
    const redisCpuBefore = redis.cpuMs();
    const commandsBefore = await redis.commands();
    const oneResult = await drain(d, onePages, one);
    const workerCpuMsPerComment = round2((one[0].cpuMs() - cpuBefore) / oneResult.comments);
    const redisCpuMsPerComment = round2((redis.cpuMs() - redisCpuBefore) / oneResult.comments);
    const redisCommandsPerComment = round2(((await redis.commands()) - commandsBefore) / oneResult.comments);
    const workerRss = one[0].peakRssMb();
    await one[0].stop();

    // Two workers go on with what one left, or with a fresh batch if it left too little to time.
    let twoPages = onePages;
    if (oneResult.pending < settings.pipelineComments / 4) {
      twoPages = Array.from({ length: 20 }, (_, i) => `bench-pipeline-b${i}`);
      await submitMany(d, settings.pipelineComments, (i) => commentBody(workload(twoPages), i), 2_000_000);
    }
    const two = startWorkers(d, 2);
    processes.push(...two);
    const twoResult = await drain(d, twoPages, two);
    await Promise.all(two.map((w) => w.stop()));

    log(`${dialect}: e2e`);
    const e2e = await endToEnd(d, workload(['bench-e2e']), submit.parley.rps / 2);
    processes.push(...e2e.workers);

    return {
      submit: {
        ...submit,
        acceptedIds: undefined,
        accepted202,
        answeredIds: acceptedIds.length,
        missing: acceptedIds.length - found,
        stored,
      },
      read,
      underWrites,
      pipeline: {
        one: { ...oneResult, workerCpuMsPerComment, redisCpuMsPerComment, redisCommandsPerComment },
        two: twoResult,
      },
      e2e: e2e.result,
      rssMb: {
        api: Math.round(d.api.peakRssMb()),
        worker: Math.round(workerRss),
        baseline: Math.round(baseline.peakRssMb()),
      },
    };
  } finally {
    for (const p of processes) await p.stop();
    fs.rmSync(samplesDir, { recursive: true, force: true });
    await d.close();
  }
}

/** Empties a queue of the deployment: jobs of comments the bench set aside. */
async function obliterate(d: Deployment, name: string): Promise<void> {
  const connection = new IORedis(settings.redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue(name, { connection, prefix: d.prefix });
  try {
    await queue.obliterate({ force: true });
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

/** Readers load the thread while a moderator approves a held comment on it every 100 ms, through the API. */
async function readUnderWrites(d: Deployment) {
  const held = await d.db
    .selectFrom('comments')
    .select('id')
    .where('page_id', '=', 'bench-submit')
    .where('status', '=', 'held')
    .limit(Math.ceil((settings.roundSeconds * 1000) / 100) + 20)
    .execute();
  // Moved onto the read page, still held: each approval then changes the page the readers read.
  await d.db
    .updateTable('comments')
    .set({ page_id: 'bench-thread' })
    .where(
      'id',
      'in',
      held.map((h) => h.id),
    )
    .execute();
  let approvals = 0;
  let writing = true;
  const writer = (async () => {
    for (const { id } of held) {
      if (!writing) break;
      const res = await fetch(`${d.url}/v1/moderation/comments/${id}/actions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${d.adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ action: 'approve' }),
      });
      if (res.status === 200) approvals += 1;
      await sleep(100);
    }
  })();
  const result = await runLoad({
    url: d.url + threadPath(d, 'bench-thread'),
    method: 'GET',
    connections: settings.connections,
    seconds: settings.roundSeconds,
    request: (i) => ({ ip: clientIp(i) }),
  });
  writing = false;
  await writer;
  return { ...result, approvals };
}

/** Submissions at a steady `rate` with one worker running: from each 202 to its decision in the database. */
async function endToEnd(d: Deployment, workload: WorkloadOptions, rate: number) {
  const workers = startWorkers(d, 1);
  // The worker is up once it has decided a first comment.
  await submitMany(d, 1, (i) => commentBody(workload, i), 3_999_999);
  await drain(d, workload.pageIds, workers);
  const acceptedAt = new Map<string, number>();
  await runLoad({
    url: d.url + commentsPath(d),
    method: 'POST',
    connections: settings.connections,
    seconds: settings.e2eSeconds,
    rate: Math.max(1, Math.round(rate)),
    offset: 3_000_000,
    request: (i) => ({ body: commentBody(workload, i), ip: clientIp(i) }),
    onResponse: (status, body) => {
      if (status === 202) acceptedAt.set((JSON.parse(body) as { comment: { id: string } }).comment.id, Date.now());
    },
  });
  await drain(d, workload.pageIds, workers);
  const decided = new Map<string, number>();
  const ids = [...acceptedAt.keys()];
  for (let start = 0; start < ids.length; start += 500) {
    const rows = await d.db
      .selectFrom('comments')
      .select(['id', 'decided_at'])
      .where('id', 'in', ids.slice(start, start + 500))
      .execute();
    for (const row of rows) if (row.decided_at !== null) decided.set(row.id, Number(row.decided_at));
  }
  const latencies = ids
    .filter((id) => decided.has(id))
    .map((id) => Math.max(0, decided.get(id)! - acceptedAt.get(id)!))
    .sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return {
    workers,
    result: {
      offered_per_s: Math.round(rate),
      comments: latencies.length,
      undecided: ids.length - latencies.length,
      p50_ms: at(0.5),
      p99_ms: at(0.99),
    },
  };
}

/** The no-op worker at each concurrency, in a process of its own; the best one is the baseline. */
async function benchNoop(runId: string) {
  const results: Array<{ concurrency: number; perSecond: number }> = [];
  for (const concurrency of settings.noopConcurrencies) {
    const prefix = `{parley_bench_${runId}_noop}`;
    const resultFile = path.join(os.tmpdir(), `parley-bench-noop-${runId}.json`);
    const worker = startProcess({
      script: path.join(__dirname, 'noop-worker.js'),
      args: [settings.redisUrl, prefix, String(concurrency), String(settings.noopSeconds), resultFile],
      env: { NODE_ENV: 'production' },
    });
    const deadline = Date.now() + settings.timeoutMs;
    while (!fs.existsSync(resultFile)) {
      if (Date.now() > deadline) throw new Error('the no-op worker did not finish');
      await sleep(200);
    }
    await worker.stop();
    const { completed, seconds } = JSON.parse(fs.readFileSync(resultFile, 'utf8')) as {
      completed: number;
      seconds: number;
    };
    fs.rmSync(resultFile);
    await clearRedisPrefix(prefix, settings.redisUrl);
    results.push({ concurrency, perSecond: Math.round(completed / seconds) });
  }
  const best = results.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
  return { best, all: results };
}

type DialectReport = Awaited<ReturnType<typeof benchDialect>>;

function report(results: Partial<Record<Dialect, DialectReport>>, noop: Awaited<ReturnType<typeof benchNoop>>) {
  const sqlite = results.sqlite;
  const postgres = results.postgres;
  const main = sqlite ?? postgres;
  const machine = {
    date: new Date().toISOString(),
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memory_gb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    quick,
  };
  const ratio = (a: number | undefined, b: number | undefined) => (a && b ? round2(a / b) : null);
  return {
    machine,
    submit: {
      sqlite: sqlite && R(sqlite.submit.parley),
      postgres: postgres && R(postgres.submit.parley),
      baseline: main && R(main.submit.baseline),
      ratio_sqlite: ratio(sqlite?.submit.parley.rps, sqlite?.submit.baseline.rps),
      ratio_postgres: ratio(postgres?.submit.parley.rps, postgres?.submit.baseline.rps),
      accepted_vs_stored: Object.fromEntries(
        Object.entries(results).map(([k, r]) => [
          k,
          { accepted: r.submit.accepted202, missing: r.submit.missing, stored_rows: r.submit.stored },
        ]),
      ),
      api_cpu_ms_per_request: Object.fromEntries(
        Object.entries(results).map(([k, r]) => [k, r.submit.apiCpuMsPerRequest]),
      ),
      redis_commands_per_request: Object.fromEntries(
        Object.entries(results).map(([k, r]) => [k, r.submit.redisCommandsPerRequest]),
      ),
      redis_cpu_ms_per_request: Object.fromEntries(
        Object.entries(results).map(([k, r]) => [k, r.submit.redisCpuMsPerRequest]),
      ),
    },
    read: {
      parley: main && R(main.read.parley),
      baseline: main && R(main.read.baseline),
      ratio: ratio(main?.read.parley.rps, main?.read.baseline.rps),
      under_writes: main && { ...R(main.underWrites), approvals: main.underWrites.approvals },
      postgres: postgres && R(postgres.read.parley),
      ratio_postgres: ratio(postgres?.read.parley.rps, postgres?.read.baseline.rps),
      response_bytes: main && {
        parley: main.read.parley.meanResponseBytes,
        baseline: main.read.baseline.meanResponseBytes,
      },
      api_cpu_ms_per_request: Object.fromEntries(
        Object.entries(results).map(([k, r]) => [k, r.read.apiCpuMsPerRequest]),
      ),
    },
    pipeline: {
      parley_per_s: main?.pipeline.one.perSecond,
      noop_per_s: noop.best.perSecond,
      noop_concurrency: noop.best.concurrency,
      ratio: ratio(main?.pipeline.one.perSecond, noop.best.perSecond),
      two_workers_per_s: main?.pipeline.two.perSecond,
      two_workers_scale: ratio(main?.pipeline.two.perSecond, main?.pipeline.one.perSecond),
      postgres_per_s: postgres?.pipeline.one.perSecond,
      ratio_postgres: ratio(postgres?.pipeline.one.perSecond, noop.best.perSecond),
      postgres_two_workers_per_s: postgres?.pipeline.two.perSecond,
      statuses: main?.pipeline.one.statuses,
      worker_cpu_ms_per_comment: Object.fromEntries(
        Object.entries(results).map(([k, r]) => [k, r.pipeline.one.workerCpuMsPerComment]),
      ),
      redis_cpu_ms_per_comment: Object.fromEntries(
        Object.entries(results).map(([k, r]) => [k, r.pipeline.one.redisCpuMsPerComment]),
      ),
      redis_commands_per_comment: Object.fromEntries(
        Object.entries(results).map(([k, r]) => [k, r.pipeline.one.redisCommandsPerComment]),
      ),
      hold_reasons: main?.pipeline.one.holdReasons,
      noop_all: noop.all,
    },
    e2e: {
      p50_ms: main?.e2e.p50_ms,
      p99_ms: main?.e2e.p99_ms,
      offered_per_s: main?.e2e.offered_per_s,
      postgres: postgres?.e2e,
    },
    rss_mb: Object.fromEntries(Object.entries(results).map(([k, r]) => [k, r.rssMb])),
  };
}

function printTable(out: ReturnType<typeof report>): void {
  const rows: string[][] = [['measure', 'SQLite', 'PostgreSQL', 'baseline', 'ratio SQLite', 'ratio PG']];
  const r = (x: { rps: number; p50_ms: number; p99_ms: number; errors: number } | undefined | null) =>
    x ? `${x.rps}/s p50 ${x.p50_ms} p99 ${x.p99_ms} err ${x.errors}` : '-';
  const s = (x: unknown) => (x === undefined || x === null ? '-' : String(x));
  rows.push([
    'submit',
    r(out.submit.sqlite),
    r(out.submit.postgres),
    r(out.submit.baseline),
    s(out.submit.ratio_sqlite),
    s(out.submit.ratio_postgres),
  ]);
  rows.push([
    'read',
    r(out.read.parley),
    r(out.read.postgres),
    r(out.read.baseline),
    s(out.read.ratio),
    s(out.read.ratio_postgres),
  ]);
  rows.push(['read under writes', r(out.read.under_writes), '', '', '', '']);
  rows.push([
    'pipeline comments/s',
    s(out.pipeline.parley_per_s),
    s(out.pipeline.postgres_per_s),
    `${out.pipeline.noop_per_s} (no-op, c=${out.pipeline.noop_concurrency})`,
    s(out.pipeline.ratio),
    s(out.pipeline.ratio_postgres),
  ]);
  rows.push([
    'two workers',
    s(out.pipeline.two_workers_per_s),
    s(out.pipeline.postgres_two_workers_per_s),
    '',
    s(out.pipeline.two_workers_scale),
    '',
  ]);
  rows.push([
    'e2e p50/p99 ms',
    `${s(out.e2e.p50_ms)}/${s(out.e2e.p99_ms)} at ${s(out.e2e.offered_per_s)}/s`,
    out.e2e.postgres
      ? `${out.e2e.postgres.p50_ms}/${out.e2e.postgres.p99_ms} at ${out.e2e.postgres.offered_per_s}/s`
      : '-',
    '',
    '',
    '',
  ]);
  const widths = rows[0].map((_, col) => Math.max(...rows.map((row) => row[col].length)));
  const line = (row: string[]) => row.map((cell, col) => cell.padEnd(widths[col])).join('  ');
  console.log(
    `Parley bench, ${out.machine.date}, ${out.machine.cpu} x${out.machine.cores}, Node ${out.machine.node}${quick ? ' (--quick)' : ''}`,
  );
  console.log(
    `${settings.connections} connections, ${settings.rounds} alternating rounds of ${settings.roundSeconds} s (medians); pipeline ${settings.pipelineComments} comments\n`,
  );
  console.log(line(rows[0]));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows.slice(1)) console.log(line(row));
  console.log(`\nsubmit: 202s vs stored ${JSON.stringify(out.submit.accepted_vs_stored)}`);
  console.log(
    `API CPU ms/request: submit ${JSON.stringify(out.submit.api_cpu_ms_per_request)}, read ${JSON.stringify(out.read.api_cpu_ms_per_request)}`,
  );
  console.log(
    `Redis per submit: ${JSON.stringify(out.submit.redis_commands_per_request)} commands (those run by scripts included), ${JSON.stringify(out.submit.redis_cpu_ms_per_request)} CPU ms`,
  );
  console.log(
    `worker CPU ms/comment ${JSON.stringify(out.pipeline.worker_cpu_ms_per_comment)}, Redis CPU ms/comment ${JSON.stringify(out.pipeline.redis_cpu_ms_per_comment)}, Redis commands/comment ${JSON.stringify(out.pipeline.redis_commands_per_comment)}`,
  );
  console.log(
    `outcomes ${JSON.stringify(out.pipeline.statuses)}; held by ${JSON.stringify(out.pipeline.hold_reasons)}`,
  );
  console.log(`peak RSS MB ${JSON.stringify(out.rss_mb)}`);
}

async function main(): Promise<void> {
  const runId = randomBytes(4).toString('hex');
  const texts = loadTexts();
  const ownRedis = settings.redisUrl ? undefined : await startRedis();
  if (ownRedis) settings.redisUrl = ownRedis.url;
  const redis = new IORedis(settings.redisUrl);
  const gauge = redisGauge(redis, ownRedis?.process);
  const results: Partial<Record<Dialect, DialectReport>> = {};
  try {
    log('no-op worker');
    const noop = await benchNoop(runId);
    for (const dialect of settings.dialects) {
      try {
        results[dialect] = await benchDialect(dialect, texts, runId, gauge);
      } catch (err) {
        // One database failing (not reachable, too slow) still leaves the other's figures.
        log(`${dialect}: failed: ${(err as Error).stack ?? String(err)}`);
        process.exitCode = 1;
      }
    }
    const out = report(results, noop);
    if (asJson) console.log(JSON.stringify(out));
    else printTable(out);
    const file = path.join(__dirname, '..', '..', 'bench', 'results', quick ? 'quick.json' : 'latest.json');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(
      file,
      `${JSON.stringify({ settings: { ...settings, redisUrl: undefined, postgresUrl: undefined }, ...out, details: results }, null, 2)}\n`,
    );
    log(`wrote ${path.relative(process.cwd(), file)}`);
  } finally {
    redis.disconnect();
    await ownRedis?.process.stop();
  }
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
