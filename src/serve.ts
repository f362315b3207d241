import fs from 'node:fs';
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Express } from 'express';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import { startFeedbackWorker } from '../workers/feedback.worker';
import { startMailWorker } from '../workers/mail.worker';
import { startModerationWorker } from '../workers/moderation.worker';
import { startRetentionWorker } from '../workers/retention.worker';
import { startWebhookWorker } from '../workers/webhook.worker';
import { type Config, ConfigError, loadConfig } from './config';
import { createApp } from './http/app';
import { rateLimit } from './http/rate-limit';
import { createLogger } from './logger';
import { listeningPort, startMetricsServer } from './metrics/metrics-server';
import { type PrivateRedis, redisServerOnPath, startPrivateRedis } from './queue/private-redis';
import { createRedisConnection, redisAnswers } from './queue/redis';
import type { RunningWorker } from './queue/running-worker';
import { openRuntime, type Runtime } from './runtime';

/** What one process runs: `parley start` (all), `parley api` or `parley worker`. */
export type ProcessRole = 'all' | 'api' | 'worker';

/** The HTTP API over a runtime's services. */
export function buildApp(runtime: Runtime): Express {
  const { config } = runtime;
  return createApp({
    siteRepository: runtime.siteRepository,
    siteCache: runtime.siteCache,
    commentService: runtime.commentService,
    tokenService: runtime.tokenService,
    moderationService: runtime.moderationService,
    webhookService: runtime.webhookService,
    notificationService: runtime.notificationService,
    mailLinkService: runtime.mailLinkService,
    privacyService: runtime.privacyService,
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

/**
 * The API's HTTP server. Slow senders are cut off (PARLEY_HEADERS_TIMEOUT_MS,
 * PARLEY_REQUEST_TIMEOUT_MS): Node's default (300 s) lets a few slow-sending clients hold
 * connections open for minutes, and a comment form sends a few kilobytes. Node looks for
 * expired requests every `connectionsCheckingInterval`, so that follows the timeouts.
 */
export function startApi(runtime: Runtime): Promise<Server> {
  const app = buildApp(runtime);
  const { requestMs } = runtime.config.timeouts;
  // Node refuses a headers timeout longer than the request's, which bounds it anyway.
  const headersMs = Math.min(runtime.config.timeouts.headersMs, requestMs);
  const server = http.createServer(
    {
      headersTimeout: headersMs,
      requestTimeout: requestMs,
      connectionsCheckingInterval: Math.max(50, Math.min(headersMs, 30_000) / 4),
    },
    app,
  );
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(runtime.config.port, runtime.config.host, () => resolve(server));
  });
}

/** How often the IP retention runs: an IP is anonymized within an hour of its retention period ending. */
const RETENTION_EVERY_MS = 3600_000;

/** The moderation, feedback, webhook, retention and (when mail is on) mail workers, on one Redis connection of their own. */
export function startWorker(runtime: Runtime): RunningWorker {
  const { config } = runtime;
  // Read now, not on the first comment: a broken model file stops the worker at start, and no comment waits for it.
  runtime.contentClassifier.load();
  const connection = createRedisConnection(runtime.redisAddress, 'worker');
  connection.on('error', (err) => runtime.logger.debug({ err: err.message }, 'redis connection error'));
  const running = startModerationWorker({
    connection,
    prefix: config.redis.prefix,
    commentModerator: runtime.commentModerator,
    commentRepository: runtime.commentRepository,
    moderationQueue: runtime.moderationQueue,
    logger: runtime.logger,
    concurrency: config.worker.concurrency,
    lockDurationMs: config.worker.lockDurationMs,
    sweepIntervalMs: config.worker.sweepIntervalMs,
    metrics: runtime.metrics,
  });
  const feedbackWorker = startFeedbackWorker({
    connection,
    prefix: config.redis.prefix,
    moderationFeedback: runtime.moderationFeedback,
    logger: runtime.logger,
    metrics: runtime.metrics,
  });
  const webhookWorker = startWebhookWorker({
    connection,
    prefix: config.redis.prefix,
    webhookDelivery: runtime.webhookDelivery,
    logger: runtime.logger,
    retrySchedule: config.webhooks.retryScheduleMs,
    orderingWaitMs: Math.min(config.webhooks.retryScheduleMs[0], 5000),
    sweepIntervalMs: config.worker.sweepIntervalMs,
    lockDurationMs: config.worker.lockDurationMs,
    concurrency: config.webhooks.concurrency,
    metrics: runtime.metrics,
  });
  const mailWorker =
    runtime.mail &&
    config.mail &&
    startMailWorker({
      connection,
      prefix: config.redis.prefix,
      mailDelivery: runtime.mail.delivery,
      logger: runtime.logger,
      retrySchedule: config.mail.retryScheduleMs,
      sweepIntervalMs: config.worker.sweepIntervalMs,
    });
  const retentionWorker = startRetentionWorker({
    connection,
    prefix: config.redis.prefix,
    ipRetention: runtime.ipRetention,
    logger: runtime.logger,
  });
  if (config.ipRetentionDays > 0) {
    runtime.retentionQueue
      .schedule(RETENTION_EVERY_MS)
      .catch((err: Error) => runtime.logger.warn({ err: err.message }, 'could not schedule the IP retention job'));
  }
  let closing: Promise<void> | undefined;
  return {
    worker: running.worker,
    // Idempotent: a second close (a test, a second signal) waits for the first.
    close() {
      closing ??= Promise.all([
        running.close(),
        feedbackWorker.close(),
        webhookWorker.close(),
        mailWorker?.close(),
        retentionWorker.close(),
      ]).then(() => {
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

/** Runs the API and/or the workers until SIGTERM or SIGINT, then drains and exits. */
export async function serve(role: ProcessRole): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel, production: config.production });
  // The API alone must start (and accept comments) even while Redis is down.
  const redis = role === 'api' ? { address: config.redis.url } : await resolveRedis(config, logger);
  const runtime = await openRuntime(config, { logger, redisAddress: redis.address });

  if (role !== 'worker') await bootstrapAdminToken(runtime);
  if (!config.mail) logger.info('mail is off: set PARLEY_SMTP_URL to send notifications');
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
  if (runtime.config.adminToken || (await runtime.tokenService.hasAdmin())) return;
  const { token } = await runtime.tokenService.create({ role: 'admin', label: 'created at first start' });
  // Never on stdout, where the JSON log stream goes, and never in a log line: log
  // lines are shipped and kept. It goes to a file only its owner can read, and to the
  // terminal of whoever started Parley, if there is one.
  const file = path.join(runtime.config.dataDir, 'admin-token');
  fs.mkdirSync(runtime.config.dataDir, { recursive: true, mode: 0o700 });
  fs.writeFileSync(file, `${token}\n`, { mode: 0o600 });
  runtime.logger.info({ file }, 'no admin token existed, so one was created and written to this file (mode 0600)');
  if (process.stderr.isTTY) {
    process.stderr.write(
      `\nNo admin token existed, so one was created:\n\n  ${token}\n\nIt is also in ${file} (readable by you only). ` +
        'Use it as "Authorization: Bearer <token>" or sign in at /moderation. ' +
        'Create more with: npx parley tokens create --role moderator\n\n',
    );
  }
}
