#!/usr/bin/env node
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Queue } from 'bullmq';
import { Command, InvalidArgumentError } from 'commander';
import type { Express } from 'express';
import { sql } from 'kysely';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { startFeedbackWorker } from '../workers/feedback.worker';
import { startWebhookWorker } from '../workers/webhook.worker';
import { type RunningWorker, startModerationWorker } from '../workers/moderation.worker';
import { CommentRepository } from './comments/comment-repository';
import { CommentService } from './comments/comment-service';
import { type Config, ConfigError, loadConfig } from './config';
import { connectDatabase, type Db } from './db/connect';
import { migrateToLatest } from './db/migrate';
import { loadInstanceSecret } from './db/settings';
import { createApp } from './http/app';
import { rateLimit } from './http/rate-limit';
import { listeningPort, startMetricsServer } from './metrics/metrics-server';
import { ParleyMetrics } from './metrics/parley-metrics';
import { createLogger } from './logger';
import { TokenService, ROLES, type Role } from './auth/token-service';
import { AuditLog } from './moderation/audit-log';
import { BanRepository } from './moderation/ban-repository';
import { CommentModerator } from './moderation/comment-moderator';
import { ModerationService } from './moderation/moderation-service';
import { AkismetClient } from './moderation/akismet';
import { ContentClassifier } from './moderation/classifier/content-classifier';
import { readModelFile } from './moderation/classifier/model-file';
import { ModelLayers } from './moderation/classifier/model-layers';
import { ModerationFeedback } from './moderation/feedback';
import { FloodCounters } from './moderation/flood-counters';
import { FeedbackQueue } from './queue/feedback-queue';
import { ModerationQueue } from './queue/moderation-queue';
import { WebhookQueue } from './queue/webhook-queue';
import { EventOutbox } from './webhooks/outbox';
import { TargetPolicy } from './webhooks/target-policy';
import { WebhookDelivery } from './webhooks/webhook-delivery';
import { WebhookService } from './webhooks/webhook-service';
import { WebhookStore } from './webhooks/webhook-store';
import { type PrivateRedis, redisServerOnPath, startPrivateRedis } from './queue/private-redis';
import { createRedisConnection, redisAnswers, redisReady } from './queue/redis';
import { trainFromCsv } from './moderation/classifier/training';
import { sitePolicyChangesSchema } from './sites/policy-schema';
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
  feedbackQueue: FeedbackQueue;
  feedback: ModerationFeedback;
  classifier: ContentClassifier;
  modelLayers: ModelLayers;
  tokens: TokenService;
  moderation: ModerationService;
  webhookQueue: WebhookQueue;
  webhookDelivery: WebhookDelivery;
  webhooks: WebhookService;
  /** Every queue of this runtime: the metrics and the queue dashboard report these. */
  queues: Queue[];
  /** This process's Prometheus metrics (a registry of its own). */
  metrics: ParleyMetrics;
  close(): Promise<void>;
}

