import express, { type Request, type RequestHandler, Router } from 'express';
import { z } from 'zod';
import type { CommentService } from '../comments/comment-service';
import { decodeCursor } from '../comments/comment-repository';
import { submitCommentSchema } from '../comments/submit-schema';
import { ApiError } from '../errors';
import type { Site, SiteRepository } from '../sites/site-repository';
import { bearerToken } from './auth';
import type { ParleyMetrics } from '../metrics/parley-metrics';
import { allowSiteOrigin, answerPreflight } from './site-access';
import { parseOrThrow } from './validate';

export interface PublicRoutesOptions {
  sites: SiteRepository;
  comments: CommentService;
  bodyLimit: number;
  maxCommentLength: number;
  metrics?: ParleyMetrics;
  /** Limits submissions per client IP (429 past it). */
  submitLimit: RequestHandler;
}

export const threadQuerySchema = z.object({
  cursor: z
    .string()
    .max(200)
    .refine((c) => decodeCursor(c) !== undefined, 'not a cursor this API gave out')
    .optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

const commentIdSchema = z.uuid();

/** A thread may change any second (approval, removal): caches revalidate with the ETag. */
const THREAD_CACHE_CONTROL = 'public, max-age=1, must-revalidate';

function authorToken(req: Request): string {
  const token = bearerToken(req);
  if (!token) throw ApiError.unauthorized('Send the authorToken as "Authorization: Bearer <token>".');
  return token;
}

/** The widget's API: submit, read a thread, follow one's own comment. */
export function publicRoutes(options: PublicRoutesOptions): Router {
  const router = Router();
  const submitSchema = submitCommentSchema({ maxLength: options.maxCommentLength });
  const json = express.json({ limit: options.bodyLimit, strict: true });

  const site = Router({ mergeParams: true });
  site.use(async (req, res, next) => {
    const found = await options.sites.find(String(req.params.siteKey));
    if (!found) throw ApiError.notFound('Site');
    allowSiteOrigin(found, req, res);
    if (req.method === 'OPTIONS') return answerPreflight(res);
    res.locals.site = found;
    next();
  });

  site.post(
    '/comments',
    options.submitLimit,
    (req, res, next) => {
      if (!req.is('application/json')) {
        throw ApiError.unsupportedMediaType('Send the comment as application/json.');
      }
      json(req, res, next);
    },
    async (req, res) => {
      const input = parseOrThrow(submitSchema, req.body);
      const result = await options.comments.submit({
        site: res.locals.site as Site,
        input,
        ip: req.ip,
        userAgent: req.get('user-agent'),
      });
      options.metrics?.commentsAccepted.inc();
      res.status(202).json(result);
    },
  );

  site.get('/form-token', (_req, res) => {
    res.set('Cache-Control', 'no-store');
    res.json({ formToken: options.comments.formToken(res.locals.site as Site) });
  });

  site.get('/pages/:pageId/comments', async (req, res) => {
    const query = parseOrThrow(threadQuerySchema, req.query);
    const thread = await options.comments.thread({
      siteKey: (res.locals.site as Site).key,
      pageId: String(req.params.pageId),
      cursor: query.cursor,
      limit: query.limit,
    });
    res.set('Cache-Control', THREAD_CACHE_CONTROL);
    res.json(thread);
  });

  router.use('/v1/sites/:siteKey', site);

  router.options('/v1/comments/:id/status', async (req, res) => {
    const siteKey = commentIdSchema.safeParse(req.params.id).success
      ? await options.comments.siteKeyOf(req.params.id)
      : undefined;
    const owner = siteKey && (await options.sites.find(siteKey));
    if (!owner) throw ApiError.notFound('Comment');
    allowSiteOrigin(owner, req, res);
    answerPreflight(res);
  });

  router.get('/v1/comments/:id/status', async (req, res) => {
    const token = authorToken(req);
    if (!commentIdSchema.safeParse(req.params.id).success) throw ApiError.notFound('Comment');
    const { siteKey, ...status } = await options.comments.statusForAuthor({ id: req.params.id, authorToken: token });
    const owner = await options.sites.find(siteKey);
    if (owner) allowSiteOrigin(owner, req, res);
    res.set('Cache-Control', 'private, no-store');
    res.json(status);
  });

  return router;
}
