import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ApiError, ERROR_CODES, ERROR_DEFINITIONS, type ErrorStatus } from '../errors';
import { submitCommentSchema } from '../comments/submit-schema';
import {
  actionBody,
  auditQuery,
  statsQuery,
  bulkBody,
  deleteBody,
  editCommentBody,
  listQuery as moderationListQuery,
} from './moderation-routes';
import { threadQuerySchema } from './public-routes';
import { principalSchema } from '../auth/token-service';
import { moderationStatsSchema } from '../moderation/moderation-stats';
import { siteSchema } from '../sites/site-repository';
import { endpointSchema } from '../webhooks/webhook-store';
import * as envelopes from './envelopes';
import { deliveriesQuerySchema } from './webhook-routes';
import { newTokenSchema } from '../auth/token-service';
import { newBanSchema } from '../moderation/ban-request';
import { newSiteSchema, siteChangesSchema } from '../sites/site-repository';
import { endpointChangesSchema, newEndpointSchema } from '../webhooks/webhook-service';

/**
 * The OpenAPI 3.1 description of the HTTP API, served at `/openapi.json` and rendered
 * at `/docs`. Request bodies and query strings are described by the very zod schemas
 * the routes validate with (exported by the route modules); responses by the schemas
 * in response-schemas.ts, which the tests check real answers against. A route added to
 * a router without an operation here fails test/integration/ops-openapi.test.ts.
 */

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete' | 'options';
type Auth = 'none' | 'author' | 'moderator' | 'admin' | 'dashboard';
type JsonSchema = Record<string, unknown>;

/** One documented answer. `schema` is a zod schema (JSON bodies) or a JSON Schema (other media types). */
export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
  example?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
}

export interface OperationSpec {
  method: Method;
  /** The Express path, as the router declares it: `/v1/comments/:id/status`. */
  path: string;
  tag: Tag;
  summary: string;
  description?: string;
  auth?: Auth;
  query?: z.ZodObject;
  queryExample?: Record<string, string>;
  body?: z.ZodType;
  bodyExample?: unknown;
  /** A body that is not JSON (the dashboard's sign-in form). */
  formBody?: JsonSchema;
  responses: Record<number, ResponseSpec>;
  /** Error answers, from the shared ones in components.responses. */
  errors?: ErrorStatus[];
}

type Tag = 'Public' | 'Moderation' | 'Admin' | 'Webhooks' | 'Operations' | 'Browser pages';

const TAGS: { name: Tag; description: string }[] = [
  {
    name: 'Public',
    description:
      "The widget's API. Browser requests must carry an `Origin` the site lists (403 otherwise); CORS answers name only the site's origins; requests without `Origin` are allowed.",
  },
  {
    name: 'Moderation',
    description:
      'The review queue. `Authorization: Bearer <token>` of a `moderator` or `admin` token; a token limited to one site sees only that site.',
  },
  { name: 'Admin', description: 'Sites and tokens. An `admin` token.' },
  {
    name: 'Webhooks',
    description:
      "A site's webhook endpoints and their deliveries. An `admin` token. Deliveries are signed per Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`) and carry the public comment, its status and reasons: never the email or IP.",
  },
  { name: 'Operations', description: 'Health, readiness, metrics, this documentation, the queue dashboard.' },
  { name: 'Browser pages', description: 'The moderator UI, the widget script and the demo page.' },
];

/** The shared error answers, one per status, named as `components.responses` names them. */
const ERROR_RESPONSE_NAMES: Record<ErrorStatus, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  413: 'PayloadTooLarge',
  415: 'UnsupportedMediaType',
  429: 'TooManyRequests',
  500: 'InternalServerError',
  503: 'ServiceUnavailable',
};

/** The answer each shared error response shows as its example. */
const ERROR_EXAMPLES: Record<ErrorStatus, ApiError> = {
  400: ApiError.validation([{ path: 'email', message: 'Invalid email address' }]),
  401: ApiError.unauthorized(),
  403: ApiError.originNotAllowed('https://elsewhere.example'),
  404: ApiError.notFound('Comment'),
  409: ApiError.conflict('comment_deleted'),
  413: ApiError.payloadTooLarge(),
  415: ApiError.unsupportedMediaType('Send the comment as application/json.'),
  429: ApiError.rateLimited(42),
  500: ApiError.internal(),
  503: ApiError.unavailable('ui_not_built'),
};

/** A shared error answer: every code of that status, from the table in src/errors.ts, and an example. */
function errorResponse(status: ErrorStatus): JsonSchema {
  const codes = ERROR_CODES.filter((code) => ERROR_DEFINITIONS[code].status === status);
  return {
    description: codes.map((code) => `- \`${code}\`: ${ERROR_DEFINITIONS[code].meaning}`).join('\n'),
    content: {
      'application/json': {
        schema: { $ref: '#/components/schemas/Error' },
        example: ERROR_EXAMPLES[status].toBody(),
      },
    },
  };
}

