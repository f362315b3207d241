#!/usr/bin/env node
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import type { Express } from 'express';
import { sql } from 'kysely';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { type RunningWorker, startModerationWorker } from '../workers/moderation.worker';
import { CommentRepository } from './comments/comment-repository';
import { CommentService } from './comments/comment-service';
import { type Config, ConfigError, loadConfig } from './config';
import { connectDatabase, type Db } from './db/connect';
import { migrateToLatest } from './db/migrate';
import { loadInstanceSecret } from './db/settings';
import { createApp } from './http/app';
import { createLogger } from './logger';
import { TokenService, ROLES, type Role } from './auth/token-service';
import { AuditLog } from './moderation/audit-log';
import { BanRepository } from './moderation/ban-repository';
import { CommentModerator } from './moderation/comment-moderator';
import { ModerationService } from './moderation/moderation-service';
import { ModerationQueue } from './queue/moderation-queue';
import { type PrivateRedis, redisServerOnPath, startPrivateRedis } from './queue/private-redis';
import { createRedisConnection, redisAnswers } from './queue/redis';
import { MODERATION_POLICIES, type ModerationPolicy, SiteRepository } from './sites/site-repository';

/** Everything a role needs, built once from the configuration. */
export interface Runtime {
  config: Config;
  logger: Logger;
  db: Db;
  redisAddress: string;
  producerConnection: Redis;
  sites: SiteRepository;
  commentRepository: CommentRepository;
  comments: CommentService;
  moderator: CommentModerator;
  moderationQueue: ModerationQueue;
  tokens: TokenService;
  moderation: ModerationService;
  close(): Promise<void>;
}

export async function openRuntime(config: Config, options: { logger: Logger; redisAddress?: string }): Promise<Runtime> {
  const { logger } = options;
  const db = connectDatabase(config.database);
  await migrateToLatest(db);
  const secret = await loadInstanceSecret(db, config.secret);
  const redisAddress = options.redisAddress ?? config.redis.url;
  const producerConnection = createRedisConnection(redisAddress, 'producer');
  producerConnection.on('error', (err) => logger.debug({ err: err.message }, 'redis connection error'));

  const sites = new SiteRepository(db);
  const commentRepository = new CommentRepository(db);
  const moderationQueue = new ModerationQueue({ connection: producerConnection, prefix: config.redis.prefix });
  const clock = () => Date.now();
  const bans = new BanRepository({ db, clock });
  return {
    config,
    logger,
    db,
    redisAddress,
    producerConnection,
    sites,
    commentRepository,
    comments: new CommentService({ comments: commentRepository, queue: moderationQueue, secret, clock, logger }),
    moderator: new CommentModerator({ comments: commentRepository, sites, bans, maxLength: config.maxCommentLength, clock }),
    moderationQueue,
    tokens: new TokenService({ db, configuredAdminToken: config.adminToken, clock }),
    moderation: new ModerationService({ db, comments: commentRepository, bans, audit: new AuditLog({ db, clock }), clock }),
    async close() {
      await moderationQueue.close();
      producerConnection.disconnect();
      await db.destroy();
    },
  };
}

/** The HTTP API over a runtime's services. */
export function buildApp(runtime: Runtime): Express {
  const { config } = runtime;
  return createApp({
    sites: runtime.sites,
    comments: runtime.comments,
    tokens: runtime.tokens,
    moderation: runtime.moderation,
    logger: runtime.logger,
    trustProxy: config.trustProxy,
    bodyLimit: config.bodyLimit,
    maxCommentLength: config.maxCommentLength,
    readiness: {
      database: () => sql`select 1`.execute(runtime.db),
      redis: () => runtime.producerConnection.ping(),
    },
  });
}

export function startApi(runtime: Runtime): Promise<Server> {
  const app = buildApp(runtime);
  return new Promise((resolve, reject) => {
    const server = app.listen(runtime.config.port, runtime.config.host, () => resolve(server));
    server.once('error', reject);
  });
}

export function startWorker(runtime: Runtime): RunningWorker {
  const { config } = runtime;
  const connection = createRedisConnection(runtime.redisAddress, 'worker');
  connection.on('error', (err) => runtime.logger.debug({ err: err.message }, 'redis connection error'));
  const running = startModerationWorker({
    connection,
    prefix: config.redis.prefix,
    moderator: runtime.moderator,
    comments: runtime.commentRepository,
    queue: runtime.moderationQueue,
    logger: runtime.logger,
    concurrency: config.worker.concurrency,
    lockDurationMs: config.worker.lockDurationMs,
    sweepIntervalMs: config.worker.sweepIntervalMs,
  });
  return {
    worker: running.worker,
    async close() {
      await running.close();
      connection.disconnect();
    },
  };
}

