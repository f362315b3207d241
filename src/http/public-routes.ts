import type express from 'express';
import { type Request, type RequestHandler } from 'express';
import { z } from 'zod';
import type { CommentService } from '../comments/comment-service';
import { submitCommentSchema } from '../comments/submit-schema';
import { ApiError } from '../errors';
import type { ParleyMetrics } from '../metrics/parley-metrics';
import type { SiteCache } from '../sites/site-cache';
import type { Site } from '../sites/site-repository';
import { bearerToken } from './auth';
import { authorStatusSchema, formTokenSchema, submitResultSchema, threadSchema } from './envelopes';
import { AVATAR, COMMENT_ID, CREATED } from './examples';
import { pageQuery } from './paging';
import { json, noContent, type Route, route } from './route';
import { type Mount, mount } from './route-registry';
import { allowSiteOrigin, answerPreflight, refuseOrigin } from './site-access';
import { jsonBody } from './json-body';
import { sendThreadPage } from './thread-reads';

export interface PublicRoutesOptions {
  /** Every request looks its site up: from memory. */
  siteCache: SiteCache;
  comments: CommentService;
  bodyLimit: number;
  maxCommentLength: number;
  metrics?: ParleyMetrics;
  /** Limits submissions per client IP (429 past it). */
  submitLimit: RequestHandler;
}

const threadQuerySchema = z.object(pageQuery);

const commentIdSchema = z.uuid();

const publicCommentExample = {
  id: COMMENT_ID,
  parentId: null,
  pageId: 'hello-world',
  name: 'Ann',
  website: 'https://ann.example',
  avatar: AVATAR,
  html: '<p>Nice <em>post</em>!</p>',
  createdAt: CREATED,
};

function authorToken(req: Request): string {
  const token = bearerToken(req);
  if (!token) throw ApiError.unauthorized('Send the authorToken as "Authorization: Bearer <token>".');
  return token;
}

/** The site the mount in front of the site's routes found. */
const siteOf = (res: express.Response) => res.locals.site as Site;

