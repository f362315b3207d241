import type { Queue } from 'bullmq';
import express, { type Express, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { TokenService } from '../auth/token-service';
import type { CommentService } from '../comments/comment-service';
import type { ModerationService } from '../moderation/moderation-service';
import type { WebhookService } from '../webhooks/webhook-service';
import type { MailLinkService } from '../mail/mail-link-service';
import type { NotificationService } from '../mail/notification-service';
import { mailRoutes } from './mail-routes';
import type { PrivacyService } from '../privacy/privacy-service';
import type { SiteCache } from '../sites/site-cache';
import type { SiteRepository } from '../sites/site-repository';
import { ApiError } from '../errors';
import { adminRoutes } from './admin-routes';
import { docsRoutes } from './docs-routes';
import { errorHandler, notFoundHandler } from './errors';
import type { ParleyMetrics } from '../metrics/parley-metrics';
import { metricsRoutes, requestMetrics } from './metrics-routes';
import { moderationRoutes } from './moderation-routes';
import { moderatorUiRoutes } from './moderator-ui-routes';
import { buildOpenApiDocument } from './openapi';
import { opsRoutes, type Readiness } from './ops-routes';
import { publicRoutes } from './public-routes';
import { queueDashboard } from './queue-dashboard';
import { requestLogging } from './request-logging';
import { threadReadsFromMemory } from './thread-reads';
import { RouteRegistry } from './route-registry';
import { webhookRoutes } from './webhook-routes';
import { widgetRoutes } from './widget-routes';

export interface AppOptions {
  siteRepository: SiteRepository;
  /** Sites as the public routes look them up on every request. */
  siteCache: SiteCache;
  commentService: CommentService;
  tokenService: TokenService;
  moderationService: ModerationService;
  /** Limits comment submissions per client IP. */
  submitLimit: RequestHandler;
  webhookService: WebhookService;
  notificationService: NotificationService;
  mailLinkService: MailLinkService;
  privacyService: PrivacyService;
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

const registries = new WeakMap<Express, RouteRegistry>();

/** What an app made by createApp registered: what its OpenAPI document describes and the tests enumerate. */
export function routesOf(app: Express): RouteRegistry {
  const routes = registries.get(app);
  if (!routes) throw new TypeError('not an app made by createApp');
  return routes;
}

/** The HTTP API: routes by audience, then the JSON 404 and error answers. */
export function createApp(options: AppOptions): Express {
  const app = express();
  const routes = new RouteRegistry();
  registries.set(app, routes);
  app.disable('x-powered-by');
  app.set('trust proxy', options.trustProxy);
  app.set('etag', 'strong');
  // Path parameters (page ids, keys) go to the database as they are: no NUL characters there either.
  app.use((req, _res, next) => {
    if (/%00/.test(req.originalUrl))
      throw ApiError.badRequest('bad_request', 'The URL must not contain NUL characters.');
    next();
  });

  app.use(requestLogging(options.logger, routes));
  if (options.metrics) app.use(requestMetrics(options.metrics, routes));

  // A reader's thread read, answered from memory when this process has the page (see thread-reads.ts).
  app.use(threadReadsFromMemory({ siteCache: options.siteCache, comments: options.commentService }));

  // The route factories take their services under shorter names (sites, tokens, ...) than AppOptions does.
  const routeOptions = {
    ...options,
    sites: options.siteRepository,
    comments: options.commentService,
    tokens: options.tokenService,
    moderation: options.moderationService,
    webhooks: options.webhookService,
    notifications: options.notificationService,
    privacy: options.privacyService,
  };
  // The widget's routes first: thread reads and submissions are nearly every request, and
  // each router in front of them is walked, layer by layer, for each one.
  app.use(routes.router(publicRoutes(routeOptions)));
  app.use(routes.router(opsRoutes(options.readiness)));
  if (options.metrics && options.serveMetrics !== false) app.use(routes.router(metricsRoutes(options.metrics)));
  app.use(routes.router(docsRoutes({ document: () => buildOpenApiDocument(routes.operations()) })));
  app.use(routes.router(queueDashboard({ tokens: options.tokenService, queues: options.queues ?? [] })));
  app.use(routes.router(moderationRoutes(routeOptions)));
  app.use(routes.router(adminRoutes(routeOptions)));
  app.use(routes.router(webhookRoutes(routeOptions)));
  app.use(routes.router(mailRoutes(options.mailLinkService)));
  app.use(routes.router(moderatorUiRoutes()));
  app.use(routes.router(widgetRoutes()));

  app.use(notFoundHandler);
  app.use(errorHandler(options.logger));
  return app;
}
