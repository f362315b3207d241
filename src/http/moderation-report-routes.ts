import { z } from 'zod';
import type { ModerationService } from '../moderation/moderation-service';
import { moderationStatsSchema } from '../moderation/moderation-stats';
import { principalOf } from './auth';
import { auditLogSchema } from './envelopes';
import { COMMENT_ID, SITE_KEY, TOKEN_ID } from './examples';
import { pageQuery } from './paging';
import { json, type Route, route } from './route';

const statsQuery = z.object({
  site: z.string().max(100).optional(),
  days: z.coerce.number().int().min(1).max(365).default(30),
});
const auditQuery = z.object({ commentId: z.uuid().optional(), site: z.string().max(100).optional(), ...pageQuery });

/** What moderation did: how each check fared, and who did what. Routes of the moderation API, behind its token check. */
export function moderationReportRoutes(moderation: ModerationService): Route[] {
  return [
    route({
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
        200: json(moderationStatsSchema, {
          description: 'The counts.',
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
        }),
      },
      errors: [400, 401, 403],
      handler: ({ res, query }) => {
        res.set('Cache-Control', 'private, no-store');
        return moderation.stats(principalOf(res), { siteKey: query.site, days: query.days });
      },
    }),

    route({
      method: 'get',
      path: '/v1/moderation/audit',
      tag: 'Moderation',
      auth: 'moderator',
      summary: 'The audit log',
      description: 'Who did what, when, with the status before and after; newest first.',
      query: auditQuery,
      queryExample: { commentId: COMMENT_ID },
      responses: {
        200: json(auditLogSchema, {
          description: 'A page of the log.',
          example: {
            entries: [
              {
                id: 'c4d5e6f7-a8b9-4c0d-9e1f-2a3b4c5d6e7f',
                at: '2025-11-28T09:20:00.000Z',
                actor: { id: TOKEN_ID, label: 'night shift' },
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
        }),
      },
      errors: [400, 401, 403],
      handler: ({ res, query }) =>
        moderation.auditLog(principalOf(res), {
          siteKey: query.site,
          commentId: query.commentId,
          cursor: query.cursor,
          limit: query.limit,
        }),
    }),
  ];
}