export async function openRuntime(
  config: Config,
  options: { logger: Logger; redisAddress?: string },
): Promise<Runtime> {
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
  const feedbackQueue = new FeedbackQueue({ connection: producerConnection, prefix: config.redis.prefix });
  const modelLayers = new ModelLayers({ redis: producerConnection, prefix: config.redis.prefix });
  const classifier = new ContentClassifier({
    model: config.moderation.modelFile ? readModelFile(config.moderation.modelFile) : undefined,
    layers: modelLayers,
    lessonsPerHour: config.moderation.lessonsPerHour,
    agreeingSites: 3,
    clock,
  });
  const akismet = config.akismet && new AkismetClient({ ...config.akismet, timeoutMs: 5000 });
  const webhookQueue = new WebhookQueue({
    connection: producerConnection,
    prefix: config.redis.prefix,
    retrySchedule: config.webhooks.retryScheduleMs,
  });
  const webhookStore = new WebhookStore(db);
  const outbox = new EventOutbox({ db, store: webhookStore, queue: webhookQueue, logger, clock });
  const targetPolicy = new TargetPolicy({ strict: config.production, allowlist: config.webhooks.allowlist });
  const webhookDelivery = new WebhookDelivery({
    store: webhookStore,
    queue: webhookQueue,
    policy: targetPolicy,
    timeoutMs: config.webhooks.timeoutMs,
    disableAfterMs: 3 * 24 * 3600_000,
    logger,
    clock,
  });
  const queues: Queue[] = [moderationQueue.queue, feedbackQueue.queue, webhookQueue.queue];
  const metrics = new ParleyMetrics({ queues });
  return {
    config,
    logger,
    db,
    redisAddress,
    producerConnection,
    sites,
    commentRepository,
    comments: new CommentService({
      comments: commentRepository,
      queue: moderationQueue,
      outbox,
      secret,
      clock,
      logger,
    }),
    moderator: new CommentModerator({
      comments: commentRepository,
      outbox,
      sites,
      bans,
      flood: new FloodCounters({ redis: producerConnection, prefix: config.redis.prefix }),
      classifier,
      akismet,
      secret,
      maxLength: config.maxCommentLength,
      clock,
    }),
    moderationQueue,
    feedbackQueue,
    feedback: new ModerationFeedback({ comments: commentRepository, sites, classifier, akismet }),
    classifier,
    modelLayers,
    tokens: new TokenService({ db, configuredAdminToken: config.adminToken, clock }),
    moderation: new ModerationService({
      comments: commentRepository,
      outbox,
      bans,
      audit: new AuditLog({ db, clock }),
      feedback: feedbackQueue,
      logger,
      clock,
    }),
    webhookQueue,
    webhookDelivery,
    webhooks: new WebhookService({
      store: webhookStore,
      queue: webhookQueue,
      delivery: webhookDelivery,
      policy: targetPolicy,
      rotationGraceMs: 24 * 3600_000,
      clock,
    }),
    queues,
    metrics,
    async close() {
      await Promise.all([moderationQueue.close(), feedbackQueue.close(), webhookQueue.close()]);
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
    webhooks: runtime.webhooks,
    submitLimit: rateLimit({
      redis: runtime.producerConnection,
      prefix: config.redis.prefix,
      name: 'submit',
      limit: config.submitsPerMinute,
      windowMs: 60_000,
      logger: runtime.logger,
    }),
    logger: runtime.logger,
    trustProxy: config.trustProxy,
    bodyLimit: config.bodyLimit,
    maxCommentLength: config.maxCommentLength,
    metrics: runtime.metrics,
    serveMetrics: config.metricsPort === undefined,
    queues: runtime.queues,
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
    metrics: runtime.metrics,
  });
  const feedbackWorker = startFeedbackWorker({
    connection,
    prefix: config.redis.prefix,
    feedback: runtime.feedback,
    logger: runtime.logger,
    metrics: runtime.metrics,
  });
  const webhookWorker = startWebhookWorker({
    connection,
    prefix: config.redis.prefix,
    delivery: runtime.webhookDelivery,
    logger: runtime.logger,
    retrySchedule: config.webhooks.retryScheduleMs,
    orderingWaitMs: Math.min(config.webhooks.retryScheduleMs[0], 5000),
    sweepIntervalMs: config.worker.sweepIntervalMs,
    concurrency: config.worker.concurrency,
    metrics: runtime.metrics,
  });
  let closing: Promise<void> | undefined;
  return {
    worker: running.worker,
    // Idempotent: a second close (a test, a second signal) waits for the first.
    close() {
      closing ??= Promise.all([running.close(), feedbackWorker.close(), webhookWorker.close()]).then(() => {
        connection.disconnect();
      });
      return closing;
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
  if (server)
    logger.info(
      `Parley ${role === 'all' ? 'API and workers' : 'API'} listening on http://localhost:${(server.address() as AddressInfo).port}`,
    );
  if (role === 'worker') logger.info('Parley worker running');
  const metricsServer = config.metricsPort
    ? await startMetricsServer(runtime.metrics, { port: config.metricsPort, host: config.host })
    : undefined;
  if (metricsServer) logger.info(`Metrics on http://localhost:${listeningPort(metricsServer)}/metrics`);

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
    await Promise.all([
      serverClosed,
      worker?.close(),
      new Promise((resolve) => (metricsServer ? metricsServer.close(resolve) : resolve(undefined))),
    ]);
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

/** Opens the whole runtime (database and Redis) for a command, and closes it after. */
async function withRuntime<T>(work: (runtime: Runtime) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const runtime = await openRuntime(config, { logger: createLogger({ level: 'warn', production: config.production }) });
  try {
    await redisReady(runtime.producerConnection);
    return await work(runtime);
  } finally {
    await runtime.close();
  }
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

/** `--set key=value`: the value is JSON (`3`, `true`, `"reject"`, `["a","b"]`), or a plain word taken as a string. */
function parseSetting(value: string, previous: Record<string, unknown>): Record<string, unknown> {
  const eq = value.indexOf('=');
  if (eq < 1) throw new InvalidArgumentError('expected key=value');
  const raw = value.slice(eq + 1);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = raw;
  }
  return { ...previous, [value.slice(0, eq)]: parsed };
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
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ outputError: (text, write) => write(text) });

  program
    .command('start')
    .description('run the API and all workers in one process')
    .action(() => serve('all'));
  program
    .command('api')
    .description('run the HTTP API only (scale out behind a load balancer)')
    .action(() => serve('api'));
  program
    .command('worker')
    .description('run the queue workers only (scale out on more machines)')
    .action(() => serve('worker'));
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
    .action(
      (opts: { name: string; origin: string[]; moderation: ModerationPolicy; linkLimit: number; json?: boolean }) =>
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

  sites
    .command('update')
    .description("change a site's settings; policy keys not given keep their values")
    .argument('<key>', 'the site key')
    .option('--name <name>', 'the site name')
    .option('--origin <url>', 'replace the allowed origins (repeatable)', parseOrigin)
    .option('--moderation <policy>', 'none | first-time | all', parseModeration)
    .option('--link-limit <n>', 'hold comments with more links than this', parseCount)
    .option(
      '--set <key=json>',
      'a policy setting, e.g. --set profanity=\'"reject"\' --set blockList=\'["casino"]\' (repeatable)',
      parseSetting,
      {},
    )
    .option('--json', 'print the site as one JSON object')
    .action(
      (
        key: string,
        opts: {
          name?: string;
          origin?: string[];
          moderation?: ModerationPolicy;
          linkLimit?: number;
          set: Record<string, unknown>;
          json?: boolean;
        },
      ) =>
        withDatabase(async (db) => {
          const policy = sitePolicyChangesSchema.safeParse(opts.set);
          if (!policy.success) {
            const issue = policy.error.issues[0];
            throw new Error(`--set ${issue.path.join('.') || ''}: ${issue.message}`);
          }
          const site = await new SiteRepository(db).update(key, {
            name: opts.name,
            origins: opts.origin,
            moderation: opts.moderation,
            linkLimit: opts.linkLimit,
            policy: policy.data,
          });
          if (!site) throw new Error(`no site with key ${key}`);
          if (opts.json) console.log(JSON.stringify(site));
          else
            console.log(
              `Updated site ${site.key}: ${JSON.stringify({ moderation: site.moderation, linkLimit: site.linkLimit, ...site.policy })}`,
            );
        }),
    );

  program
    .command('train')
    .description(
      "teach the instance's model from labeled CSV files (CONTENT/CLASS, CONTENT/TAG or text/label columns), as an admin would",
    )
    .requiredOption('--csv <file...>', 'one or more CSV files')
    .option('--abuse', 'label 1 means abuse (insults, hate), not spam')
    .option('--json', 'print the counts as one JSON object')
    .action((opts: { csv: string[]; abuse?: boolean; json?: boolean }) =>
      withRuntime(async (runtime) => {
        const result = await trainFromCsv({
          classifier: runtime.classifier,
          files: opts.csv,
          judgement: opts.abuse ? 'abuse' : 'spam',
        });
        if (opts.json) console.log(JSON.stringify(result));
        else
          console.log(
            `Learned ${result.positive} ${opts.abuse ? 'abusive' : 'spam'} and ${result.negative} other examples from ${opts.csv.length} file(s).`,
          );
      }),
    );

  const model = program
    .command('model')
    .description('the moderation model: what ships, and what this instance learned');
  model
    .command('info')
    .description("print the model's version, training data and sizes, and what moderators taught")
    .option('--json', 'print one JSON object')
    .action((opts: { json?: boolean }) =>
      withRuntime(async (runtime) => {
        const file = runtime.config.moderation.modelFile;
        const shipped = file ? readModelFile(file) : undefined;
        const info = {
          version: runtime.classifier.modelVersion,
          file: file ?? null,
          bytes: shipped?.bytes ?? 0,
          features: shipped?.features ?? { spam: 0, abuse: 0 },
          trainedOn: shipped?.trainedOn ?? [],
          learned: await runtime.modelLayers.summary(),
        };
        if (opts.json) {
          console.log(JSON.stringify(info));
          return;
        }
        console.log(`model ${info.version}${file ? ` (${file}, ${(info.bytes / 1e6).toFixed(2)} MB)` : ''}`);
        console.log(`  weights: spam ${info.features.spam}, abuse ${info.features.abuse}`);
        for (const s of info.trainedOn)
          console.log(`  trained (${s.judgement}) on ${s.file}: ${s.examples} examples, ${s.positive} positive`);
        if (info.learned.length === 0) console.log('  learned from moderators: nothing yet');
        for (const l of info.learned)
          console.log(
            `  learned (${l.judgement}, ${l.layer}): ${l.examples} examples, ${l.positive} positive, ${l.features} features`,
          );
      }),
    );
  model
    .command('reset')
    .description('forget what moderators taught: one site, or the whole instance (the shipped model stays)')
    .option('--site <key>', "only this site's layer")
    .option('--json', 'print one JSON object')
    .action((opts: { site?: string; json?: boolean }) =>
      withRuntime(async (runtime) => {
        const dropped = await runtime.modelLayers.reset(opts.site);
        if (opts.json) console.log(JSON.stringify({ layersDropped: dropped, site: opts.site ?? null }));
        else
          console.log(
            `Dropped ${dropped} learned layer(s)${opts.site ? ` of ${opts.site}` : ''}; the shipped model is unchanged.`,
          );
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
        if (opts.site && !(await new SiteRepository(db).find(opts.site)))
          throw new Error(`no site with key ${opts.site}`);
        const { token, record } = await tokenService(db).create({
          role: opts.role,
          siteKey: opts.site,
          label: opts.label,
        });
        if (opts.json) console.log(JSON.stringify({ ...record, token }));
        else
          console.log(
            `Created ${record.role} token ${record.id}${record.siteKey ? ` for ${record.siteKey}` : ''}. Keep it safe; it is not shown again:\n${token}`,
          );
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
        else
          for (const t of list)
            console.log(
              `${t.id}\t${t.role}\t${t.siteKey ?? '(all sites)'}\t${t.revokedAt ? 'revoked' : 'active'}\t${t.label ?? ''}`,
            );
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
