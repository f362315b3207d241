import express, { type RequestHandler } from 'express';
import pino from 'pino';
import request from 'supertest';
import { z } from 'zod';
import { errorHandler, notFoundHandler } from '../../src/http/errors';
import { json, noContent, type Route, route } from '../../src/http/route';
import { mount, RouteRegistry } from '../../src/http/route-registry';

const pass: RequestHandler = (_req, _res, next) => next();
const ok = (method: Route['method'], path: string) =>
  route({
    method,
    path,
    tag: 'Public',
    summary: `${method} ${path}`,
    responses: { 200: noContent('Fine.') },
    handler: ({ res }) => {
      res.end();
    },
  });

/** An app of routes and mounts, and the name its registry gives each request as it arrives. */
function sampleApp() {
  const routes = new RouteRegistry();
  const names: string[] = [];
  const app = express();
  app.use((req, _res, next) => {
    names.push(routes.templateOf(req));
    next();
  });
  app.use(
    routes.router([
      mount('/v1/moderation', pass),
      ok('get', '/v1/moderation/comments/:id'),
      ok('options', '/v1/comments/:id/status'),
      mount('/v1/sites/:siteKey', pass),
      ok('post', '/v1/sites/:siteKey/comments'),
      ok('get', '/v1/sites/:siteKey/pages/:pageId/comments'),
    ]),
  );
  app.use(
    routes.router([
      ok('get', '/embed.:hash.js'),
      {
        ...mount('/admin/queues', (_req, res) => res.send('dashboard')),
        operations: [
          { method: 'get', path: '/admin/queues', tag: 'Operations', summary: 'The dashboard', responses: {} },
        ],
      },
    ]),
  );
  app.use(notFoundHandler);
  app.use(errorHandler(pino({ level: 'silent' })));
  const nameOf = async (method: 'get' | 'post' | 'head' | 'options' | 'delete', path: string) => {
    await request(app)[method](path);
    return names[names.length - 1];
  };
  return { routes, nameOf };
}

describe('RouteRegistry', () => {
  it('lists the operations of its routes and mounts, in the order they were registered', () => {
    const { routes } = sampleApp();
    expect(routes.operations().map((op) => `${op.method.toUpperCase()} ${op.path}`)).toEqual([
      'GET /v1/moderation/comments/:id',
      'OPTIONS /v1/comments/:id/status',
      'POST /v1/sites/:siteKey/comments',
      'GET /v1/sites/:siteKey/pages/:pageId/comments',
      'GET /embed.:hash.js',
      'GET /admin/queues',
    ]);
  });

  it('names a request by its route template, never by its raw path', async () => {
    const { nameOf } = sampleApp();
    expect(await nameOf('post', '/v1/sites/site_abc/comments')).toBe('/v1/sites/:siteKey/comments');
    expect(await nameOf('get', '/v1/sites/site_abc/pages/a%20page/comments')).toBe(
      '/v1/sites/:siteKey/pages/:pageId/comments',
    );
    expect(await nameOf('head', '/embed.0123abcd.js')).toBe('/embed.:hash.js');
    expect(await nameOf('options', '/v1/comments/x/status')).toBe('/v1/comments/:id/status');
  });

  it('names what only middleware answers by its mount, and everything else "unmatched"', async () => {
    const { nameOf } = sampleApp();
    expect(await nameOf('get', '/v1/moderation/nothing-here')).toBe('/v1/moderation/*');
    expect(await nameOf('get', '/admin/queues/api/queues')).toBe('/admin/queues/*');
    expect(await nameOf('delete', '/v1/sites/site_abc/comments')).toBe('/v1/sites/:siteKey/*');
    expect(await nameOf('get', '/wp-login.php')).toBe('unmatched');
  });
});

describe('route', () => {
  function appOf(entries: Route[], principal?: { role: 'admin' | 'moderator' }) {
    const routes = new RouteRegistry();
    const app = express();
    app.use(express.json());
    app.use((_req, res, next) => {
      if (principal) res.locals.principal = { id: 'tok_test', siteKey: null, label: null, ...principal };
      next();
    });
    app.use(routes.router(entries));
    app.use(notFoundHandler);
    app.use(errorHandler(pino({ level: 'silent' })));
    return app;
  }

  const echo = route({
    method: 'post',
    path: '/things/:id',
    tag: 'Public',
    summary: 'Echo',
    ids: { id: 'Thing' },
    query: z.object({ times: z.coerce.number().int().min(1).default(1) }),
    body: z.object({ word: z.string().min(1) }),
    responses: { 201: json(z.object({ said: z.string() }), { description: 'Said.', example: { said: 'hi' } }) },
    handler: ({ query, body }) => ({ said: body.word.repeat(query.times) }),
  });

  it('parses the query and body with the declared schemas, and answers JSON with the declared status', async () => {
    const app = appOf([echo]);
    const id = '3f6c2a9e-8b1d-4c57-9e0a-2d7f41b6c8e3';
    const answer = await request(app).post(`/things/${id}?times=2`).send({ word: 'hi' });
    expect([answer.status, answer.body]).toEqual([201, { said: 'hihi' }]);
    for (const [url, body, field] of [
      [`/things/${id}?times=0`, { word: 'hi' }, 'times'],
      [`/things/${id}`, { word: '' }, 'word'],
    ] as const) {
      const invalid = await request(app).post(url).send(body);
      expect([invalid.status, invalid.body.error.code]).toEqual([400, 'validation_failed']);
      expect(invalid.body.error.details).toEqual([{ path: field, message: expect.any(String) }]);
    }
  });

  it('answers 404 for an id that is not a UUID, before it looks at the body', async () => {
    const res = await request(appOf([echo]))
      .post('/things/42')
      .send({});
    expect([res.status, res.body.error]).toEqual([404, { code: 'not_found', message: 'Thing not found.' }]);
  });

  it('checks the role it declares against the principal its mount authenticated', async () => {
    const secret = route({
      method: 'get',
      path: '/secret',
      tag: 'Admin',
      auth: 'admin',
      summary: 'Admins only',
      responses: { 200: json(z.object({ ok: z.boolean() }), { description: 'Fine.', example: { ok: true } }) },
      handler: () => ({ ok: true }),
    });
    expect((await request(appOf([secret])).get('/secret')).status).toBe(401);
    expect((await request(appOf([secret], { role: 'moderator' })).get('/secret')).status).toBe(403);
    expect((await request(appOf([secret], { role: 'admin' })).get('/secret')).body).toEqual({ ok: true });
  });
});
