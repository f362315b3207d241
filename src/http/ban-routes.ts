import { newBanSchema } from '../moderation/ban-request';
import type { Ban } from '../moderation/ban-repository';
import type { ModerationService } from '../moderation/moderation-service';
import { principalOf } from './auth';
import { banCreatedSchema, banListSchema } from './envelopes';
import { COMMENT_ID, TOKEN_ID } from './examples';
import { json, noContent, type Route, route } from './route';

const banExample: Ban = {
  id: '9b2e7c1d-4f3a-4e8b-a6d5-0c1f2e3d4b5a',
  siteKey: null,
  kind: 'domain',
  value: 'spam.example',
  reason: 'link farm',
  expiresAt: null,
  createdBy: TOKEN_ID,
  createdAt: '2025-11-20T10:00:00.000Z',
};

/** Bans of authors, by email, domain or IP range: routes of the moderation API, behind its token check. */
export function banRoutes(moderation: ModerationService): Route[] {
  return [
    route({
      method: 'get',
      path: '/v1/moderation/bans',
      tag: 'Moderation',
      auth: 'moderator',
      summary: 'Active bans',
      responses: { 200: json(banListSchema, { description: 'The bans.', example: { bans: [banExample] } }) },
      errors: [401],
      handler: async ({ res }) => ({ bans: await moderation.listBans(principalOf(res)) }),
    }),

    route({
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
        201: json(banCreatedSchema, {
          description: 'The ban, and the comments it rejected.',
          example: { ban: banExample, rejected: [COMMENT_ID] },
        }),
      },
      errors: [400, 401, 403],
      handler: ({ res, body }) => moderation.createBan(principalOf(res), body),
    }),

    route({
      method: 'delete',
      path: '/v1/moderation/bans/:id',
      tag: 'Moderation',
      auth: 'moderator',
      summary: 'Lift a ban',
      ids: { id: 'Ban' },
      responses: { 204: noContent('Lifted.') },
      errors: [401, 403, 404],
      handler: async ({ res, params }) => {
        await moderation.deleteBan(principalOf(res), params.id);
        res.status(204).end();
      },
    }),
  ];
}
