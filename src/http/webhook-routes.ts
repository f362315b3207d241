import { z } from 'zod';
import type { TokenService } from '../auth/token-service';
import { ApiError } from '../errors';
import type { SiteRepository } from '../sites/site-repository';
import { endpointChangesSchema, newEndpointSchema, type WebhookService } from '../webhooks/webhook-service';
import { type Delivery, type Endpoint, endpointSchema } from '../webhooks/webhook-store';
import { principalOf, requireRole } from './auth';
import {
  deliveryListSchema,
  endpointCreatedSchema,
  endpointListSchema,
  endpointUpdatedSchema,
  redeliveredSchema,
  testDeliverySchema,
} from './envelopes';
import { DECIDED, SITE_KEY } from './examples';
import { json, noContent, type Route, route } from './route';
import { type Mount, mount } from './route-registry';
import { jsonBody } from './json-body';

export interface WebhookRoutesOptions {
  tokens: TokenService;
  sites: SiteRepository;
  webhooks: WebhookService;
  bodyLimit: number;
}

const deliveriesQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  before: z.iso.datetime({ offset: true }).optional(),
});

const endpointExample: Endpoint = {
  id: 'e0d1c2b3-a4f5-4e6d-8c7b-6a5f4e3d2c1b',
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
const deliveryExample: Delivery = {
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
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwaGVsbG8gd29ybGQ=';

const BASE = '/v1/admin/sites/:siteKey/webhooks';

/** A site's webhook endpoints and their deliveries: admin tokens only. */
export function webhookRoutes(options: WebhookRoutesOptions): (Route | Mount)[] {
  const { webhooks } = options;
  const common = { tag: 'Webhooks', auth: 'admin' } as const;
  return [
    mount(
      BASE,
      requireRole(options.tokens, 'admin'),
      jsonBody({ limit: options.bodyLimit }),
      async (req, _res, next) => {
        if (!(await options.sites.find(String(req.params.siteKey)))) throw ApiError.notFound('Site');
        next();
      },
    ),

    route({
      ...common,
      method: 'get',
      path: BASE,
      summary: "A site's webhook endpoints",
      responses: {
        200: json(endpointListSchema, {
          description: 'The endpoints (never their secrets).',
          example: { endpoints: [endpointExample] },
        }),
      },
      errors: [401, 403, 404],
      handler: async ({ res, params }) => ({ endpoints: await webhooks.list(principalOf(res), params.siteKey) }),
    }),

    route({
      ...common,
      method: 'post',
      path: BASE,
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
        201: json(endpointCreatedSchema, {
          description: 'The endpoint and its signing secret.',
          example: { endpoint: endpointExample, secret: SECRET },
        }),
      },
      errors: [400, 401, 403, 404],
      handler: ({ res, params, body }) => webhooks.create(principalOf(res), params.siteKey, body),
    }),

    route({
      ...common,
      method: 'get',
      path: `${BASE}/:id`,
      summary: 'One webhook endpoint',
      responses: { 200: json(endpointSchema, { description: 'The endpoint.', example: endpointExample }) },
      errors: [401, 403, 404],
      handler: ({ res, params }) => webhooks.get(principalOf(res), params.siteKey, params.id),
    }),

    route({
      ...common,
      method: 'patch',
      path: `${BASE}/:id`,
      summary: 'Change a webhook endpoint, or rotate its secret',
      description:
        'Enabling an endpoint clears why it was disabled. `rotateSecret` makes a new secret (in this answer only); the old one keeps signing for a grace period.',
      body: endpointChangesSchema,
      bodyExample: { enabled: true, rotateSecret: true },
      responses: {
        200: json(endpointUpdatedSchema, {
          description: 'The endpoint after the change.',
          example: { endpoint: endpointExample, secret: SECRET },
        }),
      },
      errors: [400, 401, 403, 404],
      handler: ({ res, params, body }) => webhooks.update(principalOf(res), params.siteKey, params.id, body),
    }),

    route({
      ...common,
      method: 'delete',
      path: `${BASE}/:id`,
      summary: 'Remove a webhook endpoint',
      responses: { 204: noContent('Removed.') },
      errors: [401, 403, 404],
      handler: async ({ res, params }) => {
        await webhooks.remove(principalOf(res), params.siteKey, params.id);
        res.status(204).end();
      },
    }),

    route({
      ...common,
      method: 'get',
      path: `${BASE}/:id/deliveries`,
      summary: "An endpoint's delivery attempts",
      description: 'Newest first; `before` pages back.',
      query: deliveriesQuery,
      queryExample: { limit: '20' },
      responses: {
        200: json(deliveryListSchema, { description: 'The attempts.', example: { deliveries: [deliveryExample] } }),
      },
      errors: [400, 401, 403, 404],
      handler: async ({ res, params, query }) => {
        const deliveries = await webhooks.deliveries(principalOf(res), params.siteKey, params.id, {
          limit: query.limit,
          before: query.before ? Date.parse(query.before) : undefined,
        });
        return { deliveries };
      },
    }),

    route({
      ...common,
      method: 'post',
      path: `${BASE}/:id/deliveries/:deliveryId/redeliver`,
      summary: 'Send a past event again',
      responses: {
        202: json(redeliveredSchema, { description: 'Queued.', example: { messageId: 'msg_3f6c2a9e' } }),
      },
      errors: [401, 403, 404, 409],
      handler: ({ res, params }) => webhooks.redeliver(principalOf(res), params.siteKey, params.id, params.deliveryId),
    }),

    route({
      ...common,
      method: 'post',
      path: `${BASE}/:id/test`,
      summary: 'Send a test event now',
      description: 'Delivered at once (not queued), and answered with the attempt.',
      responses: {
        200: json(testDeliverySchema, {
          description: 'The attempt.',
          example: { delivery: { ...deliveryExample, eventType: 'webhook.test' } },
        }),
      },
      errors: [401, 403, 404],
      handler: async ({ res, params }) => ({
        delivery: await webhooks.sendTest(principalOf(res), params.siteKey, params.id),
      }),
    }),
  ];
}
