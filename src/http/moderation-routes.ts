import { z } from 'zod';
import { principalSchema, type TokenService } from '../auth/token-service';
import { COMMENT_STATUSES } from '../comments/status';
import type { ModerationService } from '../moderation/moderation-service';
import { MAX_BULK_IDS, MODERATOR_ACTIONS } from '../moderation/moderator-actions';
import type { ModeratorView } from '../moderation/moderator-view';
import type { SiteRepository } from '../sites/site-repository';
import { principalOf, requireRole } from './auth';
import {
  actionResultSchema,
  bulkResultsSchema,
  moderationDetailSchema,
  moderationQueueSchema,
  moderatorSitesSchema,
} from './envelopes';
import { AVATAR, COMMENT_ID, CREATED, DECIDED, SITE_KEY, TOKEN_ID } from './examples';
import { banRoutes } from './ban-routes';
import { moderationReportRoutes } from './moderation-report-routes';
import type { NotificationService } from '../mail/notification-service';
import { notificationRoutes } from './notification-routes';
import { pageQuery } from './paging';
import { json, type Route, route, uuidParam } from './route';
import { type Mount, mount } from './route-registry';
import { jsonBody } from './json-body';

export interface ModerationRoutesOptions {
  tokens: TokenService;
  moderation: ModerationService;
  sites: SiteRepository;
  notifications: NotificationService;
  bodyLimit: number;
  maxCommentLength: number;
}

const note = z.string().trim().max(1000).optional();

const listQuery = z.object({
  status: z.enum(COMMENT_STATUSES).default('held'),
  site: z.string().max(100).optional(),
  pageId: z.string().max(500).optional(),
  email: z.string().max(254).optional(),
  q: z.string().trim().min(1).max(200).optional(),
  order: z.enum(['newest', 'oldest']).default('newest'),
  ...pageQuery,
});
const actionBody = z.object({ action: z.enum(MODERATOR_ACTIONS), note });
const bulkBody = z.object({ ids: z.array(z.uuid()).min(1).max(MAX_BULK_IDS), action: z.enum(MODERATOR_ACTIONS), note });
/** The (optional) body of `DELETE /v1/moderation/comments/:id`. */
const deleteBody = z.object({ note });

function editBody(maxCommentLength: number) {
  return z.object({
    text: z
      .string()
      .max(maxCommentLength)
      .refine((t) => t.trim().length > 0, 'must not be empty'),
    note,
  });
}

const moderatorViewExample: ModeratorView = {
  id: COMMENT_ID,
  siteKey: SITE_KEY,
  pageId: 'hello-world',
  pageUrl: 'https://blog.example/hello-world',
  pageTitle: 'Hello, world',
  parentId: null,
  status: 'held',
  text: 'Nice *post*! More at https://ann.example and https://ann.example/2 and https://ann.example/3',
  originalText: null,
  html: '<p>Nice <em>post</em>! More at …</p>',
  author: {
    name: 'Ann',
    email: 'ann@example.com',
    website: 'https://ann.example',
    ip: '203.0.113.7',
    userAgent: 'Mozilla/5.0',
    avatar: AVATAR,
  },
  findings: [{ check: 'link-count', verdict: 'hold', reason: "3 links, more than the site's limit of 2" }],
  createdAt: CREATED,
  decidedAt: DECIDED,
  editedAt: null,
  version: 2,
};

const countsExample = { pending: 0, approved: 41, held: 3, spam: 12, rejected: 1, deleted: 0 };