const PATH_PARAMETERS: Record<string, { description: string; example: string }> = {
  siteKey: { description: 'The site key (`parley sites create` prints it).', example: 'site_Xq3vB8kP2mLw' },
  key: { description: 'The site key.', example: 'site_Xq3vB8kP2mLw' },
  pageId: { description: 'The page id given by the widget (`data-page-id`), URL-encoded.', example: 'hello-world' },
  id: { description: 'The id of the comment, ban or token.', example: '3f6c2a9e-8b1d-4c57-9e0a-2d7f41b6c8e3' },
  hash: { description: 'The content hash of a widget build.', example: '5d41402abc4b2a76' },
  deliveryId: { description: 'The id of a delivery attempt.', example: '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d' },
  asset: { description: 'A file of the documentation page.', example: 'swagger-ui.css' },
};

// Examples, shared by several operations. The tests parse every example with its schema.
const SITE_KEY = 'site_Xq3vB8kP2mLw';
const COMMENT_ID = '3f6c2a9e-8b1d-4c57-9e0a-2d7f41b6c8e3';
const AVATAR = 'b1946ac92492d2347c6235b4d2611184';
const CREATED = '2025-11-28T09:15:02.118Z';
const DECIDED = '2025-11-28T09:15:02.164Z';

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

const moderatorCommentExample = {
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

const siteExample = {
  key: SITE_KEY,
  name: 'My blog',
  origins: ['https://blog.example'],
  moderation: 'first-time',
  linkLimit: 2,
  policy: {
    requireFormToken: false,
    minSubmitSeconds: 3,
    maxFormAgeHours: 24,
    blockedLinkDomains: [],
    blockList: ['casino'],
    blockListVerdict: 'spam',
    watchList: [],
    profanity: 'hold',
    floodPerMinute: 5,
    disposableEmail: 'hold',
    abuse: 'hold',
    abuseThreshold: 0.7,
    spamThreshold: 0.6,
    spamHoldThreshold: 0.1,
    language: 'en',
  },
  createdAt: '2025-11-01T12:00:00.000Z',
};

const tokenRecordExample = {
  id: 'tok_Ab3dEf6hIj9k',
  role: 'moderator',
  siteKey: null,
  label: 'night shift',
  createdAt: '2025-11-02T08:00:00.000Z',
  revokedAt: null,
};

const banExample = {
  id: '9b2e7c1d-4f3a-4e8b-a6d5-0c1f2e3d4b5a',
  siteKey: null,
  kind: 'domain',
  value: 'spam.example',
  reason: 'link farm',
  expiresAt: null,
  createdBy: 'tok_Ab3dEf6hIj9k',
  createdAt: '2025-11-20T10:00:00.000Z',
};

const ENDPOINT_ID = 'e0d1c2b3-a4f5-4e6d-8c7b-6a5f4e3d2c1b';
const endpointExample = {
  id: ENDPOINT_ID,
  siteKey: SITE_KEY,
  url: 'https://blog.example/hooks/parley',
  description: 'rebuild the static site',
  events: ['comment.approved', 'comment.deleted'],
  enabled: true,
  disabledReason: null,
  failingSince: null,
  secretRotatedUntil: null,
  createdAt: '2025-11-20T10:00:00.000Z',
};
const deliveryExample = {
  id: '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
  eventId: 'evt_3f6c2a9e.approved',
  eventType: 'comment.approved',
  attempt: 1,
  succeeded: true,
  statusCode: 204,
  latencyMs: 84,
  responseBody: '',
  error: null,
  createdAt: DECIDED,
};
const WEBHOOK_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwaGVsbG8gd29ybGQ=';

const html = (description: string): ResponseSpec => ({ description, contentType: 'text/html; charset=utf-8' });
const noContent = (description: string): ResponseSpec => ({ description });

/** Every operation of the API. `options.maxCommentLength` is the one setting a request schema depends on. */
export function operations(options: { maxCommentLength: number }): OperationSpec[] {
  return [
    // Operations
    {
      method: 'get',
      path: '/healthz',
      tag: 'Operations',
      summary: 'Liveness: the process is up',
      responses: { 200: { description: 'Up.', schema: envelopes.healthSchema, example: { status: 'ok' } } },
    },
    {
      method: 'get',
      path: '/readyz',
      tag: 'Operations',
      summary: 'Readiness: the database and Redis answer',
      description: 'Load balancers should send traffic only to instances that answer 200.',
      responses: {
        200: {
          description: 'Ready.',
          schema: envelopes.readinessSchema,
          example: { status: 'ok', checks: { database: 'ok', redis: 'ok' } },
        },
        503: {
          description: 'A dependency is down; `checks` names it.',
          schema: envelopes.readinessSchema,
          example: { status: 'unavailable', checks: { database: 'ok', redis: 'down' } },
        },
      },
    },
    {
      method: 'get',
      path: '/metrics',
      tag: 'Operations',
      summary: 'Prometheus metrics of this process',
      description:
        'Prometheus text format. With `PARLEY_METRICS_PORT` set, served on that port instead (and not here). The families are listed in the README, "Metrics".',
      responses: {
        200: {
          description: 'The metrics.',
          contentType: 'text/plain; version=0.0.4; charset=utf-8',
          example:
            '# HELP parley_comments_accepted_total Comments accepted (stored as pending and answered 202).\n# TYPE parley_comments_accepted_total counter\nparley_comments_accepted_total 3\n',
        },
      },
    },
    {
      method: 'get',
      path: '/openapi.json',
      tag: 'Operations',
      summary: 'This document (OpenAPI 3.1)',
      responses: { 200: { description: 'The OpenAPI document.', contentType: 'application/json' } },
    },
    {
      method: 'get',
      path: '/docs',
      tag: 'Operations',
      summary: 'This documentation, rendered (Swagger UI, served locally)',
      responses: { 200: html('The documentation page.') },
    },
    {
      method: 'get',
      path: '/docs/:asset',
      tag: 'Operations',
      summary: 'Scripts, styles and icons of the documentation page',
      responses: { 200: { description: 'The file.', contentType: 'application/octet-stream' } },
      errors: [404],
    },
    {
      method: 'get',
      path: '/admin/queues',
      tag: 'Operations',
      auth: 'dashboard',
      summary: 'The queue dashboard (Bull Board)',
      description:
        'Admin tokens only: `Authorization: Bearer <token>`, or the cookie that `POST /admin/queues/login` sets. A browser without either is sent to the sign-in page. ' +
        "The dashboard's own scripts and JSON API live under this path too.",
      responses: {
        200: html('The dashboard.'),
        303: noContent('Not signed in: see `/admin/queues/login`.'),
      },
      errors: [401, 403],
    },
    {
      method: 'get',
      path: '/admin/queues/login',
      tag: 'Operations',
      summary: 'Sign-in page of the queue dashboard',
      responses: { 200: html('A form that asks for an admin token.') },
    },
    {
      method: 'post',
      path: '/admin/queues/login',
      tag: 'Operations',
      summary: 'Sign in to the queue dashboard',
      description:
        'Checks the admin token and keeps it in an `HttpOnly`, `SameSite=Strict` cookie limited to `/admin/queues` (and `Secure` over HTTPS) until the browser closes or `POST /admin/queues/logout`.',
      formBody: {
        type: 'object',
        properties: {
          token: { type: 'string', description: 'An admin token.', examples: ['tok_Ab3dEf6hIj9k.' + 'x'.repeat(43)] },
        },
        required: ['token'],
      },
      responses: {
        303: noContent('Signed in: on to `/admin/queues`.'),
        401: html('Not an active admin token: the form again, with the reason.'),
      },
      errors: [403],
    },
    {
      method: 'post',
      path: '/admin/queues/logout',
      tag: 'Operations',
      summary: 'Sign out of the queue dashboard',
      responses: { 303: noContent('Signed out: on to the sign-in page.') },
      errors: [403],
    },

    // Public
    {
      method: 'post',
      path: '/v1/sites/:siteKey/comments',
      tag: 'Public',
      summary: 'Submit a comment',
      description:
        'Stores the comment as `pending` and queues it for moderation; the answer comes once it is stored. `formToken` comes from `GET /v1/sites/{siteKey}/form-token`; `hp` is the honeypot field, left empty by people. `text` is Markdown (no raw HTML), at most `PARLEY_MAX_COMMENT_LENGTH` characters.',
      body: submitCommentSchema({ maxLength: options.maxCommentLength }),
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
        202: {
          description: 'Accepted: stored, and queued for moderation.',
          schema: envelopes.submitResultSchema,
          example: {
            comment: { ...publicCommentExample, status: 'pending' },
            authorToken: 'q7Vb2kL9xW3mN8pR4tY6uI1oP5aS0dFg',
          },
        },
      },
      errors: [400, 403, 404, 413, 415, 429],
    },
    {
      method: 'get',
      path: '/v1/sites/:siteKey/form-token',
      tag: 'Public',
      summary: 'A signed, timestamped token for the time trap',
      description: 'The widget fetches one when it shows the form and sends it back as `formToken`.',
      responses: {
        200: {
          description: 'A fresh token.',
          schema: envelopes.formTokenSchema,
          example: { formToken: '1764321302118.Qm9vA1xYz2Wv.aGVsbG8td29ybGQtbWFjLX' },
        },
      },
      errors: [403, 404],
    },
    {
      method: 'get',
      path: '/v1/sites/:siteKey/pages/:pageId/comments',
      tag: 'Public',
      summary: "A page's published comments",
      description:
        'Approved comments, flat with `parentId`, oldest first. Answers carry an `ETag` (send `If-None-Match` for a `304`) and `Cache-Control: public, max-age=1, must-revalidate`: a status change shows within a second.',
      query: threadQuerySchema,
      queryExample: { limit: '50' },
      responses: {
        200: {
          description: 'The comments.',
          schema: envelopes.threadSchema,
          example: { comments: [publicCommentExample], total: 1, nextCursor: null },
          headers: { ETag: 'Version of this answer.', 'Cache-Control': '`public, max-age=1, must-revalidate`' },
        },
        304: noContent('Not modified since the `If-None-Match` ETag.'),
      },
      errors: [400, 403, 404],
    },
    {
      method: 'options',
      path: '/v1/comments/:id/status',
      tag: 'Public',
      summary: 'CORS preflight of the status route',
      responses: { 204: noContent("Allowed, for one of the comment's site origins.") },
      errors: [403, 404],
    },
    {
      method: 'get',
      path: '/v1/comments/:id/status',
      tag: 'Public',
      auth: 'author',
      summary: "The author's view of their own comment",
      description: 'Whatever its status, with the `authorToken` the submission answered.',
      responses: {
        200: {
          description: 'The status.',
          schema: envelopes.authorStatusSchema,
          example: { id: COMMENT_ID, status: 'held' },
        },
      },
      errors: [401, 404],
    },

    // Moderation
    {
      method: 'get',
      path: '/v1/moderation/me',
      tag: 'Moderation',
      auth: 'moderator',
      summary: 'Who the token is',
      responses: {
        200: {
          description: 'The principal.',
          schema: principalSchema,
          example: { id: 'tok_Ab3dEf6hIj9k', role: 'moderator', siteKey: null, label: 'night shift' },
        },
      },
      errors: [401],
    },
    {
      method: 'get',
      path: '/v1/moderation/sites',
      tag: 'Moderation',
      auth: 'moderator',
      summary: 'The sites the token may see',
      responses: {
        200: {
          description: 'The sites.',
          schema: envelopes.moderatorSitesSchema,
          example: { sites: [{ key: SITE_KEY, name: 'My blog' }] },
        },
      },
      errors: [401],
    },
    {
      method: 'get',
      path: '/v1/moderation/comments',
      tag: 'Moderation',
      auth: 'moderator',
      summary: 'The review queue',
      description:
        'Comments with email, IP, user agent and every finding; `counts` per status for the same filters; `nextCursor` for the next page.',
      query: moderationListQuery,
      queryExample: { status: 'held', order: 'newest', limit: '50' },
      responses: {
        200: {
          description: 'A page of the queue.',
          schema: envelopes.moderationQueueSchema,
          example: { comments: [moderatorCommentExample], counts: countsExample, nextCursor: null },
        },
      },
      errors: [400, 401, 403],
    },
    {
      method: 'get',
      path: '/v1/moderation/comments/:id',
      tag: 'Moderation',
      auth: 'moderator',
      summary: 'One comment in full',
      description: "With the comment it replies to and the author's history on the site.",
      responses: {
        200: {
          description: 'The comment.',
          schema: envelopes.moderationDetailSchema,
          example: {
            comment: moderatorCommentExample,
            parent: null,
            history: { counts: { ...countsExample, approved: 2, held: 1, spam: 0, rejected: 0 }, recent: [] },
          },
        },
      },
      errors: [401, 403, 404],
    },
    {
      method: 'post',
      path: '/v1/moderation/comments/:id/actions',
      tag: 'Moderation',
      auth: 'moderator',
      summary: 'Approve, hold, reject or mark as spam',
      description:
        'Audited. Approving a held or spam comment teaches the classifier "ham"; marking spam teaches it "spam".',
      body: actionBody,
      bodyExample: { action: 'approve', note: 'fine, just enthusiastic' },
      responses: {
        200: {
          description: 'The comment after the action.',
          schema: envelopes.actionResultSchema,
          example: { comment: { ...moderatorCommentExample, status: 'approved', version: 3 }, previousStatus: 'held' },
        },
      },
      errors: [400, 401, 403, 404, 409],
    },
    {
      method: 'post',
      path: '/v1/moderation/actions',
      tag: 'Moderation',
      auth: 'moderator',
      summary: 'One action on many comments',
      description: 'Each comment on its own: one failure does not undo the others.',
      body: bulkBody,
      bodyExample: { ids: [COMMENT_ID, '00000000-0000-4000-8000-000000000000'], action: 'spam' },
      responses: {
        200: {
          description: 'A result per id.',
          schema: envelopes.bulkResultsSchema,
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
        },
      },
      errors: [400, 401],
    },
    {
      method: 'patch',
      path: '/v1/moderation/comments/:id',
      tag: 'Moderation',
      auth: 'moderator',
      summary: "Edit a comment's text",
      description: 'Re-rendered and re-sanitized; the original text is kept in `originalText`.',
      body: editCommentBody(options.maxCommentLength),
      bodyExample: { text: 'Nice *post*!', note: 'removed a link' },
      responses: {
        200: {
          description: 'The edited comment.',
          schema: envelopes.actionResultSchema,
          example: {
            comment: {
              ...moderatorCommentExample,
              originalText: moderatorCommentExample.text,
              text: 'Nice *post*!',
              editedAt: DECIDED,
              version: 3,
            },
            previousStatus: 'held',
          },
        },
      },
      errors: [400, 401, 403, 404, 409],
    },
    {
      method: 'delete',
      path: '/v1/moderation/comments/:id',
      tag: 'Moderation',
      auth: 'moderator',
      summary: 'Delete a comment',
      description:
        "Erases the content and the author's details. A tombstone stays in the public thread while it has published replies.",
      body: deleteBody,
      bodyExample: { note: 'asked by the author' },
      responses: {
        200: {
          description: 'The tombstone.',
          schema: envelopes.actionResultSchema,
          example: {
            comment: {
              ...moderatorCommentExample,
              status: 'deleted',
              text: '',
              html: '',
              author: { name: '', email: '', website: null, ip: null, userAgent: null, avatar: '' },
              findings: [],
              version: 3,
            },
            previousStatus: 'held',
          },
        },
      },
      errors: [401, 403, 404, 409],
    },
    {
      method: 'get',
      path: '/v1/moderation/bans',
      tag: 'Moderation',
      auth: 'moderator',
      summary: 'Active bans',
      responses: {
        200: { description: 'The bans.', schema: envelopes.banListSchema, example: { bans: [banExample] } },
      },
      errors: [401],
    },
    {
      method: 'post',
      path: '/v1/moderation/bans',
      tag: 'Moderation',
      auth: 'moderator',
      summary: 'Ban an email, a domain or an IP range',
      description:
        "`ip` takes an address or a CIDR range. `rejectPending` also rejects the author's held and pending comments.",
      body: newBanSchema,
      bodyExample: { kind: 'domain', value: 'spam.example', reason: 'link farm', rejectPending: true },
      responses: {
        201: {
          description: 'The ban, and the comments it rejected.',
          schema: envelopes.banCreatedSchema,
          example: { ban: banExample, rejected: [COMMENT_ID] },
        },
      },
      errors: [400, 401, 403],
    },
    {
      method: 'delete',
      path: '/v1/moderation/bans/:id',
      tag: 'Moderation',
      auth: 'moderator',
      summary: 'Lift a ban',
      responses: { 204: noContent('Lifted.') },
      errors: [401, 403, 404],
    },
    {
      method: 'get',
      path: '/v1/moderation/stats',
      tag: 'Moderation',
      auth: 'moderator',
      summary: 'How each check fared',
      description:
        'Counts per check and verdict over the last `days` (default 30), and how many of each a moderator later overturned: how a site admin sees whether a threshold is too strict. A site-limited token sees its own site.',
      query: statsQuery,
      queryExample: { site: SITE_KEY, days: '30' },
      responses: {
        200: {
          description: 'The counts.',
          schema: moderationStatsSchema,
          example: {
            site: SITE_KEY,
            days: 30,
            since: '2025-10-29T09:20:00.000Z',
            comments: 120,
            statuses: { pending: 0, approved: 96, held: 9, spam: 12, rejected: 2, deleted: 1 },
            checks: [
              { check: 'spam', verdict: 'spam', count: 12, overturned: 1 },
              { check: 'spam', verdict: 'hold', count: 7, overturned: 4 },
              { check: 'abuse', verdict: 'hold', count: 3, overturned: 1 },
            ],
          },
        },
      },
      errors: [400, 401, 403],
    },
    {
      method: 'get',
      path: '/v1/moderation/audit',
      tag: 'Moderation',
      auth: 'moderator',
      summary: 'The audit log',
      description: 'Who did what, when, with the status before and after; newest first.',
      query: auditQuery,
      queryExample: { commentId: COMMENT_ID },
      responses: {
        200: {
          description: 'A page of the log.',
          schema: envelopes.auditLogSchema,
          example: {
            entries: [
              {
                id: 'c4d5e6f7-a8b9-4c0d-9e1f-2a3b4c5d6e7f',
                at: '2025-11-28T09:20:00.000Z',
                actor: { id: 'tok_Ab3dEf6hIj9k', label: 'night shift' },
                action: 'approve',
                siteKey: SITE_KEY,
                commentId: COMMENT_ID,
                beforeStatus: 'held',
                afterStatus: 'approved',
                note: null,
                details: {},
              },
            ],
            nextCursor: null,
          },
        },
      },
      errors: [400, 401, 403],
    },

    // Admin
    {
      method: 'get',
      path: '/v1/admin/sites',
      tag: 'Admin',
      auth: 'admin',
      summary: 'List the sites',
      responses: {
        200: { description: 'The sites.', schema: envelopes.siteListSchema, example: { sites: [siteExample] } },
      },
      errors: [401, 403],
    },
    {
      method: 'post',
      path: '/v1/admin/sites',
      tag: 'Admin',
      auth: 'admin',
      summary: 'Create a site',
      body: newSiteSchema,
      bodyExample: {
        name: 'My blog',
        origins: ['https://blog.example'],
        moderation: 'first-time',
        linkLimit: 2,
        policy: { blockList: ['casino'] },
      },
      responses: { 201: { description: 'The site, with its key.', schema: siteSchema, example: siteExample } },
      errors: [400, 401, 403],
    },
    {
      method: 'get',
      path: '/v1/admin/sites/:key',
      tag: 'Admin',
      auth: 'admin',
      summary: 'One site',
      responses: { 200: { description: 'The site.', schema: siteSchema, example: siteExample } },
      errors: [401, 403, 404],
    },
    {
      method: 'patch',
      path: '/v1/admin/sites/:key',
      tag: 'Admin',
      auth: 'admin',
      summary: "Change a site's settings",
      description:
        'Only what is given changes; `policy` takes any of the site policy settings, and the others keep their values.',
      body: siteChangesSchema,
      bodyExample: { moderation: 'all', policy: { profanity: 'reject', watchList: ['refund'] } },
      responses: {
        200: {
          description: 'The site after the change.',
          schema: siteSchema,
          example: { ...siteExample, moderation: 'all' },
        },
      },
      errors: [400, 401, 403, 404],
    },
    {
      method: 'get',
      path: '/v1/admin/tokens',
      tag: 'Admin',
      auth: 'admin',
      summary: 'List the tokens (never their secrets)',
      responses: {
        200: {
          description: 'The tokens.',
          schema: envelopes.tokenListSchema,
          example: { tokens: [tokenRecordExample] },
        },
      },
      errors: [401, 403],
    },
    {
      method: 'post',
      path: '/v1/admin/tokens',
      tag: 'Admin',
      auth: 'admin',
      summary: 'Create a token',
      description: 'The token itself is in this answer only; only a hash of its secret is stored.',
      body: newTokenSchema,
      bodyExample: { role: 'moderator', label: 'night shift' },
      responses: {
        201: {
          description: 'The token.',
          schema: envelopes.tokenCreatedSchema,
          example: { ...tokenRecordExample, token: 'tok_Ab3dEf6hIj9k.' + 'x'.repeat(43) },
        },
      },
      errors: [400, 401, 403],
    },
    {
      method: 'delete',
      path: '/v1/admin/tokens/:id',
      tag: 'Admin',
      auth: 'admin',
      summary: 'Revoke a token',
      responses: { 204: noContent('Revoked.') },
      errors: [401, 403, 404],
    },

    // Webhooks
    {
      method: 'get',
      path: '/v1/admin/sites/:siteKey/webhooks',
      tag: 'Webhooks',
      auth: 'admin',
      summary: "A site's webhook endpoints",
      responses: {
        200: {
          description: 'The endpoints (never their secrets).',
          schema: envelopes.endpointListSchema,
          example: { endpoints: [endpointExample] },
        },
      },
      errors: [401, 403, 404],
    },
    {
      method: 'post',
      path: '/v1/admin/sites/:siteKey/webhooks',
      tag: 'Webhooks',
      auth: 'admin',
      summary: 'Add a webhook endpoint',
      description:
        'The URL must be http(s); in production, private and loopback addresses are refused unless `PARLEY_WEBHOOK_ALLOWLIST` lists them.',
      body: newEndpointSchema,
      bodyExample: {
        url: 'https://blog.example/hooks/parley',
        events: ['comment.approved', 'comment.deleted'],
        description: 'rebuild the static site',
      },
      responses: {
        201: {
          description: 'The endpoint and its signing secret.',
          schema: envelopes.endpointCreatedSchema,
          example: { endpoint: endpointExample, secret: WEBHOOK_SECRET },
        },
      },
      errors: [400, 401, 403, 404],
    },
    {
      method: 'get',
      path: '/v1/admin/sites/:siteKey/webhooks/:id',
      tag: 'Webhooks',
      auth: 'admin',
      summary: 'One webhook endpoint',
      responses: { 200: { description: 'The endpoint.', schema: endpointSchema, example: endpointExample } },
      errors: [401, 403, 404],
    },
    {
      method: 'patch',
      path: '/v1/admin/sites/:siteKey/webhooks/:id',
      tag: 'Webhooks',
      auth: 'admin',
      summary: 'Change a webhook endpoint, or rotate its secret',
      description:
        'Enabling an endpoint clears why it was disabled. `rotateSecret` makes a new secret (in this answer only); the old one keeps signing for a grace period.',
      body: endpointChangesSchema,
      bodyExample: { enabled: true, rotateSecret: true },
      responses: {
        200: {
          description: 'The endpoint after the change.',
          schema: envelopes.endpointUpdatedSchema,
          example: { endpoint: endpointExample, secret: WEBHOOK_SECRET },
        },
      },
      errors: [400, 401, 403, 404],
    },
    {
      method: 'delete',
      path: '/v1/admin/sites/:siteKey/webhooks/:id',
      tag: 'Webhooks',
      auth: 'admin',
      summary: 'Remove a webhook endpoint',
      responses: { 204: noContent('Removed.') },
      errors: [401, 403, 404],
    },
    {
      method: 'get',
      path: '/v1/admin/sites/:siteKey/webhooks/:id/deliveries',
      tag: 'Webhooks',
      auth: 'admin',
      summary: "An endpoint's delivery attempts",
      description: 'Newest first; `before` pages back.',
      query: deliveriesQuerySchema,
      queryExample: { limit: '20' },
      responses: {
        200: {
          description: 'The attempts.',
          schema: envelopes.deliveryListSchema,
          example: { deliveries: [deliveryExample] },
        },
      },
      errors: [400, 401, 403, 404],
    },
    {
      method: 'post',
      path: '/v1/admin/sites/:siteKey/webhooks/:id/deliveries/:deliveryId/redeliver',
      tag: 'Webhooks',
      auth: 'admin',
      summary: 'Send a past event again',
      responses: {
        202: {
          description: 'Queued.',
          schema: envelopes.redeliveredSchema,
          example: { messageId: 'msg_3f6c2a9e' },
        },
      },
      errors: [401, 403, 404, 409],
    },
    {
      method: 'post',
      path: '/v1/admin/sites/:siteKey/webhooks/:id/test',
      tag: 'Webhooks',
      auth: 'admin',
      summary: 'Send a test event now',
      description: 'Delivered at once (not queued), and answered with the attempt.',
      responses: {
        200: {
          description: 'The attempt.',
          schema: envelopes.testDeliverySchema,
          example: { delivery: { ...deliveryExample, eventType: 'webhook.test' } },
        },
      },
      errors: [401, 403, 404],
    },

    // Browser pages
    {
      method: 'get',
      path: '/moderation',
      tag: 'Browser pages',
      summary: 'The moderator UI',
      responses: { 200: html('The page (it signs in with a token).') },
      errors: [503],
    },
    {
      method: 'get',
      path: '/moderation/app.js',
      tag: 'Browser pages',
      summary: "The moderator UI's script",
      responses: { 200: { description: 'The script.', contentType: 'text/javascript' } },
      errors: [503],
    },
    {
      method: 'get',
      path: '/moderation/app.css',
      tag: 'Browser pages',
      summary: "The moderator UI's styles",
      responses: { 200: { description: 'The stylesheet.', contentType: 'text/css' } },
      errors: [503],
    },
    {
      method: 'get',
      path: '/embed.js',
      tag: 'Browser pages',
      summary: 'The widget script',
      description: 'Cached for 5 minutes, then revalidated with its ETag.',
      responses: { 200: { description: 'The script.', contentType: 'text/javascript' } },
      errors: [503],
    },
    {
      method: 'get',
      path: '/embed.:hash.js',
      tag: 'Browser pages',
      summary: 'One build of the widget script, immutable',
      responses: { 200: { description: 'The script, cacheable for a year.', contentType: 'text/javascript' } },
      errors: [404, 503],
    },
    {
      method: 'get',
      path: '/demo',
      tag: 'Browser pages',
      summary: 'A sample article with the widget (`?site=KEY`)',
      responses: { 200: html('The page.') },
    },
  ];
}