/** Finds Redis for `parley start`: the configured one, or a private one for a machine that has none running. */
async function resolveRedis(config: Config, logger: Logger): Promise<{ address: string; privateRedis?: PrivateRedis }> {
  if (await redisAnswers(config.redis.url)) return { address: config.redis.url };
  if (!config.redis.explicit && redisServerOnPath()) {
    const privateRedis = await startPrivateRedis(path.join(config.dataDir, 'redis'));
    logger.info({ socket: privateRedis.address }, 'no Redis at REDIS_URL; started a private redis-server');
    return { address: privateRedis.address, privateRedis };
  }
  throw new ConfigError(
    `Redis is not answering at ${config.redis.url}. Start one (e.g. "apt-get install redis-server" or ` +
      '"docker run -p 6379:6379 redis:7"), or set REDIS_URL to where it runs.',
  );
}

type ProcessRole = 'all' | 'api' | 'worker';

/** Runs the API and/or the workers until SIGTERM or SIGINT, then drains and exits. */
async function serve(role: ProcessRole): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel, production: config.production });
  // The API alone must start (and accept comments) even while Redis is down.
  const redis = role === 'api' ? { address: config.redis.url } : await resolveRedis(config, logger);
  const runtime = await openRuntime(config, { logger, redisAddress: redis.address });

  if (role !== 'worker') await bootstrapAdminToken(runtime);
  const server = role === 'worker' ? undefined : await startApi(runtime);
  const worker = role === 'api' ? undefined : startWorker(runtime);
  if (server) logger.info(`Parley ${role === 'all' ? 'API and workers' : 'API'} listening on http://localhost:${(server.address() as AddressInfo).port}`);
  if (role === 'worker') logger.info('Parley worker running');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'draining: no new requests or jobs; finishing the ones in flight');
    const serverClosed = server
      ? new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        })
      : Promise.resolve();
    await Promise.all([serverClosed, worker?.close()]);
    await runtime.close();
    await redis.privateRedis?.stop();
    logger.info('stopped');
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

/**
 * A fresh install has no way in to the moderation API: create an admin token and
 * show it once (unless PARLEY_ADMIN_TOKEN provides one).
 */
async function bootstrapAdminToken(runtime: Runtime): Promise<void> {
  if (runtime.config.adminToken || (await runtime.tokens.hasAdmin())) return;
  const { token } = await runtime.tokens.create({ role: 'admin', label: 'created at first start' });
  // Printed, not logged: log lines are shipped and kept; this is shown once to whoever started Parley.
  process.stdout.write(
    `\nNo admin token existed, so one was created. It is shown only this once:\n\n  ${token}\n\n` +
      'Use it as "Authorization: Bearer <token>" or sign in at /moderation. ' +
      'Create more with: npx parley tokens create --role moderator\n\n',
  );
}

/** Opens just the database, for the commands that need nothing else. */
async function withDatabase<T>(work: (db: Db) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const db = connectDatabase(config.database);
  try {
    await migrateToLatest(db);
    return await work(db);
  } finally {
    await db.destroy();
  }
}

function parseModeration(value: string): ModerationPolicy {
  if (!(MODERATION_POLICIES as string[]).includes(value)) {
    throw new InvalidArgumentError(`expected one of ${MODERATION_POLICIES.join(', ')}`);
  }
  return value as ModerationPolicy;
}

function parseOrigin(value: string, previous: string[] = []): string[] {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError('expected a URL such as https://blog.example');
  }
  if (!/^https?:$/.test(url.protocol)) throw new InvalidArgumentError('expected an http(s) URL');
  return [...previous, url.origin];
}

