import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import { loadConfig } from '../../src/config';
import { connectDatabase, type Db } from '../../src/db/connect';
import { migrateToLatest } from '../../src/db/migrate';
import { SiteRepository } from '../../src/sites/site-repository';
import {
  clearRedisPrefix,
  createTestDatabase,
  type Dialect,
  TEST_REDIS_URL,
  type TestDatabase,
  uniqueName,
  waitFor,
} from '../helpers/services';
import { startWebhookReceiver } from '../helpers/webhook-receiver';
import { PARLEY_MAIN } from '../helpers/parley-command';

export const ADMIN_TOKEN = 'reliability-admin-token-0123456789abcdef';

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A `parley api` or `parley worker` process, its output kept for when a test fails. */
export interface ParleyProcess {
  role: 'api' | 'worker';
  child: ChildProcess;
  output: string[];
  exited: Promise<number | null>;
  signal(signal: NodeJS.Signals): void;
}

function spawnParley(role: 'api' | 'worker', env: Record<string, string>): ParleyProcess {
  const child = spawn(process.execPath, [PARLEY_MAIN, role], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(chunk.toString());
    if (output.length > 400) output.shift();
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { role, child, output, exited, signal: (signal) => child.kill(signal) };
}

export interface StackOptions {
  dialect: Dialect;
  /** Environment for every process, over the defaults below. */
  env?: Record<string, string>;
  /** Where the processes reach PostgreSQL, if not directly (a proxy the test can cut). */
  postgresUrlFor?: (databaseUrl: string) => string;
}

/**
 * Parley as an operator runs it: an API process and worker processes, on a database
 * and Redis prefix of their own, a site that publishes without a moderator, and a webhook
 * receiver for every event that counts each `webhook-id` once.
 */
export async function startStack(options: StackOptions) {
  const database: TestDatabase = await createTestDatabase(options.dialect);
  const port = await freePort();
  const databaseEnv =
    options.postgresUrlFor && database.env.DATABASE_URL
      ? { DATABASE_URL: options.postgresUrlFor(database.env.DATABASE_URL) }
      : database.env;
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    PORT: String(port),
    PARLEY_HOST: '127.0.0.1',
    REDIS_URL: TEST_REDIS_URL,
    PARLEY_REDIS_PREFIX: `{${uniqueName('rel')}}`,
    PARLEY_ADMIN_TOKEN: ADMIN_TOKEN,
    PARLEY_SECRET: 'reliability-secret-0123456789abcdef0123456789',
    PARLEY_TRUST_PROXY: 'loopback',
    PARLEY_LOG_LEVEL: 'warn',
    PARLEY_JOB_LOCK_MS: '2000',
    PARLEY_SWEEP_INTERVAL_MS: '1000',
    PARLEY_WEBHOOK_RETRY_SCHEDULE: '200ms,500ms,1s,1s,2s,2s,2s,2s,2s,2s',
    // One receiver takes every event here: let it have the worker's delivery slots.
    PARLEY_WEBHOOK_ENDPOINT_CONCURRENCY: '16',
    ...database.env,
    ...options.env,
  };
  const config = loadConfig(env);
  // The test's own view of the database, straight and not through any proxy.
  const db: Db = connectDatabase(config.database);
  await migrateToLatest(db);
  const site = await new SiteRepository(db).create({
    name: 'Reliability',
    origins: ['https://news.example'],
    moderation: 'none',
  });
  const receiver = await startWebhookReceiver();

  const processes: ParleyProcess[] = [];
  const processEnv = { ...env, ...databaseEnv };
  const url = `http://127.0.0.1:${port}`;

  const stack = {
    url,
    site,
    db,
    receiver,
    env: processEnv,
    processes,
    async startApi(): Promise<ParleyProcess> {
      const api = spawnParley('api', processEnv);
      processes.push(api);
      await waitFor(
        async () => {
          const res = await fetch(`${url}/healthz`).catch(() => undefined);
          return res?.ok ? true : undefined;
        },
        { what: 'the API to listen', timeoutMs: 20_000 },
      ).catch((err: Error) => {
        throw new Error(`${err.message}\n${api.output.join('')}`);
      });
      return api;
    },
    async startWorker(extraEnv: Record<string, string> = {}): Promise<ParleyProcess> {
      const worker = spawnParley('worker', { ...processEnv, PARLEY_LOG_LEVEL: 'info', ...extraEnv });
      processes.push(worker);
      await waitFor(async () => (worker.output.join('').includes('Parley worker running') ? true : undefined), {
        what: 'the worker to start',
        timeoutMs: 20_000,
      });
      return worker;
    },
    async addEndpoint(receiverUrl = receiver.url): Promise<void> {
      const res = await fetch(`${url}/v1/admin/sites/${site.key}/webhooks`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${ADMIN_TOKEN}` },
        body: JSON.stringify({ url: receiverUrl, events: ['*'] }),
      });
      if (res.status !== 201) throw new Error(`could not add the endpoint: ${res.status} ${await res.text()}`);
    },
    /** Offers one comment, as a distinct reader behind the proxy; the status and the id if accepted. */
    async submit(i: number): Promise<{ status: number; id?: string; code?: string }> {
      const res = await fetch(`${url}/v1/sites/${site.key}/comments`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'X-Forwarded-For': `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
        },
        body: JSON.stringify({
          pageId: `story-${i % 7}`,
          name: `Reader ${i}`,
          email: `reader${i}@example.com`,
          text: `Comment number ${i}: I read the whole piece and I think the second half makes the stronger case.`,
        }),
      }).catch(() => undefined);
      if (!res) return { status: 0 };
      const body = (await res.json().catch(() => ({}))) as { comment?: { id: string }; error?: { code: string } };
      return { status: res.status, id: body.comment?.id, code: body.error?.code };
    },
    /** Comments still pending among `ids`. */
    async pending(ids: string[]): Promise<number> {
      let pending = 0;
      for (let i = 0; i < ids.length; i += 500) {
        const row = await db
          .selectFrom('comments')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('id', 'in', ids.slice(i, i + 500))
          .where('status', '=', 'pending')
          .executeTakeFirstOrThrow();
        pending += Number(row.n);
      }
      return pending;
    },
    async storedCount(): Promise<number> {
      const row = await db
        .selectFrom('comments')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('site_key', '=', site.key)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async close(): Promise<void> {
      for (const p of processes) if (p.child.exitCode === null && p.child.signalCode === null) p.signal('SIGKILL');
      await Promise.all(processes.map((p) => p.exited));
      await receiver.close();
      await db.destroy();
      await clearRedisPrefix(config.redis.prefix, config.redis.url);
      await database.drop();
    },
  };
  return stack;
}