const SECURITY_SCHEMES = {
  token: {
    type: 'http',
    scheme: 'bearer',
    description: 'A moderator or admin token, `tok_<id>.<secret>` (`parley tokens create`).',
  },
  authorToken: { type: 'http', scheme: 'bearer', description: 'The `authorToken` from the submission answer.' },
  dashboardCookie: {
    type: 'apiKey',
    in: 'cookie',
    name: 'parley_queues',
    description: 'Set by `POST /admin/queues/login`.',
  },
};

const SECURITY: Record<Auth, Record<string, string[]>[] | undefined> = {
  none: undefined,
  author: [{ authorToken: [] }],
  moderator: [{ token: [] }],
  admin: [{ token: [] }],
  dashboard: [{ token: [] }, { dashboardCookie: [] }],
};

/** Drops what only clutters a document: `$schema`, regular expressions that restate a `format`, the safe-integer bounds of `.int()`. */
function tidy(ctx: { jsonSchema: JsonSchema }): void {
  const schema = ctx.jsonSchema;
  if (schema.format && schema.pattern) delete schema.pattern;
  if (schema.minimum === Number.MIN_SAFE_INTEGER) delete schema.minimum;
  if (schema.maximum === Number.MAX_SAFE_INTEGER) delete schema.maximum;
}