function parseRole(value: string): Role {
  if (!(ROLES as string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${ROLES.join(', ')}`);
  return value as Role;
}

function parseCount(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a whole number');
  return Number(value);
}

export function buildCli(): Command {
  const program = new Command('parley')
    .description('Parley: self-hosted comments with a moderation pipeline')
    .showHelpAfterError()
    .configureOutput({ outputError: (text, write) => write(text) });

  program.command('start').description('run the API and all workers in one process').action(() => serve('all'));
  program.command('api').description('run the HTTP API only (scale out behind a load balancer)').action(() => serve('api'));
  program.command('worker').description('run the queue workers only (scale out on more machines)').action(() => serve('worker'));
  program
    .command('migrate')
    .description('bring the database schema up to date')
    .action(() =>
      withDatabase(async () => {
        console.log('database is up to date');
      }),
    );

  const sites = program.command('sites').description('manage sites');
  sites
    .command('create')
    .description('create a site and print its key')
    .requiredOption('--name <name>', 'the site name shown to moderators')
    .requiredOption('--origin <url>', 'an origin allowed to embed the widget (repeatable)', parseOrigin)
    .option('--moderation <policy>', 'none | first-time | all', parseModeration, 'first-time')
    .option('--link-limit <n>', 'hold comments with more links than this', parseCount, 2)
    .option('--json', 'print the site as one JSON object')
    .action((opts: { name: string; origin: string[]; moderation: ModerationPolicy; linkLimit: number; json?: boolean }) =>
      withDatabase(async (db) => {
        const site = await new SiteRepository(db).create({
          name: opts.name,
          origins: opts.origin,
          moderation: opts.moderation,
          linkLimit: opts.linkLimit,
        });
        if (opts.json) console.log(JSON.stringify(site));
        else console.log(`Created site "${site.name}" with key ${site.key} (moderation: ${site.moderation})`);
      }),
    );
  sites
    .command('list')
    .description('list the sites')
    .option('--json', 'print the sites as one JSON object')
    .action((opts: { json?: boolean }) =>
      withDatabase(async (db) => {
        const list = await new SiteRepository(db).list();
        if (opts.json) console.log(JSON.stringify({ sites: list }));
        else if (list.length === 0) console.log('No sites yet: parley sites create --name N --origin URL');
        else for (const s of list) console.log(`${s.key}\t${s.name}\t${s.moderation}\t${s.origins.join(' ')}`);
      }),
    );

  const tokens = program.command('tokens').description('manage moderator and admin API tokens');
  const tokenService = (db: Db) => new TokenService({ db, configuredAdminToken: undefined, clock: () => Date.now() });
  tokens
    .command('create')
    .description('create a token and print it (it is shown only once)')
    .requiredOption('--role <role>', 'admin | moderator', parseRole)
    .option('--site <key>', 'limit the token to one site')
    .option('--label <label>', 'a note on who or what the token is for')
    .option('--json', 'print the token as one JSON object')
    .action((opts: { role: Role; site?: string; label?: string; json?: boolean }) =>
      withDatabase(async (db) => {
        if (opts.site && !(await new SiteRepository(db).find(opts.site))) throw new Error(`no site with key ${opts.site}`);
        const { token, record } = await tokenService(db).create({ role: opts.role, siteKey: opts.site, label: opts.label });
        if (opts.json) console.log(JSON.stringify({ ...record, token }));
        else console.log(`Created ${record.role} token ${record.id}${record.siteKey ? ` for ${record.siteKey}` : ''}. Keep it safe; it is not shown again:\n${token}`);
      }),
    );
  tokens
    .command('list')
    .description('list the tokens (never their secrets)')
    .option('--json', 'print the tokens as one JSON object')
    .action((opts: { json?: boolean }) =>
      withDatabase(async (db) => {
        const list = await tokenService(db).list();
        if (opts.json) console.log(JSON.stringify({ tokens: list }));
        else for (const t of list) console.log(`${t.id}\t${t.role}\t${t.siteKey ?? '(all sites)'}\t${t.revokedAt ? 'revoked' : 'active'}\t${t.label ?? ''}`);
      }),
    );
  tokens
    .command('revoke')
    .description('revoke a token by its id (tok_...)')
    .argument('<id>', 'the token id')
    .action((id: string) =>
      withDatabase(async (db) => {
        if (!(await tokenService(db).revoke(id))) throw new Error(`no active token with id ${id}`);
        console.log(`Revoked ${id}`);
      }),
    );
  return program;
}

if (require.main === module) {
  buildCli()
    .parseAsync(process.argv)
    .catch((err: unknown) => {
      // Configuration and usage problems are the user's to fix: one clear message, no stack.
      console.error(err instanceof ConfigError ? err.message : `parley: ${(err as Error).message}`);
      process.exit(1);
    });
}