export type Stack = Awaited<ReturnType<typeof startStack>>;

/** Runs `task(i)` for i in [0, count) with at most `parallel` in flight. */
export async function offer<T>(count: number, parallel: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const i = next++;
      results[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: parallel }, lane));
  return results;
}

const DECISIONS = ['comment.approved', 'comment.held', 'comment.spam'];

/**
 * The end state every fault test checks, as a receiver that deduplicates by `webhook-id`
 * sees it, and in the database: each accepted comment decided once, with one
 * `comment.created` and one decision event, each delivered.
 */
export async function verifyDecidedOnce(stack: Stack, accepted: string[], options: { timeoutMs: number }) {
  await waitFor(async () => ((await stack.pending(accepted)) === 0 ? true : undefined), {
    what: 'every accepted comment to be decided',
    timeoutMs: options.timeoutMs,
  }).catch(async (err: Error) => {
    const pending = await stack.pending(accepted);
    const logs = stack.processes.map(
      (p) => `--- ${p.role} (exit ${p.child.exitCode ?? p.child.signalCode})\n${p.output.join('').slice(-4000)}`,
    );
    throw new Error(`${err.message}: ${pending} still pending\n${logs.join('\n')}`);
  });
  const byComment = new Map<string, Map<string, Set<string>>>();
  const seen = () => {
    byComment.clear();
    for (const r of stack.receiver.received) {
      if (r.answered >= 300) continue;
      const payload = JSON.parse(r.body) as { type: string; data: { comment: { id: string } } };
      const types = byComment.get(payload.data.comment.id) ?? new Map<string, Set<string>>();
      const ids = types.get(payload.type) ?? new Set<string>();
      ids.add(r.headers['webhook-id']);
      types.set(payload.type, ids);
      byComment.set(payload.data.comment.id, types);
    }
  };
  const delivered = (id: string) => {
    const types = byComment.get(id);
    return types?.has('comment.created') && DECISIONS.some((t) => types.has(t));
  };
  await waitFor(
    async () => {
      seen();
      return accepted.every(delivered) ? true : undefined;
    },
    { what: 'every event to reach the receiver', timeoutMs: options.timeoutMs },
  ).catch(() => undefined);
  seen();
  const lostEvents = accepted.filter((id) => !delivered(id)).length;
  // Decided more than once would show as two decision events (two webhook-ids) for one comment.
  const decidedTwice = accepted.filter((id) => {
    const types = byComment.get(id);
    const decisions = DECISIONS.reduce((n, t) => n + (types?.get(t)?.size ?? 0), 0);
    return decisions > 1 || (types?.get('comment.created')?.size ?? 0) > 1;
  }).length;
  const storedDecisions = await stack.db
    .selectFrom('webhook_events')
    .select(['comment_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('site_key', '=', stack.site.key)
    .where('type', 'in', DECISIONS)
    .groupBy('comment_id')
    .having((eb) => eb.fn.countAll(), '>', 1)
    .execute();
  const statuses = await stack.db
    .selectFrom('comments')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('site_key', '=', stack.site.key)
    .groupBy('status')
    .execute();
  const pending = await stack.pending(accepted);
  return {
    decided: accepted.length - pending,
    lost: pending,
    lostEvents,
    decidedTwice: decidedTwice + storedDecisions.length,
    statuses: Object.fromEntries(statuses.map((s) => [s.status, Number(s.n)])),
  };
}

export type EndState = Awaited<ReturnType<typeof verifyDecidedOnce>>;

/**
 * Prints a fault test's figures on one line, for the CI log, with its end state, and
 * checks that end state: no accepted comment left undecided, no event lost, nothing
 * decided twice.
 */
export function reportNothingLost(name: string, figures: Record<string, unknown>, end: EndState): void {
  process.stdout.write(`[reliability] ${name}: ${JSON.stringify({ ...figures, ...end })}\n`);
  expect(end.lost).toBe(0);
  expect(end.lostEvents).toBe(0);
  expect(end.decidedTwice).toBe(0);
}
