import { z } from 'zod';
import { ROLES } from '../auth/token-service';
import { ERROR_CODES } from '../errors';
import { COMMENT_STATUSES } from '../comments/status';
import { VERDICTS } from '../moderation/finding';
import { sitePolicySchema } from '../sites/policy-schema';
import { MODERATION_POLICIES } from '../sites/site-repository';

/**
 * What the API answers, as zod schemas: the OpenAPI document's response schemas
 * (src/http/openapi.ts), and what the tests check real answers against, so the
 * documentation cannot drift from the code. Request schemas live with their routes.
 */

const isoDate = z.iso.datetime({ offset: true });
const status = z.enum(COMMENT_STATUSES);

/** `{error: {code, message, details?}}`: every error the API answers. */
export const errorResponse = z
  .object({
    error: z.object({
      code: z.enum(ERROR_CODES).describe('A stable, machine-readable code: see each status for its codes.'),
      message: z.string().describe('A sentence for people.'),
      details: z
        .array(z.object({ path: z.string(), message: z.string() }))
        .optional()
        .describe('On `400 validation_failed`: one entry per invalid field.'),
    }),
  })
  .meta({ id: 'Error' });

export const publicComment = z
  .object({
    id: z.uuid(),
    parentId: z.uuid().nullable(),
    pageId: z.string(),
    name: z.string(),
    website: z.string().nullable(),
    avatar: z
      .string()
      .describe('A keyed hash of the email: the same author gets the same avatar, and it cannot be reversed.'),
    html: z.string().describe('Rendered and sanitized Markdown.'),
    createdAt: isoDate,
    deleted: z
      .literal(true)
      .optional()
      .describe('Only on the tombstone of a deleted comment that has published replies.'),
  })
  .meta({ id: 'PublicComment' });

export const submitResponse = z
  .object({
    comment: publicComment.extend({ status }),
    authorToken: z.string().describe('Lets the author follow this comment: `GET /v1/comments/{id}/status`.'),
  })
  .meta({ id: 'SubmitResult' });

export const threadResponse = z
  .object({ comments: z.array(publicComment), total: z.number().int(), nextCursor: z.string().nullable() })
  .meta({ id: 'Thread' });

export const authorStatusResponse = z.object({ id: z.uuid(), status }).meta({ id: 'AuthorStatus' });

export const formTokenResponse = z.object({ formToken: z.string() }).meta({ id: 'FormToken' });

export const finding = z
  .object({ check: z.string(), verdict: z.enum(VERDICTS), reason: z.string(), score: z.number().optional() })
  .meta({ id: 'Finding' });

export const moderatorComment = z
  .object({
    id: z.uuid(),
    siteKey: z.string(),
    pageId: z.string(),
    pageUrl: z.string().nullable(),
    pageTitle: z.string().nullable(),
    parentId: z.uuid().nullable(),
    status,
    text: z.string(),
    originalText: z.string().nullable(),
    html: z.string(),
    author: z.object({
      name: z.string(),
      email: z.string(),
      website: z.string().nullable(),
      ip: z.string().nullable(),
      userAgent: z.string().nullable(),
      avatar: z.string(),
    }),
    findings: z.array(finding),
    createdAt: isoDate,
    decidedAt: isoDate.nullable(),
    editedAt: isoDate.nullable(),
    version: z.number().int(),
  })
  .meta({ id: 'ModeratorComment' });

export const statusCounts = z.record(status, z.number().int()).meta({ id: 'StatusCounts' });

export const moderationListResponse = z
  .object({ comments: z.array(moderatorComment), counts: statusCounts, nextCursor: z.string().nullable() })
  .meta({ id: 'ModerationQueue' });

export const moderationDetailResponse = z
  .object({
    comment: moderatorComment,
    parent: moderatorComment.nullable(),
    history: z.object({ counts: statusCounts.nullable(), recent: z.array(moderatorComment) }),
  })
  .meta({ id: 'ModerationDetail' });

export const actionResponse = z
  .object({ comment: moderatorComment, previousStatus: status })
  .meta({ id: 'ActionResult' });

export const bulkResponse = z
  .object({
    results: z.array(
      z.union([
        z.object({ id: z.string(), ok: z.literal(true), status, previousStatus: status }),
        z.object({
          id: z.string(),
          ok: z.literal(false),
          error: z.object({ code: z.enum(ERROR_CODES), message: z.string() }),
        }),
      ]),
    ),
  })
  .meta({ id: 'BulkResult' });

export const ban = z
  .object({
    id: z.uuid(),
    siteKey: z.string().nullable(),
    kind: z.enum(['email', 'domain', 'ip']),
    value: z.string(),
    reason: z.string().nullable(),
    expiresAt: isoDate.nullable(),
    createdBy: z.string(),
    createdAt: isoDate,
  })
  .meta({ id: 'Ban' });

export const banListResponse = z.object({ bans: z.array(ban) }).meta({ id: 'BanList' });
export const banCreatedResponse = z
  .object({ ban, rejected: z.array(z.uuid()).describe('Comments rejected because of `rejectPending`.') })
  .meta({ id: 'BanCreated' });

