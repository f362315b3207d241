import express, { Router } from 'express';
import request from 'supertest';
import { declaredRoutes, RouteNamer, routeTemplateOf, toOpenApiPath } from '../../src/http/route-list';

function sampleApp() {
  const app = express();
  const site = Router({ mergeParams: true });
  site.use((_req, _res, next) => next());
  site.post('/comments', (_req, res) => res.status(202).end());
  site.get('/pages/:pageId/comments', (_req, res) => res.end());
  const api = Router();
  api.use('/v1/moderation', (_req, res, next) => ((res.locals.checked = true), next()));
  api.get('/v1/moderation/comments/:id', (_req, res) => res.end());
  api.options('/v1/comments/:id/status', (_req, res) => res.end());
  api.use('/v1/sites/:siteKey', site);
  app.use(api);
  app.get('/embed.:hash.js', (_req, res) => res.end());
  app.use('/admin/queues', (_req, res) => res.send('dashboard'));
  return app;
}

describe('declaredRoutes', () => {
  it('lists the routes of nested routers with their full templates, and the mounts', () => {
    const tree = declaredRoutes(sampleApp());
    expect(tree.routes).toEqual([
      { method: 'GET', path: '/v1/moderation/comments/:id' },
      { method: 'OPTIONS', path: '/v1/comments/:id/status' },
      { method: 'POST', path: '/v1/sites/:siteKey/comments' },
      { method: 'GET', path: '/v1/sites/:siteKey/pages/:pageId/comments' },
      { method: 'GET', path: '/embed.:hash.js' },
    ]);
    expect(tree.mounts).toEqual(expect.arrayContaining(['/v1/moderation', '/admin/queues']));
  });

  it('writes OpenAPI path templates', () => {
    expect(toOpenApiPath('/v1/sites/:siteKey/pages/:pageId/comments')).toBe(
      '/v1/sites/{siteKey}/pages/{pageId}/comments',
    );
    expect(toOpenApiPath('/embed.:hash.js')).toBe('/embed.{hash}.js');
  });
});

describe('RouteNamer', () => {
  const namer = new RouteNamer(declaredRoutes(sampleApp()));

  it('names a request by its route template, never by its raw path', () => {
    expect(namer.name('POST', '/v1/sites/site_abc/comments')).toBe('/v1/sites/:siteKey/comments');
    expect(namer.name('GET', '/v1/sites/site_abc/pages/a%20page/comments')).toBe(
      '/v1/sites/:siteKey/pages/:pageId/comments',
    );
    expect(namer.name('HEAD', '/embed.0123abcd.js')).toBe('/embed.:hash.js');
    expect(namer.name('OPTIONS', '/v1/comments/x/status')).toBe('/v1/comments/:id/status');
  });

  it('names what only middleware answers by its mount, and everything else "unmatched"', () => {
    expect(namer.name('GET', '/v1/moderation/nothing-here')).toBe('/v1/moderation/*');
    expect(namer.name('GET', '/admin/queues/api/queues')).toBe('/admin/queues/*');
    expect(namer.name('DELETE', '/v1/sites/site_abc/comments')).toBe('/v1/sites/:siteKey/*');
    expect(namer.name('GET', '/wp-login.php')).toBe('unmatched');
  });

  it("labels an app's requests, from middleware that runs before any route", async () => {
    const app = express();
    const seen: string[] = [];
    app.use((req, _res, next) => {
      seen.push(routeTemplateOf(req));
      next();
    });
    const sub = sampleApp();
    app.use((sub as unknown as { router: Router }).router);
    await request(app).post('/v1/sites/site_abc/comments');
    await request(app).get('/nowhere');
    expect(seen).toEqual(['/v1/sites/:siteKey/comments', 'unmatched']);
  });
});