/** The review queue's API: every route needs a moderator or admin token. */
export function moderationRoutes(options: ModerationRoutesOptions): (Route | Mount)[] {
  const { moderation } = options;
  return [
    // In front of the routes, and of any path under them: 401 without a token.
    mount('/v1/moderation', requireRole(options.tokens, 'moderator'), jsonBody({ limit: options.bodyLimit })),

    route({
      method: 'get',
      path: '/v1/moderation/me',
      tag: 'Moderation',
      auth: 'moderator',
      summary: 'Who the token is',
      responses: {
        200: json(principalSchema, {
          description: 'The principal.',
          example: { id: TOKEN_ID, role: 'moderator', siteKey: null, label: 'night shift' },
        }),
      },
      errors: [401],
      handler: ({ res }) => principalOf(res),
    }),

    route({
      method: 'get',
      path: '/v1/moderation/sites',
      tag: 'Moderation',
      auth: 'moderator',
      summary: 'The sites the token may see',
      responses: {
        200: json(moderatorSitesSchema, {
          description: 'The sites.',
          example: { sites: [{ key: SITE_KEY, name: 'My blog' }] },
        }),
      },
      errors: [401],
      handler: async ({ res }) => {
        const principal = principalOf(res);
        const sites = await options.sites.list();
        return {
          sites: sites
            .filter((s) => principal.siteKey === null || s.key === principal.siteKey)
            .map((s) => ({ key: s.key, name: s.name })),
        };
      },
    }),

    route({
      method: 'get',
      path: '/v1/moderation/comments',
      tag: 'Moderation',
      auth: 'moderator',
      summary: 'The review queue',
      description:
        'Comments with email, IP, user agent and every finding; `counts` per status for the same filters; `nextCursor` for the next page.',
      query: listQuery,
      queryExample: { status: 'held', order: 'newest', limit: '50' },
      responses: {
        200: json(moderationQueueSchema, {
          description: 'A page of the queue.',
          example: { comments: [moderatorViewExample], counts: countsExample, nextCursor: null },
        }),
      },
      errors: [400, 401, 403],
      handler: ({ res, query }) => {
        res.set('Cache-Control', 'private, no-store');
        return moderation.list(principalOf(res), {
          status: query.status,
          siteKey: query.site,
          pageId: query.pageId,
          email: query.email,
          search: query.q,
          order: query.order,
          cursor: query.cursor,
          limit: query.limit,
        });
      },
    }),

    route({
      method: 'get',
      path: '/v1/moderation/comments/:id',
      tag: 'Moderation',
      auth: 'moderator',
      summary: 'One comment in full',
      description: "With the comment it replies to and the author's history on the site.",
      responses: {
        200: json(moderationDetailSchema, {
          description: 'The comment.',
          example: {
            comment: moderatorViewExample,
            parent: null,
            history: { counts: { ...countsExample, approved: 2, held: 1, spam: 0, rejected: 0 }, recent: [] },
          },
        }),
      },
      errors: [401, 403, 404],
      handler: ({ res, params }) => {
        // Even on a 404: nothing of this API is for a shared cache.
        res.set('Cache-Control', 'private, no-store');
        return moderation.get(principalOf(res), uuidParam(params.id, 'Comment'));
      },
    }),

    route({
      method: 'post',
      path: '/v1/moderation/comments/:id/actions',
      tag: 'Moderation',
      auth: 'moderator',
      summary: 'Approve, hold, reject or mark as spam',
      description:
        'Audited. Approving a held or spam comment teaches the classifier "ham"; marking spam teaches it "spam".',
      ids: { id: 'Comment' },
      body: actionBody,
      bodyExample: { action: 'approve', note: 'fine, just enthusiastic' },
      responses: {
        200: json(actionResultSchema, {
          description: 'The comment after the action.',
          example: { comment: { ...moderatorViewExample, status: 'approved', version: 3 }, previousStatus: 'held' },
        }),
      },
      errors: [400, 401, 403, 404, 409],
      handler: ({ res, params, body }) => moderation.act(principalOf(res), { id: params.id, ...body }),
    }),

    route({
      method: 'post',
      path: '/v1/moderation/actions',
      tag: 'Moderation',
      auth: 'moderator',
      summary: 'One action on many comments',
      description: 'Each comment on its own: one failure does not undo the others.',
      body: bulkBody,
      bodyExample: { ids: [COMMENT_ID, '00000000-0000-4000-8000-000000000000'], action: 'spam' },
      responses: {
        200: json(bulkResultsSchema, {
          description: 'A result per id.',
          example: {
            results: [
              { id: COMMENT_ID, ok: true, status: 'spam', previousStatus: 'held' },
              {
                id: '00000000-0000-4000-8000-000000000000',
                ok: false,
                error: { code: 'not_found', message: 'Comment not found.' },
              },
            ],
          },
        }),
      },
      errors: [400, 401],
      handler: async ({ res, body }) => ({ results: await moderation.actOnMany(principalOf(res), body) }),
    }),

    route({
      method: 'patch',
      path: '/v1/moderation/comments/:id',
      tag: 'Moderation',
      auth: 'moderator',
      summary: "Edit a comment's text",
      description: 'Re-rendered and re-sanitized; the original text is kept in `originalText`.',
      ids: { id: 'Comment' },
      body: editBody(options.maxCommentLength),
      bodyExample: { text: 'Nice *post*!', note: 'removed a link' },
      responses: {
        200: json(actionResultSchema, {
          description: 'The edited comment.',
          example: {
            comment: {
              ...moderatorViewExample,
              originalText: moderatorViewExample.text,
              text: 'Nice *post*!',
              editedAt: DECIDED,
              version: 3,
            },
            previousStatus: 'held',
          },
        }),
      },
      errors: [400, 401, 403, 404, 409],
      handler: ({ res, params, body }) => moderation.edit(principalOf(res), { id: params.id, ...body }),
    }),

    route({
      method: 'delete',
      path: '/v1/moderation/comments/:id',
      tag: 'Moderation',
      auth: 'moderator',
      summary: 'Delete a comment',
      description:
        "Erases the content and the author's details. A tombstone stays in the public thread while it has published replies.",
      ids: { id: 'Comment' },
      body: deleteBody,
      bodyExample: { note: 'asked by the author' },
      responses: {
        200: json(actionResultSchema, {
          description: 'The tombstone.',
          example: {
            comment: {
              ...moderatorViewExample,
              status: 'deleted',
              text: '',
              html: '',
              author: { name: '', email: '', website: null, ip: null, userAgent: null, avatar: '' },
              findings: [],
              version: 3,
            },
            previousStatus: 'held',
          },
        }),
      },
      errors: [401, 403, 404, 409],
      handler: ({ res, params, body }) => moderation.erase(principalOf(res), { id: params.id, note: body.note }),
    }),

    ...banRoutes(moderation),
    ...moderationReportRoutes(moderation),
    ...notificationRoutes(options.notifications),
  ];
}
