import { z } from 'zod';
import { tokenRecordSchema } from '../auth/token-service';
import { publicCommentSchema } from '../comments/public-comment';
import { commentStatusSchema, statusCountsSchema } from '../comments/status';
import { ERROR_CODES } from '../errors';
import { auditEntrySchema } from '../moderation/audit-log';
import { banSchema } from '../moderation/ban-repository';
import { bulkResultSchema } from '../moderation/moderator-actions';
import { moderatorViewSchema } from '../moderation/moderator-view';
import { notificationSchema } from '../mail/notification-service';
import { siteSchema, siteSummarySchema } from '../sites/site-repository';
import { deliverySchema, endpointSchema } from '../webhooks/webhook-store';

/**
 * What the API answers around the domain's own shapes (which their modules declare):
 * lists with their cursors, pairs such as `{comment, previousStatus}`, the error body.
 * The routes declare their answers with these, the OpenAPI document describes them, and
 * the tests check real answers against them. Browser code type-imports the types.
 */

const nextCursor = z.string().nullable();

/** `{error: {code, message, details?}}`: every error the API answers. */
export const errorBodySchema = z
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
export type ErrorBody = z.infer<typeof errorBodySchema>;

export const submitResultSchema = z
  .object({
    comment: publicCommentSchema.extend({ status: commentStatusSchema }),
    authorToken: z.string().describe('Lets the author follow this comment: `GET /v1/comments/{id}/status`.'),
  })
  .meta({ id: 'SubmitResult' });
export type SubmitResult = z.infer<typeof submitResultSchema>;

export const threadSchema = z
  .object({ comments: z.array(publicCommentSchema), total: z.number().int(), nextCursor })
  .meta({ id: 'Thread' });
export type Thread = z.infer<typeof threadSchema>;

export const authorStatusSchema = z.object({ id: z.uuid(), status: commentStatusSchema }).meta({ id: 'AuthorStatus' });
export type AuthorStatus = z.infer<typeof authorStatusSchema>;

export const formTokenSchema = z.object({ formToken: z.string() }).meta({ id: 'FormToken' });
export type FormToken = z.infer<typeof formTokenSchema>;

export const moderationQueueSchema = z
  .object({ comments: z.array(moderatorViewSchema), counts: statusCountsSchema, nextCursor })
  .meta({ id: 'ModerationQueue' });
export type ModerationQueue = z.infer<typeof moderationQueueSchema>;

export const moderationDetailSchema = z
  .object({
    comment: moderatorViewSchema,
    parent: moderatorViewSchema.nullable(),
    history: z.object({
      counts: statusCountsSchema.nullable().describe('Null for a deleted comment: its author is erased.'),
      recent: z.array(moderatorViewSchema),
    }),
  })
  .meta({ id: 'ModerationDetail' });
export type ModerationDetail = z.infer<typeof moderationDetailSchema>;

export const actionResultSchema = z
  .object({ comment: moderatorViewSchema, previousStatus: commentStatusSchema })
  .meta({ id: 'ActionResult' });
export type ActionResult = z.infer<typeof actionResultSchema>;

export const bulkResultsSchema = z.object({ results: z.array(bulkResultSchema) }).meta({ id: 'BulkResult' });
export type BulkResults = z.infer<typeof bulkResultsSchema>;

export const banListSchema = z.object({ bans: z.array(banSchema) }).meta({ id: 'BanList' });
export const banCreatedSchema = z
  .object({ ban: banSchema, rejected: z.array(z.uuid()).describe('Comments rejected because of `rejectPending`.') })
  .meta({ id: 'BanCreated' });

export const notificationCreatedSchema = z
  .object({ subscription: notificationSchema })
  .meta({ id: 'NotificationCreated' });
export const notificationListSchema = z
  .object({ subscriptions: z.array(notificationSchema) })
  .meta({ id: 'NotificationList' });

export const auditLogSchema = z.object({ entries: z.array(auditEntrySchema), nextCursor }).meta({ id: 'AuditLog' });

export const moderatorSitesSchema = z.object({ sites: z.array(siteSummarySchema) }).meta({ id: 'ModeratorSites' });
export type ModeratorSites = z.infer<typeof moderatorSitesSchema>;

export const siteListSchema = z.object({ sites: z.array(siteSchema) }).meta({ id: 'SiteList' });

export const tokenListSchema = z.object({ tokens: z.array(tokenRecordSchema) }).meta({ id: 'TokenList' });
export const tokenCreatedSchema = tokenRecordSchema
  .extend({ token: z.string().describe('The token itself: shown in this answer only.') })
  .meta({ id: 'TokenCreated' });

export const healthSchema = z.object({ status: z.literal('ok') }).meta({ id: 'Health' });
export const readinessSchema = z
  .object({
    status: z.enum(['ok', 'unavailable']),
    checks: z.record(z.string(), z.enum(['ok', 'down'])).describe('Each dependency: `database`, `redis`.'),
  })
  .meta({ id: 'Readiness' });

export const endpointListSchema = z.object({ endpoints: z.array(endpointSchema) }).meta({ id: 'WebhookEndpointList' });
export const endpointCreatedSchema = z
  .object({
    endpoint: endpointSchema,
    secret: z.string().describe('The signing secret (`whsec_...`): shown in this answer only.'),
  })
  .meta({ id: 'WebhookEndpointCreated' });
export const endpointUpdatedSchema = z
  .object({
    endpoint: endpointSchema,
    secret: z.string().optional().describe('The new secret, after `rotateSecret`: shown in this answer only.'),
  })
  .meta({ id: 'WebhookEndpointUpdated' });

export const deliveryListSchema = z.object({ deliveries: z.array(deliverySchema) }).meta({ id: 'WebhookDeliveryList' });
export const redeliveredSchema = z.object({ messageId: z.string() }).meta({ id: 'WebhookRedelivered' });
export const testDeliverySchema = z.object({ delivery: deliverySchema }).meta({ id: 'WebhookTest' });
