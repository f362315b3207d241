import { newTokenSchema, type TokenRecord, type TokenService } from '../auth/token-service';
import { ApiError } from '../errors';
import {
  type PrivacyService,
  privacyErasureSchema,
  privacyEraseRequestSchema,
  privacyExportRequestSchema,
  privacyExportSchema,
} from '../privacy/privacy-service';
import { newSiteSchema, type Site, siteChangesSchema, type SiteRepository, siteSchema } from '../sites/site-repository';
import { principalOf, requireRole } from './auth';
import { siteListSchema, tokenCreatedSchema, tokenListSchema } from './envelopes';
import { SITE_KEY, TOKEN, TOKEN_ID } from './examples';
import { json, noContent, type Route, route } from './route';
import { type Mount, mount } from './route-registry';
import { jsonBody } from './json-body';

export interface AdminRoutesOptions {
  tokens: TokenService;
  sites: SiteRepository;
  privacy: PrivacyService;
  bodyLimit: number;
}

const siteExample: Site = {
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
    contempt: 'abuse',
    spamThreshold: 0.6,
    spamHoldThreshold: 0.1,
    language: 'en',
  },
  createdAt: '2025-11-01T12:00:00.000Z',
};

const tokenRecordExample: TokenRecord = {
  id: TOKEN_ID,
  role: 'moderator',
  siteKey: null,
  label: 'night shift',
  createdAt: '2025-11-02T08:00:00.000Z',
  revokedAt: null,
};

/** Sites, tokens and personal data requests: admin tokens only. */
export function adminRoutes(options: AdminRoutesOptions): (Route | Mount)[] {
  return [
    mount('/v1/admin', requireRole(options.tokens, 'admin'), jsonBody({ limit: options.bodyLimit })),

    route({
      method: 'get',
      path: '/v1/admin/sites',
      tag: 'Admin',
      auth: 'admin',
      summary: 'List the sites',
      responses: { 200: json(siteListSchema, { description: 'The sites.', example: { sites: [siteExample] } }) },
      errors: [401, 403],
      handler: async () => ({ sites: await options.sites.list() }),
    }),

    route({
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
      responses: { 201: json(siteSchema, { description: 'The site, with its key.', example: siteExample }) },
      errors: [400, 401, 403],
      handler: ({ body }) => options.sites.create(body),
    }),

    route({
      method: 'get',
      path: '/v1/admin/sites/:key',
      tag: 'Admin',
      auth: 'admin',
      summary: 'One site',
      responses: { 200: json(siteSchema, { description: 'The site.', example: siteExample }) },
      errors: [401, 403, 404],
      handler: async ({ params }) => {
        const site = await options.sites.find(params.key);
        if (!site) throw ApiError.notFound('Site');
        return site;
      },
    }),

    route({
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
        200: json(siteSchema, {
          description: 'The site after the change.',
          example: { ...siteExample, moderation: 'all' },
        }),
      },
      errors: [400, 401, 403, 404],
      handler: async ({ params, body }) => {
        const site = await options.sites.update(params.key, body);
        if (!site) throw ApiError.notFound('Site');
        return site;
      },
    }),

    route({
      method: 'get',
      path: '/v1/admin/tokens',
      tag: 'Admin',
      auth: 'admin',
      summary: 'List the tokens (never their secrets)',
      responses: {
        200: json(tokenListSchema, { description: 'The tokens.', example: { tokens: [tokenRecordExample] } }),
      },
      errors: [401, 403],
      handler: async () => ({ tokens: await options.tokens.list() }),
    }),

    route({
      method: 'post',
      path: '/v1/admin/tokens',
      tag: 'Admin',
      auth: 'admin',
      summary: 'Create a token',
      description: 'The token itself is in this answer only; only a hash of its secret is stored.',
      body: newTokenSchema,
      bodyExample: { role: 'moderator', label: 'night shift' },
      responses: {
        201: json(tokenCreatedSchema, { description: 'The token.', example: { ...tokenRecordExample, token: TOKEN } }),
      },
      errors: [400, 401, 403],
      handler: async ({ body }) => {
        if (body.siteKey && !(await options.sites.find(body.siteKey))) {
          throw ApiError.validation([{ path: 'siteKey', message: 'no such site' }]);
        }
        const { token, record } = await options.tokens.create(body);
        return { ...record, token };
      },
    }),

    route({
      method: 'delete',
      path: '/v1/admin/tokens/:id',
      tag: 'Admin',
      auth: 'admin',
      summary: 'Revoke a token',
      responses: { 204: noContent('Revoked.') },
      errors: [401, 403, 404],
      handler: async ({ res, params }) => {
        if (!(await options.tokens.revoke(params.id))) throw ApiError.notFound('Token');
        res.status(204).end();
      },
    }),

    route({
      method: 'post',
      path: '/v1/admin/privacy/export',
      tag: 'Admin',
      auth: 'admin',
      summary: 'Everything stored about an email address',
      description:
        'Gathers what every part of Parley stores about the address, on every site: its comments (with their IPs), bans of it or its IPs, and mail subscriptions and deliveries where mail is set up. Recorded in the audit log by its counts.',
      body: privacyExportRequestSchema,
      bodyExample: { email: 'reader@example.com' },
      responses: {
        200: json(privacyExportSchema, {
          description: 'The records, by kind.',
          example: {
            email: 'reader@example.com',
            exportedAt: '2025-11-03T10:00:00.000Z',
            data: { bans: [], comments: [{ id: '9b1f3c1e-0000-4000-8000-000000000001', text: 'Nice post!' }] },
          },
        }),
      },
      errors: [400, 401, 403],
      handler: ({ res, body }) => options.privacy.export(principalOf(res), body.email),
    }),

    route({
      method: 'post',
      path: '/v1/admin/privacy/erase',
      tag: 'Admin',
      auth: 'admin',
      summary: 'Erase everything stored about an email address',
      description:
        'Tombstones (or, with `comments: "delete"`, deletes) the comments of the address on every site, sending `comment.deleted` for each; deletes bans of the address and its IPs; replaces every remaining mention of the address or its IPs in the audit log and stored webhook payloads. Recorded in the audit log by its counts, without the address.',
      body: privacyEraseRequestSchema,
      bodyExample: { email: 'reader@example.com', comments: 'tombstone' },
      responses: {
        200: json(privacyErasureSchema, {
          description: 'What was erased, by kind.',
          example: { comments: 'tombstone', erased: { bans: 0, comments: 3 } },
        }),
      },
      errors: [400, 401, 403],
      handler: ({ res, body }) => options.privacy.erase(principalOf(res), body),
    }),
  ];
}