/** The widget's API: submit, read a thread, follow one's own comment. */
export function publicRoutes(options: PublicRoutesOptions): (Route | Mount)[] {
  const submitSchema = submitCommentSchema({ maxLength: options.maxCommentLength });
  const parseJson = jsonBody({ limit: options.bodyLimit });
  const requireJson: RequestHandler = (req, res, next) => {
    if (!req.is('application/json')) throw ApiError.unsupportedMediaType('Send the comment as application/json.');
    parseJson(req, res, next);
  };

  return [
    // In front of every route of a site: an unknown site is a 404, a browser of another
    // origin a 403, and a preflight is answered here.
    mount('/v1/sites/:siteKey', async (req, res, next) => {
      const found = await options.siteCache.find(String(req.params.siteKey));
      if (!found) throw ApiError.notFound('Site');
      allowSiteOrigin(found, req, res);
      if (req.method === 'OPTIONS') return answerPreflight(res);
      res.locals.site = found;
      next();
    }),

    route({
      method: 'post',
      path: '/v1/sites/:siteKey/comments',
      tag: 'Public',
      summary: 'Submit a comment',
      description:
        'Stores the comment as `pending` and queues it for moderation; the answer comes once it is stored. `formToken` comes from `GET /v1/sites/{siteKey}/form-token`; `hp` is the honeypot field, left empty by people. `text` is Markdown (no raw HTML), at most `PARLEY_MAX_COMMENT_LENGTH` characters.',
      body: submitSchema,
      bodyExample: {
        pageId: 'hello-world',
        pageUrl: 'https://blog.example/hello-world',
        pageTitle: 'Hello, world',
        name: 'Ann',
        email: 'ann@example.com',
        website: 'https://ann.example',
        text: 'Nice *post*!',
      },
      responses: {
        202: json(submitResultSchema, {
          description: 'Accepted: stored, and queued for moderation.',
          example: {
            comment: { ...publicCommentExample, status: 'pending' },
            authorToken: 'q7Vb2kL9xW3mN8pR4tY6uI1oP5aS0dFg',
          },
        }),
      },
      errors: [400, 403, 404, 413, 415, 429, 503],
      use: [options.submitLimit, requireJson],
      handler: async ({ req, res, body }) => {
        const result = await options.comments.submit({
          site: siteOf(res),
          input: body,
          ip: req.ip,
          userAgent: req.get('user-agent'),
        });
        options.metrics?.commentsAccepted.inc();
        return result;
      },
    }),

    route({
      method: 'get',
      path: '/v1/sites/:siteKey/form-token',
      tag: 'Public',
      summary: 'A signed, timestamped token for the time trap',
      description: 'The widget fetches one when it shows the form and sends it back as `formToken`.',
      responses: {
        200: json(formTokenSchema, {
          description: 'A fresh token.',
          example: { formToken: '1764321302118.Qm9vA1xYz2Wv.aGVsbG8td29ybGQtbWFjLX' },
        }),
      },
      errors: [403, 404],
      handler: ({ res }) => {
        res.set('Cache-Control', 'no-store');
        return { formToken: options.comments.formToken(siteOf(res)) };
      },
    }),

    route({
      method: 'get',
      path: '/v1/sites/:siteKey/pages/:pageId/comments',
      tag: 'Public',
      summary: "A page's published comments",
      description:
        'Approved comments, flat with `parentId`, oldest first. Answers carry an `ETag` (send `If-None-Match` for a `304`) and `Cache-Control: public, max-age=1, must-revalidate`: a status change shows within a second.',
      query: threadQuerySchema,
      queryExample: { limit: '50' },
      responses: {
        200: json(threadSchema, {
          description: 'The comments.',
          example: { comments: [publicCommentExample], total: 1, nextCursor: null },
          headers: { ETag: 'Version of this answer.', 'Cache-Control': '`public, max-age=1, must-revalidate`' },
        }),
        304: noContent('Not modified since the `If-None-Match` ETag.'),
      },
      errors: [400, 403, 404],
      handler: async ({ res, params, query }) => {
        const page = await options.comments.serializedThread({
          siteKey: siteOf(res).key,
          pageId: params.pageId,
          cursor: query.cursor,
          limit: query.limit,
        });
        sendThreadPage(res, page);
      },
    }),

    route({
      method: 'options',
      path: '/v1/comments/:id/status',
      tag: 'Public',
      summary: 'CORS preflight of the status route',
      description:
        'An unknown id is answered as a comment whose site does not list the origin: a preflight tells nobody which ids exist.',
      responses: { 204: noContent("Allowed, for one of the comment's site origins.") },
      errors: [403],
      handler: async ({ req, res, params }) => {
        const siteKey = commentIdSchema.safeParse(params.id).success
          ? await options.comments.siteKeyOf(params.id)
          : undefined;
        const owner = siteKey ? await options.siteCache.find(siteKey) : undefined;
        if (owner) allowSiteOrigin(owner, req, res);
        else refuseOrigin(req, res);
        answerPreflight(res);
      },
    }),

    route({
      method: 'get',
      path: '/v1/comments/:id/status',
      tag: 'Public',
      auth: 'author',
      summary: "The author's view of their own comment",
      description: 'Whatever its status, with the `authorToken` the submission answered.',
      responses: {
        200: json(authorStatusSchema, {
          description: 'The status.',
          example: { id: COMMENT_ID, status: 'held' },
        }),
      },
      errors: [401, 404],
      handler: async ({ req, res, params }) => {
        // The token first: without one, whether the id exists is nobody's business.
        const token = authorToken(req);
        if (!commentIdSchema.safeParse(params.id).success) throw ApiError.notFound('Comment');
        const { siteKey, ...status } = await options.comments.statusForAuthor({ id: params.id, authorToken: token });
        const owner = await options.siteCache.find(siteKey);
        if (owner) allowSiteOrigin(owner, req, res);
        res.set('Cache-Control', 'private, no-store');
        return status;
      },
    }),
  ];
}
