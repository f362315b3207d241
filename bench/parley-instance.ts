import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { loadConfig } from '../src/config';
import { openRuntime, type Runtime } from '../src/runtime';
import { startApi } from '../src/serve';
import type { Site } from '../src/sites/site-repository';
import { clearRedisPrefix, createTestDatabase, type Dialect } from '../test/helpers/services';

export { clearRedisPrefix, type Dialect } from '../test/helpers/services';

export interface InstanceOptions {
  dialect: Dialect;
  redisUrl: string;
  /** Server URL of a database the bench may create databases from (PostgreSQL only). */
  postgresUrl: string;
  /** A unique name: the PostgreSQL database and the Redis prefix are derived from it. */
  name: string;
}

export interface ParleyInstance {
  runtime: Runtime;
  site: Site;
  /** Base URL of the API, listening on 127.0.0.1. */
  url: string;
  redisPrefix: string;
  close(): Promise<void>;
}

/**
 * A Parley wired as `parley api` wires it (openRuntime + startApi) on data of its own:
 * a temporary SQLite directory or a fresh PostgreSQL database, and its own Redis prefix.
 * close() stops it and removes all of that data.
 */
export async function startParley(options: InstanceOptions): Promise<ParleyInstance> {
  const database = await createTestDatabase(options.dialect, { postgresUrl: options.postgresUrl, name: options.name });
  const redisPrefix = `{${options.name}}`;
  const cleanups: Array<() => Promise<void>> = [() => clearRedisPrefix(redisPrefix, options.redisUrl), database.drop];
  try {
    const config = loadConfig({
      ...database.env,
      NODE_ENV: 'test',
      PORT: '0',
      PARLEY_HOST: '127.0.0.1',
      REDIS_URL: options.redisUrl,
      PARLEY_REDIS_PREFIX: redisPrefix,
      PARLEY_LOG_LEVEL: 'silent',
      // The load comes from one IP: the per-IP limit would answer 429 to nearly all of it.
      PARLEY_SUBMITS_PER_MINUTE: '1000000',
    });
    const runtime = await openRuntime(config, { logger: pino({ level: 'silent' }) });
    cleanups.unshift(() => runtime.close());
    const server = await startApi(runtime);
    cleanups.unshift(() => closeServer(server));
    const site = await runtime.siteRepository.create({
      name: 'Bench blog',
      origins: ['https://blog.example'],
      moderation: 'first-time',
    });
    const { port } = server.address() as AddressInfo;
    return { runtime, site, url: `http://127.0.0.1:${port}`, redisPrefix, close: () => runAll(cleanups) };
  } catch (err) {
    await runAll(cleanups);
    throw err;
  }
}

/** Runs every cleanup in order even when one fails, then reports the first failure. */
async function runAll(cleanups: Array<() => Promise<void>>): Promise<void> {
  const results = [];
  for (const cleanup of cleanups)
    results.push(
      await cleanup().then(
        () => undefined,
        (err: unknown) => err,
      ),
    );
  const failure = results.find((r) => r !== undefined);
  if (failure) throw failure;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
