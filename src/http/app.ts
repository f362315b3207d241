import express, { type Express } from 'express';
import type { Logger } from 'pino';
import type { TokenService } from '../auth/token-service';
import type { CommentService } from '../comments/comment-service';
import type { ModerationService } from '../moderation/moderation-service';
import type { SiteRepository } from '../sites/site-repository';
import { adminRoutes } from './admin-routes';
import { errorHandler, notFoundHandler } from './errors';
import { moderationRoutes } from './moderation-routes';
import { moderatorUiRoutes } from './moderator-ui-routes';
import { opsRoutes, type Readiness } from './ops-routes';
import { publicRoutes } from './public-routes';
import { widgetRoutes } from './widget-routes';

export interface AppOptions {
  sites: SiteRepository;
  comments: CommentService;
  tokens: TokenService;
  moderation: ModerationService;
  logger: Logger;
  readiness: Readiness;
  /** Express `trust proxy`: which proxies' X-Forwarded-For to believe for the client IP. */
  trustProxy: boolean | number | string;
  bodyLimit: number;
  maxCommentLength: number;
}

/** The HTTP API: routes by audience, then the JSON 404 and error answers. */
export function createApp(options: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', options.trustProxy);
  app.set('etag', 'strong');

  app.use(opsRoutes(options.readiness));
  app.use(publicRoutes(options));
  app.use(moderationRoutes(options));
  app.use(adminRoutes(options));
  app.use(moderatorUiRoutes());
  app.use(widgetRoutes());

  app.use(notFoundHandler);
  app.use(errorHandler(options.logger));
  return app;
}
