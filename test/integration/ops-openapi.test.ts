import type { z } from 'zod';
import { principalSchema } from '../../src/auth/token-service';
import { routesOf } from '../../src/http/app';
import * as envelopes from '../../src/http/envelopes';
import { siteSchema } from '../../src/sites/site-repository';
import { endpointSchema } from '../../src/webhooks/webhook-store';
import type { Site } from '../../src/sites/site-repository';
import { startTestParley, type TestParley } from '../helpers/parley';
import { DIALECTS, waitFor } from '../helpers/services';

type Json = Record<string, any>;

/** Parses a real answer with its documented schema; the issues, if any, name the route. */
function conforms(label: string, schema: z.ZodType, body: unknown): void {
  const result = schema.safeParse(body);
  expect([label, result.success ? 'ok' : result.error.issues]).toEqual([label, 'ok']);
}

describe.each(DIALECTS)('OpenAPI document and docs on %s', (dialect) => {
  let parley: TestParley;
  let doc: Json;
  let site: Site;
  let admin: string;

  beforeAll(async () => {
    parley = await startTestParley({ dialect });
    site = await parley.createSite({ moderation: 'first-time' });
    admin = (await parley.runtime.tokenService.create({ role: 'admin', label: 'docs test' })).token;
    const res = await parley.http.get('/openapi.json');
    expect(res.status).toBe(200);
    doc = res.body;
  });
  afterAll(() => parley.close());

  it('documents every operation the app registered, and the app answers each one', async () => {
    const operations = routesOf(parley.app).operations();
    expect(operations.length).toBeGreaterThan(30);
    const label = (method: string, path: string) => `${method.toUpperCase()} ${path.replace(/:(\w+)/g, '{$1}')}`;
    const documented = Object.entries<Json>(doc.paths).flatMap(([path, item]) =>
      Object.keys(item).map((m) => label(m, path)),
    );
    expect(documented.sort()).toEqual(operations.map((op) => label(op.method, op.path)).sort());

    // A route the registry lists but Express does not answer would be the 404 of no route at all.
    const http = parley.http as unknown as Record<string, (url: string) => ReturnType<TestParley['http']['get']>>;
    for (const op of operations) {
      const res = await http[op.method](op.path.replace(/:(\w+)/g, 'x'));
      const unanswered = res.status === 404 && /^No route/.test(res.body?.error?.message ?? '');
      expect([label(op.method, op.path), unanswered]).toEqual([label(op.method, op.path), false]);
    }
  });

  it('describes what the API really answers', async () => {
    const auth = { Authorization: `Bearer ${admin}` };
    const submitted = await parley.http.post(`/v1/sites/${site.key}/comments`).send({
      pageId: 'docs',
      name: 'Dora',
      email: 'dora@example.com',
      text: 'Three links: https://a.example https://b.example https://c.example',
    });
    expect(submitted.status).toBe(202);
    conforms('POST comments', envelopes.submitResultSchema, submitted.body);
    const id = submitted.body.comment.id as string;
    await waitFor(async () =>
      (await parley.runtime.commentRepository.find(id))?.status === 'pending' ? undefined : true,
    );

    conforms(
      'GET form-token',
      envelopes.formTokenSchema,
      (await parley.http.get(`/v1/sites/${site.key}/form-token`)).body,
    );
    conforms(
      'GET thread',
      envelopes.threadSchema,
      (await parley.http.get(`/v1/sites/${site.key}/pages/docs/comments`)).body,
    );
    conforms(
      'GET status',
      envelopes.authorStatusSchema,
      (await parley.http.get(`/v1/comments/${id}/status`).set('Authorization', `Bearer ${submitted.body.authorToken}`))
        .body,
    );
    conforms(
      'GET queue',
      envelopes.moderationQueueSchema,
      (await parley.http.get('/v1/moderation/comments').set(auth)).body,
    );
    conforms(
      'GET comment',
      envelopes.moderationDetailSchema,
      (await parley.http.get(`/v1/moderation/comments/${id}`).set(auth)).body,
    );
    conforms('GET me', principalSchema, (await parley.http.get('/v1/moderation/me').set(auth)).body);
    conforms(
      'GET sites',
      envelopes.moderatorSitesSchema,
      (await parley.http.get('/v1/moderation/sites').set(auth)).body,
    );
    const acted = await parley.http.post(`/v1/moderation/comments/${id}/actions`).set(auth).send({ action: 'approve' });
    conforms('POST action', envelopes.actionResultSchema, acted.body);
    conforms(
      'POST bulk',
      envelopes.bulkResultsSchema,
      (
        await parley.http
          .post('/v1/moderation/actions')
          .set(auth)
          .send({ ids: [id], action: 'hold' })
      ).body,
    );
    conforms(
      'PATCH comment',
      envelopes.actionResultSchema,
      (await parley.http.patch(`/v1/moderation/comments/${id}`).set(auth).send({ text: 'Edited' })).body,
    );
    const ban = await parley.http.post('/v1/moderation/bans').set(auth).send({ kind: 'domain', value: 'spam.example' });
    expect(ban.status).toBe(201);
    conforms('POST ban', envelopes.banCreatedSchema, ban.body);
    conforms('GET bans', envelopes.banListSchema, (await parley.http.get('/v1/moderation/bans').set(auth)).body);
    conforms('GET audit', envelopes.auditLogSchema, (await parley.http.get('/v1/moderation/audit').set(auth)).body);
    conforms(
      'DELETE comment',
      envelopes.actionResultSchema,
      (await parley.http.delete(`/v1/moderation/comments/${id}`).set(auth).send({})).body,
    );
    conforms('GET admin sites', envelopes.siteListSchema, (await parley.http.get('/v1/admin/sites').set(auth)).body);
    conforms('GET admin site', siteSchema, (await parley.http.get(`/v1/admin/sites/${site.key}`).set(auth)).body);
    const created = await parley.http
      .post('/v1/admin/sites')
      .set(auth)
      .send({ name: 'Docs', origins: ['https://docs.example'] });
    conforms('POST admin site', siteSchema, created.body);
    conforms(
      'PATCH admin site',
      siteSchema,
      (await parley.http.patch(`/v1/admin/sites/${created.body.key}`).set(auth).send({ linkLimit: 3 })).body,
    );
    conforms(
      'POST token',
      envelopes.tokenCreatedSchema,
      (await parley.http.post('/v1/admin/tokens').set(auth).send({ role: 'moderator' })).body,
    );
    conforms('GET tokens', envelopes.tokenListSchema, (await parley.http.get('/v1/admin/tokens').set(auth)).body);
    const hooks = `/v1/admin/sites/${site.key}/webhooks`;
    const endpoint = await parley.http
      .post(hooks)
      .set(auth)
      .send({ url: 'http://127.0.0.1:9/hook', events: ['comment.approved'] });
    expect(endpoint.status).toBe(201);
    conforms('POST webhook', envelopes.endpointCreatedSchema, endpoint.body);
    const hook = `${hooks}/${endpoint.body.endpoint.id}`;
    conforms('GET webhooks', envelopes.endpointListSchema, (await parley.http.get(hooks).set(auth)).body);
    conforms('GET webhook', endpointSchema, (await parley.http.get(hook).set(auth)).body);
    conforms(
      'PATCH webhook',
      envelopes.endpointUpdatedSchema,
      (await parley.http.patch(hook).set(auth).send({ rotateSecret: true })).body,
    );
    conforms(
      'POST webhook test',
      envelopes.testDeliverySchema,
      (await parley.http.post(`${hook}/test`).set(auth).send({})).body,
    );
    conforms(
      'GET deliveries',
      envelopes.deliveryListSchema,
      (await parley.http.get(`${hook}/deliveries`).set(auth)).body,
    );
    conforms('GET healthz', envelopes.healthSchema, (await parley.http.get('/healthz')).body);
    conforms('GET readyz', envelopes.readinessSchema, (await parley.http.get('/readyz')).body);

    for (const res of [
      await parley.http.post(`/v1/sites/${site.key}/comments`).send({ pageId: 'docs' }),
      await parley.http.get('/v1/moderation/me'),
      await parley.http.get('/v1/admin/sites/site_nope').set(auth),
      await parley.http.get('/no/such/route'),
    ]) {
      conforms(`error ${res.status}`, envelopes.errorBodySchema, res.body);
      expect(doc.components.schemas.Error).toBeDefined();
    }
  });

  it('serves the docs page and its assets from this server only', async () => {
    const page = await parley.http.get('/docs');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    const urls = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(urls.length).toBeGreaterThanOrEqual(3);
    for (const url of urls) {
      expect(url).toMatch(/^\/docs\//);
      const asset = await parley.http.get(url);
      expect([url, asset.status]).toEqual([url, 200]);
    }
    expect((await parley.http.get('/docs/init.js')).text).toContain("url: '/openapi.json'");
    expect((await parley.http.get('/docs/init.js')).text).toContain('validatorUrl: null');
    // Nothing else from swagger-ui-dist: its own start page would load a sample API from the internet.
    for (const other of [
      '/docs/index.html',
      '/docs/swagger-initializer.js',
      '/docs/package.json',
      '/docs/..%2Fpackage.json',
    ]) {
      expect([other, (await parley.http.get(other)).status]).toEqual([other, 404]);
    }
  });

  it('returns a request id on every answer: the one given, when it is sane, or a new one', async () => {
    const given = await parley.http.get('/healthz').set('X-Request-Id', 'lb-1234.abc');
    expect(given.headers['x-request-id']).toBe('lb-1234.abc');
    const fresh = await parley.http.get('/no/such/route');
    expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const hostile = await parley.http.get('/healthz').set('X-Request-Id', 'a b<script>'.padEnd(40, 'x'));
    expect(hostile.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});
