import express, { Router } from 'express';
import { newTokenSchema, type TokenService } from '../auth/token-service';
import { ApiError } from '../errors';
import { newSiteSchema, siteChangesSchema, type SiteRepository } from '../sites/site-repository';
import { requireRole } from './auth';
import { parseOrThrow } from './validate';

export interface AdminRoutesOptions {
  tokens: TokenService;
  sites: SiteRepository;
  bodyLimit: number;
}

/** Sites and tokens: admin tokens only. */
export function adminRoutes(options: AdminRoutesOptions): Router {
  const router = Router();
  router.use('/v1/admin', requireRole(options.tokens, 'admin'), express.json({ limit: options.bodyLimit }));

  router.get('/v1/admin/sites', async (_req, res) => {
    res.json({ sites: await options.sites.list() });
  });

  router.post('/v1/admin/sites', async (req, res) => {
    res.status(201).json(await options.sites.create(parseOrThrow(newSiteSchema, req.body)));
  });

  router.get('/v1/admin/sites/:key', async (req, res) => {
    const site = await options.sites.find(String(req.params.key));
    if (!site) throw ApiError.notFound('Site');
    res.json(site);
  });

  router.patch('/v1/admin/sites/:key', async (req, res) => {
    const site = await options.sites.update(String(req.params.key), parseOrThrow(siteChangesSchema, req.body));
    if (!site) throw ApiError.notFound('Site');
    res.json(site);
  });

  router.get('/v1/admin/tokens', async (_req, res) => {
    res.json({ tokens: await options.tokens.list() });
  });

  router.post('/v1/admin/tokens', async (req, res) => {
    const body = parseOrThrow(newTokenSchema, req.body);
    if (body.siteKey && !(await options.sites.find(body.siteKey))) {
      throw ApiError.validation([{ path: 'siteKey', message: 'no such site' }]);
    }
    const { token, record } = await options.tokens.create(body);
    res.status(201).json({ ...record, token });
  });

  router.delete('/v1/admin/tokens/:id', async (req, res) => {
    if (!(await options.tokens.revoke(String(req.params.id)))) throw ApiError.notFound('Token');
    res.status(204).end();
  });

  return router;
}
