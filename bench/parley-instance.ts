import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import IORedis from 'ioredis';
import pino from 'pino';
import { Client } from 'pg';
import { loadConfig } from '../src/config';
import { openRuntime, type Runtime, startApi } from '../src/main';
import type { Site } from '../src/sites/site-repository';

export type Dialect = 'sqlite' | 'postgres';

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
  const database = await createDatabase(options);
  const redisPrefix = `{${options.name}}`;
  const cleanups: Array<() => Promise<void>> = [() => clearRedisPrefix(options.redisUrl, redisPrefix), database.drop];
  try {
    const config = loadConfig({
      ...database.env,
      NODE_ENV: 'test',
      PORT: '0',
      PARLEY_HOST: '127.0.0.1',
      REDIS_URL: options.redisUrl,
      PARLEY_REDIS_PREFIX: redisPrefix,
      PARLEY_LOG_LEVEL: 'silent',
    });
    const runtime = await openRuntime(config, { logger: pino({ level: 'silent' }) });
    cleanups.unshift(() => runtime.close());
    const server = await startApi(runtime);
    cleanups.unshift(() => closeServer(server));
    const site = await runtime.sites.create({ name: 'Bench blog', origins: ['https://blog.example'], moderation: 'first-time' });
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
  for (const cleanup of cleanups) results.push(await cleanup().then(() => undefined, (err: unknown) => err));
  const failure = results.find((r) => r !== undefined);
  if (failure) throw failure;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

async function createDatabase(options: InstanceOptions): Promise<{ env: Record<string, string>; drop(): Promise<void> }> {
  if (options.dialect === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-'));
    return { env: { PARLEY_DATA_DIR: dir }, drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
  }
  const admin = async (statement: string) => {
    const client = new Client({ connectionString: options.postgresUrl });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await admin(`create database ${options.name}`);
  const url = new URL(options.postgresUrl);
  url.pathname = `/${options.name}`;
  return {
    env: { DATABASE_URL: url.toString() },
    drop: () => admin(`drop database if exists ${options.name} with (force)`),
  };
}

/** Deletes every key under `prefix` (Parley's queues and counters, or the no-op queue's). */
export async function clearRedisPrefix(redisUrl: string, prefix: string): Promise<void> {
  const redis = new IORedis(redisUrl);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
