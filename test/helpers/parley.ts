import type { Express } from 'express';
import pino, { type Logger } from 'pino';
import request from 'supertest';
import { loadConfig } from '../../src/config';
import type { RunningWorker } from '../../src/queue/running-worker';
import { openRuntime, type Runtime } from '../../src/runtime';
import { buildApp, startWorker } from '../../src/serve';
import type { NewSite, Site } from '../../src/sites/site-repository';
import {
  clearRedisPrefix,
  createTestDatabase,
  type Dialect,
  TEST_REDIS_URL,
  type TestDatabase,
  uniqueName,
} from './services';

export interface TestParley {
  runtime: Runtime;
  app: Express;
  http: ReturnType<typeof request>;
  worker: RunningWorker | undefined;
  env: Record<string, string>;
  createSite(site?: Partial<NewSite>): Promise<Site>;
  startWorker(): RunningWorker;
  close(): Promise<void>;
}

export interface TestParleyOptions {
  dialect: Dialect;
  /** Start a moderation worker in-process (default true). */
  worker?: boolean;
  /** Extra environment for the configuration. */
  env?: Record<string, string>;
  /** Reuse another instance's database (and Redis prefix) instead of creating one. */
  shareWith?: TestParley;
  /** A logger of the test's own (to capture what is logged); default: pino at PARLEY_LOG_LEVEL, silent. */
  logger?: Logger;
}

/**
 * A Parley wired exactly as `parley start` wires it, on a database and Redis key
 * prefix of its own, with an Express app for supertest.
 */
export async function startTestParley(options: TestParleyOptions): Promise<TestParley> {
  let database: TestDatabase | undefined;
  let env: Record<string, string>;
  if (options.shareWith) {
    env = { ...options.shareWith.env, ...options.env };
  } else {
    database = await createTestDatabase(options.dialect);
    env = {
      NODE_ENV: 'test',
      REDIS_URL: TEST_REDIS_URL,
      PARLEY_REDIS_PREFIX: `{${uniqueName('t')}}`,
      PARLEY_LOG_LEVEL: 'silent',
      // Tests post many comments from 127.0.0.1; the limit has its own test.
      PARLEY_SUBMITS_PER_MINUTE: '100000',
      ...database.env,
      ...options.env,
    };
  }
  const config = loadConfig(env);
  const runtime = await openRuntime(config, { logger: options.logger ?? pino({ level: config.logLevel }) });
  const app = buildApp(runtime);
  const workers: RunningWorker[] = [];
  const parley: TestParley = {
    runtime,
    app,
    http: request(app),
    worker: undefined,
    env,
    createSite: (site = {}) =>
      runtime.siteRepository.create({
        name: 'Test blog',
        origins: ['https://blog.example'],
        moderation: 'none',
        ...site,
      }),
    startWorker() {
      const worker = startWorker(runtime);
      workers.push(worker);
      return worker;
    },
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      await runtime.close();
      if (database) {
        await clearRedisPrefix(config.redis.prefix);
        await database.drop();
      }
    },
  };
  if (options.worker ?? true) parley.worker = parley.startWorker();
  return parley;
}
