import type { Queue } from 'bullmq';
import express, { type Express, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { TokenService } from '../auth/token-service';
import type { CommentService } from '../comments/comment-service';
import type { ModerationService } from '../moderation/moderation-service';
import type { WebhookService } from '../webhooks/webhook-service';
import type { SiteRepository } from '../sites/site-repository';
import { ApiError } from '../errors';
import { adminRoutes } from './admin-routes';
import { docsRoutes } from './docs-routes';
import { errorHandler, notFoundHandler } from './errors';
import type { ParleyMetrics } from '../metrics/parley-metrics';
import { metricsRoutes, requestMetrics } from './metrics-routes';
import { moderationRoutes } from './moderation-routes';
import { moderatorUiRoutes } from './moderator-ui-routes';
import { opsRoutes, type Readiness } from './ops-routes';
import { publicRoutes } from './public-routes';
import { queueDashboard } from './queue-dashboard';
import { requestLogging } from './request-logging';
import { webhookRoutes } from './webhook-routes';
import { widgetRoutes } from './widget-routes';

export interface AppOptions {
  sites: SiteRepository;
  comments: CommentService;
  tokens: TokenService;
  moderation: ModerationService;
  /** Limits comment submissions per client IP. */
  submitLimit: RequestHandler;
  webhooks: WebhookService;
  logger: Logger;
  readiness: Readiness;
  /** Express `trust proxy`: which proxies' X-Forwarded-For to believe for the client IP. */
  trustProxy: boolean | number | string;
  bodyLimit: number;
  maxCommentLength: number;
  /** This process's metrics: HTTP requests are counted when given. */
  metrics?: ParleyMetrics;
  /** Serve `GET /metrics` on this app (default true; false when PARLEY_METRICS_PORT gives it a port of its own). */
  serveMetrics?: boolean;
  /** The queues the dashboard at /admin/queues shows. */
  queues?: Queue[];
}

/** The HTTP API: routes by audience, then the JSON 404 and error answers. */
export function createApp(options: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', options.trustProxy);
  app.set('etag', 'strong');
  // Path parameters (page ids, keys) go to the database as they are: no NUL characters there either.
  app.use((req, _res, next) => {
    if (/%00/.test(req.originalUrl))
      throw ApiError.badRequest('bad_request', 'The URL must not contain NUL characters.');
    next();
  });

  app.use(requestLogging(options.logger));
  if (options.metrics) app.use(requestMetrics(options.metrics));

  app.use(opsRoutes(options.readiness));
  if (options.metrics && options.serveMetrics !== false) app.use(metricsRoutes(options.metrics));
  app.use(docsRoutes(options));
  app.use(queueDashboard({ tokens: options.tokens, queues: options.queues ?? [] }));
  app.use(publicRoutes(options));
  app.use(moderationRoutes(options));
  app.use(adminRoutes(options));
  app.use(webhookRoutes(options));
  app.use(moderatorUiRoutes());
  app.use(widgetRoutes());

  app.use(notFoundHandler);
  app.use(errorHandler(options.logger));
  return app;
}