function requestSchema(schema: z.ZodType): JsonSchema {
  const json = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
    override: tidy,
  }) as JsonSchema;
  delete json.$schema;
  return json;
}

/** The response schemas that carry an id, as `components.schemas`. */
function componentSchemas(): Record<string, JsonSchema> {
  const { schemas } = z.toJSONSchema(z.globalRegistry, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
    override: tidy,
    uri: (id) => `#/components/schemas/${id}`,
  }) as { schemas: Record<string, JsonSchema> };
  for (const schema of Object.values(schemas)) {
    delete schema.$schema;
    delete schema.$id;
  }
  return schemas;
}

/** A response schema: a reference when it has an id, inline otherwise. */
function responseSchema(schema: z.ZodType): JsonSchema {
  const id = z.globalRegistry.get(schema)?.id;
  if (typeof id === 'string') return { $ref: `#/components/schemas/${id}` };
  return requestSchema(schema);
}

function openApiPath(path: string): string {
  return path.replace(/:(\w+)/g, '{$1}');
}

function operationId(op: OperationSpec): string {
  const words = op.path
    .replace(/^\/v1\//, '/')
    .split(/[/.]/)
    .filter(Boolean)
    .map((part) => (part.startsWith(':') ? `by-${part.slice(1)}` : part));
  return [op.method, ...words].join('-').replace(/[^A-Za-z0-9]+(.)/g, (_m, c: string) => c.toUpperCase());
}

function toOperation(op: OperationSpec): JsonSchema {
  const parameters: JsonSchema[] = [];
  for (const [, name] of op.path.matchAll(/:(\w+)/g)) {
    const known = PATH_PARAMETERS[name] ?? { description: name, example: name };
    parameters.push({
      name,
      in: 'path',
      required: true,
      description: known.description,
      schema: { type: 'string' },
      example: known.example,
    });
  }
  if (op.query) {
    const json = requestSchema(op.query) as { properties?: Record<string, JsonSchema>; required?: string[] };
    for (const [name, schema] of Object.entries(json.properties ?? {})) {
      const parameter: JsonSchema = { name, in: 'query', required: json.required?.includes(name) ?? false, schema };
      if (op.queryExample?.[name] !== undefined) parameter.example = op.queryExample[name];
      parameters.push(parameter);
    }
  }

  const answers: Record<string, unknown> = {};
  for (const [status, spec] of Object.entries(op.responses)) {
    const answer: JsonSchema = { description: spec.description };
    if (spec.schema || spec.contentType) {
      const media: JsonSchema = {};
      if (spec.schema) media.schema = responseSchema(spec.schema);
      if (spec.example !== undefined) media.example = spec.example;
      answer.content = { [spec.contentType ?? 'application/json']: media };
    }
    if (spec.headers) {
      answer.headers = Object.fromEntries(
        Object.entries(spec.headers).map(([name, description]) => [name, { description, schema: { type: 'string' } }]),
      );
    }
    answers[status] = answer;
  }
  for (const status of op.errors ?? [])
    answers[status] = { $ref: `#/components/responses/${ERROR_RESPONSE_NAMES[status]}` };

  const operation: JsonSchema = {
    operationId: operationId(op),
    tags: [op.tag],
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    responses: answers,
  };
  const security = SECURITY[op.auth ?? 'none'];
  if (security) operation.security = security;
  if (op.body) {
    operation.requestBody = {
      required: !(op.method === 'delete'),
      content: {
        'application/json': {
          schema: requestSchema(op.body),
          ...(op.bodyExample !== undefined ? { example: op.bodyExample } : {}),
        },
      },
    };
  } else if (op.formBody) {
    operation.requestBody = {
      required: true,
      content: { 'application/x-www-form-urlencoded': { schema: op.formBody } },
    };
  }
  return operation;
}

let packageVersion: string | undefined;
/** The version in package.json (found upwards from here, from src/http and dist/src/http alike). */
function version(): string {
  if (packageVersion) return packageVersion;
  for (let dir = __dirname; path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file))
      return (packageVersion = String(
        (JSON.parse(fs.readFileSync(file, 'utf8')) as { version?: string }).version ?? '0.0.0',
      ));
  }
  return (packageVersion = '0.0.0');
}

/** The OpenAPI 3.1 document of the whole HTTP API. */
export function buildOpenApiDocument(options: { maxCommentLength: number }): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  const ops = operations(options);
  for (const op of ops) {
    const key = openApiPath(op.path);
    paths[key] ??= {};
    if (paths[key][op.method]) throw new Error(`two operations for ${op.method.toUpperCase()} ${op.path}`);
    paths[key][op.method] = toOperation(op);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Parley',
      version: version(),
      summary: 'Self-hosted comments with a moderation pipeline.',
      description:
        'Every error is JSON, `{"error": {"code", "message", "details"?}}`, with the status that fits; bad input never gets a 500. ' +
        'Operations, deployment and configuration: see the README.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: '/', description: 'This server' }],
    tags: TAGS,
    paths,
    components: {
      schemas: componentSchemas(),
      responses: Object.fromEntries(
        [...new Set(ops.flatMap((op) => op.errors ?? []))]
          .sort()
          .map((status) => [ERROR_RESPONSE_NAMES[status], errorResponse(status)]),
      ),
      securitySchemes: SECURITY_SCHEMES,
    },
  };
}