export const statsResponse = z
  .object({
    site: z.string().nullable().describe('The site counted, or null for every site the token sees.'),
    days: z.number().int(),
    since: isoDate,
    comments: z.number().int().describe('Decided comments accepted in the period.'),
    statuses: z.record(z.enum(COMMENT_STATUSES), z.number().int()).describe('Their statuses now.'),
    checks: z.array(
      z.object({
        check: z.string(),
        verdict: z.string(),
        count: z.number().int(),
        overturned: z
          .number()
          .int()
          .describe(
            'Of these, how many a moderator decided otherwise (approved what it held or condemned, or condemned what it approved).',
          ),
      }),
    ),
  })
  .meta({ id: 'ModerationStats' });

export const auditResponse = z
  .object({
    entries: z.array(
      z.object({
        id: z.uuid(),
        at: isoDate,
        actor: z.object({ id: z.string(), label: z.string().nullable() }),
        action: z.string(),
        siteKey: z.string().nullable(),
        commentId: z.string().nullable(),
        beforeStatus: z.string().nullable(),
        afterStatus: z.string().nullable(),
        note: z.string().nullable(),
        details: z.record(z.string(), z.unknown()),
      }),
    ),
    nextCursor: z.string().nullable(),
  })
  .meta({ id: 'AuditLog' });

export const principal = z
  .object({ id: z.string(), role: z.enum(ROLES), siteKey: z.string().nullable(), label: z.string().nullable() })
  .meta({ id: 'Principal' });

export const moderatorSitesResponse = z
  .object({ sites: z.array(z.object({ key: z.string(), name: z.string() })) })
  .meta({ id: 'ModeratorSites' });

export const site = z
  .object({
    key: z.string(),
    name: z.string(),
    origins: z.array(z.string()),
    moderation: z.enum(MODERATION_POLICIES as ['none', 'first-time', 'all']),
    linkLimit: z.number().int(),
    policy: sitePolicySchema,
    createdAt: isoDate,
  })
  .meta({ id: 'Site' });

export const siteListResponse = z.object({ sites: z.array(site) }).meta({ id: 'SiteList' });

export const tokenRecord = principal
  .extend({ createdAt: isoDate, revokedAt: isoDate.nullable() })
  .meta({ id: 'TokenRecord' });
export const tokenListResponse = z.object({ tokens: z.array(tokenRecord) }).meta({ id: 'TokenList' });
export const tokenCreatedResponse = tokenRecord
  .extend({ token: z.string().describe('The token itself: shown in this answer only.') })
  .meta({ id: 'TokenCreated' });

export const healthResponse = z.object({ status: z.literal('ok') }).meta({ id: 'Health' });
export const readinessResponse = z
  .object({
    status: z.enum(['ok', 'unavailable']),
    checks: z.record(z.string(), z.enum(['ok', 'down'])).describe('Each dependency: `database`, `redis`.'),
  })
  .meta({ id: 'Readiness' });

export const webhookEndpoint = z
  .object({
    id: z.uuid(),
    siteKey: z.string(),
    url: z.string(),
    description: z.string().nullable(),
    events: z.array(z.string()).describe('Event types, or `*` for all.'),
    enabled: z.boolean(),
    disabledReason: z.string().nullable().describe('Why Parley disabled it (deliveries kept failing), if it did.'),
    failingSince: isoDate.nullable(),
    secretRotatedUntil: isoDate.nullable().describe('Until then, the previous secret signs too.'),
    createdAt: isoDate,
  })
  .meta({ id: 'WebhookEndpoint' });

export const webhookEndpointListResponse = z
  .object({ endpoints: z.array(webhookEndpoint) })
  .meta({ id: 'WebhookEndpointList' });
export const webhookEndpointCreatedResponse = z
  .object({
    endpoint: webhookEndpoint,
    secret: z.string().describe('The signing secret (`whsec_...`): shown in this answer only.'),
  })
  .meta({ id: 'WebhookEndpointCreated' });
export const webhookEndpointUpdatedResponse = z
  .object({
    endpoint: webhookEndpoint,
    secret: z.string().optional().describe('The new secret, after `rotateSecret`: shown in this answer only.'),
  })
  .meta({ id: 'WebhookEndpointUpdated' });

export const webhookDelivery = z
  .object({
    id: z.string(),
    eventId: z.string(),
    eventType: z.string(),
    attempt: z.number().int(),
    succeeded: z.boolean(),
    statusCode: z.number().int().nullable(),
    latencyMs: z.number(),
    responseBody: z.string().nullable().describe("The start of the receiver's answer."),
    error: z.string().nullable(),
    createdAt: isoDate,
  })
  .meta({ id: 'WebhookDelivery' });

export const webhookDeliveryListResponse = z
  .object({ deliveries: z.array(webhookDelivery) })
  .meta({ id: 'WebhookDeliveryList' });
export const webhookRedeliveredResponse = z.object({ messageId: z.string() }).meta({ id: 'WebhookRedelivered' });
export const webhookTestResponse = z.object({ delivery: webhookDelivery }).meta({ id: 'WebhookTest' });
