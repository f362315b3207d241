import { routesOf } from '../../src/http/app';
import type { Operation } from '../../src/http/route';
import type { Site } from '../../src/sites/site-repository';
import { startTestParley, type TestParley } from '../helpers/parley';
import { startWebhookReceiver } from '../helpers/webhook-receiver';
import { DIALECTS, waitFor } from '../helpers/services';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
/** Who may call an operation, as its route declares it: the routes this suite attacks. */
const GUARDED = new Set(['moderator', 'admin', 'dashboard']);

describe.each(DIALECTS)('authorization of every moderation and admin route on %s', (dialect) => {
  let parley: TestParley;
  let siteA: Site;
  let siteB: Site;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let guarded: Operation[];
  /** Ids of site A's things, to fill the routes' path parameters with. */
  const ids: Record<string, string> = {};
  const tokens: Record<'admin' | 'revoked' | 'otherSite' | 'revokedAdmin', string> = {
    admin: '',
    revoked: '',
    otherSite: '',
    revokedAdmin: '',
  };

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    // Mail on (to a port nothing listens on: nothing is sent in this test), so its routes get to their checks.
    parley = await startTestParley({
      dialect,
      env: {
        PARLEY_WEBHOOK_ALLOWLIST: '127.0.0.1',
        PARLEY_SMTP_URL: 'smtp://127.0.0.1:9',
        PARLEY_MAIL_FROM: 'parley@blog.example',
        PARLEY_PUBLIC_URL: 'https://comments.blog.example',
      },
    });
    siteA = await parley.createSite({ name: 'Site A', moderation: 'all' });
    siteB = await parley.createSite({ name: 'Site B', moderation: 'all' });
    const tokenService = parley.runtime.tokenService;
    tokens.admin = (await tokenService.create({ role: 'admin' })).token;
    tokens.otherSite = (await tokenService.create({ role: 'moderator', siteKey: siteB.key })).token;
    const revoked = await tokenService.create({ role: 'moderator', siteKey: siteA.key });
    const revokedAdmin = await tokenService.create({ role: 'admin' });
    tokens.revoked = revoked.token;
    tokens.revokedAdmin = revokedAdmin.token;
    await tokenService.revoke(revoked.record.id);
    await tokenService.revoke(revokedAdmin.record.id);
    ids.token = revoked.record.id;

    const posted = await parley.http
      .post(`/v1/sites/${siteA.key}/comments`)
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ pageId: 'p', name: 'Ann', email: 'ann@example.org', text: 'Held for review.' }));
    expect(posted.status).toBe(202);
    ids.comment = posted.body.comment.id;
    await waitFor(async () => {
      const row = await parley.runtime.commentRepository.find(ids.comment);
      return row?.status === 'held' ? row : undefined;
    });
    const admin = (method: 'post', path: string, body: unknown) =>
      parley.http[method](path)
        .set('Authorization', `Bearer ${tokens.admin}`)
        .send(body as object);
    const ban = await admin('post', '/v1/moderation/bans', { siteKey: siteA.key, kind: 'domain', value: 'a.example' });
    expect(ban.status).toBe(201);
    ids.ban = ban.body.ban.id;
    const endpoint = await admin('post', `/v1/admin/sites/${siteA.key}/webhooks`, { url: receiver.url, events: ['*'] });
    expect(endpoint.status).toBe(201);
    ids.endpoint = endpoint.body.endpoint.id;
    const test = await admin('post', `/v1/admin/sites/${siteA.key}/webhooks/${ids.endpoint}/test`, {});
    ids.delivery = test.body.delivery.id;
    const subscription = await admin('post', '/v1/moderation/notifications', {
      email: 'mod-a@example.org',
      siteKey: siteA.key,
      events: ['held'],
      mode: 'instant',
    });
    expect(subscription.status).toBe(201);
    ids.subscription = subscription.body.subscription.id;

    guarded = routesOf(parley.app)
      .operations()
      .filter((op) => GUARDED.has(op.auth ?? 'none'));
  });
  afterAll(async () => {
    await parley?.close();
    await receiver?.close();
  });

  /** A route's path with site A's things in it. */
  function concrete(op: Operation): string {
    return op.path.replace(/:(\w+)/g, (_, name: string) => {
      if (name === 'siteKey' || name === 'key') return siteA.key;
      if (name === 'deliveryId') return ids.delivery;
      if (name === 'id') {
        if (op.path.includes('/webhooks/')) return ids.endpoint;
        if (op.path.includes('/bans/')) return ids.ban;
        if (op.path.includes('/tokens/')) return ids.token;
        if (op.path.includes('/notifications/')) return ids.subscription;
        return ids.comment;
      }
      throw new Error(`no value for :${name} in ${op.path}`);
    });
  }

  /** The route's documented example body, pointed at site A's things. */
  function bodyOf(op: Operation): unknown {
    if (op.bodyExample === undefined) return {};
    const body = JSON.parse(JSON.stringify(op.bodyExample)) as Record<string, unknown>;
    if ('ids' in body) body.ids = [ids.comment];
    if ('siteKey' in body || op.path === '/v1/moderation/bans') body.siteKey = siteA.key;
    return body;
  }

  const send = (method: (typeof METHODS)[number] | Operation['method'], op: Operation, token?: string) => {
    let req = parley.http[method](concrete(op)).query({
      ...op.queryExample,
      ...(op.auth === 'moderator' ? { site: siteA.key } : {}),
    });
    if (token) req = req.set('Authorization', `Bearer ${token}`);
    return method === 'get' || method === 'delete' ? req : req.send(bodyOf(op) as object);
  };

  test('the route table has the moderation, admin and webhook routes', () => {
    const paths = new Set(guarded.map((op) => op.path));
    for (const path of [
      '/v1/moderation/comments',
      '/v1/moderation/actions',
      '/v1/moderation/bans',
      '/v1/admin/sites',
      '/v1/admin/tokens',
      '/v1/admin/sites/:siteKey/webhooks',
      '/admin/queues',
    ])
      expect(paths).toContain(path);
    console.info(
      `authorization: ${guarded.length} guarded operations, ${guarded.length * METHODS.length} method probes`,
    );
  });

  test('without a token, or with a malformed one, every method of every guarded path is 401', async () => {
    const failures: string[] = [];
    for (const op of guarded) {
      for (const method of METHODS) {
        for (const header of [undefined, 'Bearer', 'Basic YWRtaW46YWRtaW4=', `Bearer ${tokens.admin}x`]) {
          let req = parley.http[method](concrete(op));
          if (header) req = req.set('Authorization', header);
          const res = await (method === 'get' || method === 'delete' ? req : req.send(bodyOf(op) as object));
          if (res.status !== 401)
            failures.push(`${method.toUpperCase()} ${op.path} (${header ?? 'no token'}): ${res.status}`);
          else if (res.body?.error?.code !== 'unauthorized') failures.push(`${method} ${op.path}: body ${res.text}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  test('a revoked token, moderator or admin, is 401 on every guarded route', async () => {
    const failures: string[] = [];
    for (const op of guarded) {
      for (const token of [tokens.revoked, tokens.revokedAdmin]) {
        const res = await send(op.method, op, token);
        if (res.status !== 401) failures.push(`${op.method.toUpperCase()} ${op.path}: ${res.status}`);
      }
    }
    expect(failures).toEqual([]);
  });

  test("another site's moderator is refused (403) on site A's things, or sees and changes none of them", async () => {
    const failures: string[] = [];
    const refusedCount = { refused: 0, scoped: [] as string[] };
    for (const op of guarded) {
      const res = await send(op.method, op, tokens.otherSite);
      // A 404 for a thing of site A says no more than for a thing that does not exist.
      const hidden = res.status === 404 && op.path.includes('/:id');
      if (res.status === 403 || res.status === 401 || hidden) {
        refusedCount.refused++;
        continue;
      }
      // Some routes answer a site-limited moderator about its own site only (who am I,
      // my sites, a bulk action's per-comment results): nothing of site A's may show.
      const text = res.text;
      const leaked = [siteA.key, ids.ban, 'Held for review', 'ann@example.org'].filter((v) => text.includes(v));
      const bulkRefused =
        op.path === '/v1/moderation/actions' &&
        res.status === 200 &&
        (res.body.results as { ok: boolean; error?: { code: string } }[]).every((r) => r.error?.code === 'forbidden');
      if (res.status >= 300 || leaked.length > 0 || (op.path === '/v1/moderation/actions' && !bulkRefused))
        failures.push(`${op.method.toUpperCase()} ${op.path}: ${res.status} ${leaked.join(',')} ${text.slice(0, 200)}`);
      else refusedCount.scoped.push(`${op.method.toUpperCase()} ${op.path}`);
    }
    console.info(
      `another site's moderator: ${refusedCount.refused} refused, ${refusedCount.scoped.length} answered about its own site only (${refusedCount.scoped.join(', ')})`,
    );
    expect(failures).toEqual([]);
    expect(refusedCount.refused).toBeGreaterThan(guarded.length / 2);
    // None of those requests changed site A's comment, ban or webhook endpoint.
    const row = await parley.runtime.commentRepository.find(ids.comment);
    expect(row).toMatchObject({ status: 'held', text: 'Held for review.' });
    const bans = await parley.http.get('/v1/moderation/bans').set('Authorization', `Bearer ${tokens.admin}`);
    expect(bans.body.bans.map((b: { id: string }) => b.id)).toContain(ids.ban);
    const endpoint = await parley.http
      .get(`/v1/admin/sites/${siteA.key}/webhooks/${ids.endpoint}`)
      .set('Authorization', `Bearer ${tokens.admin}`);
    expect(endpoint.status).toBe(200);
    expect((await parley.runtime.siteRepository.find(siteA.key))?.moderation).toBe('all');
  });
});
