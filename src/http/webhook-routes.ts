import express, { Router } from 'express';
import { z } from 'zod';
import type { TokenService } from '../auth/token-service';
import { ApiError } from '../errors';
import type { SiteRepository } from '../sites/site-repository';
import { endpointChangesSchema, newEndpointSchema, type WebhookService } from '../webhooks/webhook-service';
import { principalOf, requireRole } from './auth';
import { parseOrThrow } from './validate';

export interface WebhookRoutesOptions {
  tokens: TokenService;
  sites: SiteRepository;
  webhooks: WebhookService;
  bodyLimit: number;
}

export const deliveriesQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  before: z.iso.datetime({ offset: true }).optional(),
});

/** A site's webhook endpoints and their deliveries: admin tokens only. */
export function webhookRoutes(options: WebhookRoutesOptions): Router {
  const { webhooks } = options;
  const router = Router();
  const base = '/v1/admin/sites/:siteKey/webhooks';
  router.use(
    base,
    requireRole(options.tokens, 'admin'),
    express.json({ limit: options.bodyLimit }),
    async (req, _res, next) => {
      if (!(await options.sites.find(String(req.params.siteKey)))) throw ApiError.notFound('Site');
      next();
    },
  );
  const site = (req: express.Request) => String(req.params.siteKey);
  const id = (req: express.Request) => String(req.params.id);

  router.get(base, async (req, res) => {
    res.json({ endpoints: await webhooks.list(principalOf(res), site(req)) });
  });
  router.post(base, async (req, res) => {
    res.status(201).json(await webhooks.create(principalOf(res), site(req), parseOrThrow(newEndpointSchema, req.body)));
  });
  router.get(`${base}/:id`, async (req, res) => {
    res.json(await webhooks.get(principalOf(res), site(req), id(req)));
  });
  router.patch(`${base}/:id`, async (req, res) => {
    res.json(
      await webhooks.update(principalOf(res), site(req), id(req), parseOrThrow(endpointChangesSchema, req.body)),
    );
  });
  router.delete(`${base}/:id`, async (req, res) => {
    await webhooks.remove(principalOf(res), site(req), id(req));
    res.status(204).end();
  });
  router.get(`${base}/:id/deliveries`, async (req, res) => {
    const query = parseOrThrow(deliveriesQuerySchema, req.query);
    const deliveries = await webhooks.deliveries(principalOf(res), site(req), id(req), {
      limit: query.limit,
      before: query.before ? Date.parse(query.before) : undefined,
    });
    res.json({ deliveries });
  });
  router.post(`${base}/:id/deliveries/:deliveryId/redeliver`, async (req, res) => {
    res.status(202).json(await webhooks.redeliver(principalOf(res), site(req), id(req), String(req.params.deliveryId)));
  });
  router.post(`${base}/:id/test`, async (req, res) => {
    res.json({ delivery: await webhooks.sendTest(principalOf(res), site(req), id(req)) });
  });
  return router;
}
