import { Webhook } from 'standardwebhooks';
import type { Site } from '../../src/sites/site-repository';
import { startTestParley, type TestParley } from '../helpers/parley';
import { DIALECTS, waitFor } from '../helpers/services';
import { startWebhookReceiver } from '../helpers/webhook-receiver';

// Retries in milliseconds instead of hours, so a test can watch the whole schedule.
// Few delivery slots, one per endpoint, so a slow receiver would visibly hold up the others.
const FAST_RETRIES = {
  PARLEY_WEBHOOK_RETRY_SCHEDULE: '50ms,100ms,150ms,200ms',
  PARLEY_TRUST_PROXY: 'loopback',
  PARLEY_WEBHOOK_CONCURRENCY: '3',
  PARLEY_WEBHOOK_ENDPOINT_CONCURRENCY: '1',
};

describe.each(DIALECTS)('webhooks on %s', (dialect) => {
  let parley: TestParley;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let admin: string;
  let counter = 0;

  beforeAll(async () => {
    parley = await startTestParley({ dialect, env: FAST_RETRIES });
    admin = (await parley.runtime.tokenService.create({ role: 'admin' })).token;
  });
  beforeEach(async () => {
    receiver = await startWebhookReceiver();
  });
  afterEach(() => receiver.close());
  afterAll(() => parley.close());

  const api = {
    post: (url: string, body: object = {}) => parley.http.post(url).set('Authorization', `Bearer ${admin}`).send(body),
    get: (url: string) => parley.http.get(url).set('Authorization', `Bearer ${admin}`),
    patch: (url: string, body: object) => parley.http.patch(url).set('Authorization', `Bearer ${admin}`).send(body),
  };

  async function siteWithEndpoint(events: string[] = ['*'], moderation: Site['moderation'] = 'first-time') {
    const site = await parley.createSite({ moderation });
    const res = await api.post(`/v1/admin/sites/${site.key}/webhooks`, {
      url: receiver.url,
      events,
      description: 'test receiver',
    });
    expect(res.status).toBe(201);
    return { site, endpoint: res.body.endpoint as { id: string }, secret: res.body.secret as string };
  }

  async function postComment(site: Site, overrides: Record<string, unknown> = {}) {
    counter += 1;
    const res = await parley.http
      .post(`/v1/sites/${site.key}/comments`)
      .set('X-Forwarded-For', `203.0.113.${counter}`)
      .send({
        pageId: 'hooks',
        name: 'Wendy',
        email: `wendy${counter}@example.com`,
        text: `Webhook comment ${counter}`,
        ...overrides,
      });
    expect(res.status).toBe(202);
    return res.body.comment.id as string;
  }

  const accepted = () => receiver.received.filter((r) => r.answered < 300);
  const types = (list = accepted()) => list.map((r) => JSON.parse(r.body).type as string);

  it('signs every event per Standard Webhooks, in order, with no email or IP in any payload', async () => {
    const { site, secret, endpoint } = await siteWithEndpoint();
    expect(secret).toMatch(/^whsec_/);
    const listed = await api.get(`/v1/admin/sites/${site.key}/webhooks`);
    expect(listed.body.endpoints).toEqual([
      expect.objectContaining({ id: endpoint.id, url: receiver.url, enabled: true }),
    ]);
    expect(JSON.stringify(listed.body)).not.toContain(secret);

    const email = `wendy${counter + 1}@example.com`;
    const id = await postComment(site);
    await waitFor(async () => (accepted().length >= 2 ? true : undefined), { what: 'created and held' });
    await api.post(`/v1/moderation/comments/${id}/actions`, { action: 'approve' });
    await api.patch(`/v1/moderation/comments/${id}`, { text: 'Edited by a moderator' });
    await parley.http.delete(`/v1/moderation/comments/${id}`).set('Authorization', `Bearer ${admin}`).send({});
    await waitFor(async () => (accepted().length >= 5 ? true : undefined), { what: 'all five events' });

    expect(types()).toEqual([
      'comment.created',
      'comment.held',
      'comment.approved',
      'comment.edited',
      'comment.deleted',
    ]);
    const verifier = new Webhook(secret);
    for (const r of accepted()) {
      const payload = verifier.verify(r.body, r.headers) as {
        type: string;
        timestamp: string;
        data: { comment: Record<string, unknown> };
      };
      expect(r.headers['webhook-id']).toMatch(/^evt_/);
      expect(payload.data.comment).toMatchObject({ id, pageId: 'hooks' });
      expect(r.body).not.toContain(email);
      expect(r.body).not.toContain('203.0.113.');
      expect(Object.keys(payload.data.comment).sort()).toEqual(
        expect.arrayContaining([
          'id',
          'parentId',
          'pageId',
          'name',
          'website',
          'avatar',
          'html',
          'createdAt',
          'status',
          'reasons',
        ]),
      );
      expect(Object.keys(payload.data.comment)).not.toEqual(expect.arrayContaining(['email']));
    }
    // Deleting erased the comment from its earlier events too: a redelivery sends nothing erased.
    const stored = await parley.runtime.db
      .selectFrom('webhook_events')
      .select('payload')
      .where('comment_id', '=', id)
      .execute();
    expect(stored).toHaveLength(5);
    for (const { payload } of stored) {
      expect(payload).not.toContain('Wendy');
      expect(payload).not.toContain('Webhook comment');
    }
    const held = JSON.parse(accepted()[1].body);
    expect(held.data.comment).toMatchObject({ status: 'held', reasons: [{ check: 'site-policy', verdict: 'hold' }] });
    expect(() =>
      new Webhook('whsec_' + Buffer.from('wrong secret, wrong!').toString('base64')).verify(
        accepted()[0].body,
        accepted()[0].headers,
      ),
    ).toThrow();
  });

  it('retries a failing receiver until it answers, once per event, with the same webhook-id every time', async () => {
    const { site, endpoint } = await siteWithEndpoint(['comment.created']);
    let failures = 0;
    receiver.state.answer = () => (failures++ < 3 ? 500 : 200);
    await postComment(site);
    await waitFor(async () => (accepted().length === 1 ? true : undefined), { what: 'the accepted delivery' });
    await new Promise((r) => setTimeout(r, 300)); // nothing more may arrive
    expect(receiver.received.map((r) => r.answered)).toEqual([500, 500, 500, 200]);
    expect(new Set(receiver.received.map((r) => r.headers['webhook-id'])).size).toBe(1);

    const deliveries = await api.get(`/v1/admin/sites/${site.key}/webhooks/${endpoint.id}/deliveries`);
    expect(
      deliveries.body.deliveries.map((d: { attempt: number; statusCode: number; succeeded: boolean }) => [
        d.attempt,
        d.statusCode,
        d.succeeded,
      ]),
    ).toEqual([
      [4, 200, true],
      [3, 500, false],
      [2, 500, false],
      [1, 500, false],
    ]);
    expect(deliveries.body.deliveries[1]).toMatchObject({ responseBody: 'not now', eventType: 'comment.created' });
    expect(deliveries.body.deliveries[0].latencyMs).toEqual(expect.any(Number));
  });

  it('never lets a later event of a comment overtake an earlier one that is being retried', async () => {
    const { site } = await siteWithEndpoint(['*'], 'none');
    let createdFailures = 0;
    receiver.state.answer = ({ body }) =>
      JSON.parse(body).type === 'comment.created' && createdFailures++ < 3 ? 503 : 200;
    await postComment(site);
    await waitFor(async () => (accepted().length >= 2 ? true : undefined), { what: 'both events' });
    expect(types()).toEqual(['comment.created', 'comment.approved']);
    expect(types(receiver.received)).toEqual([
      'comment.created',
      'comment.created',
      'comment.created',
      'comment.created',
      'comment.approved',
    ]);
  });

  it('delivers again a pending message whose delivery job was lost or completed', async () => {
    const { site } = await siteWithEndpoint(['comment.created']);
    const ids = [await postComment(site), await postComment(site)];
    await waitFor(async () => (accepted().length === 2 ? true : undefined), { what: 'two deliveries' });
    const { db, webhookQueue, webhookDelivery } = parley.runtime;
    // Both deliveries finished: their jobs completed.
    const messages = await waitFor(async () => {
      const rows = await db
        .selectFrom('webhook_messages')
        .select('id')
        .where('comment_id', 'in', ids)
        .where('state', '=', 'succeeded')
        .execute();
      const jobs = await Promise.all(rows.map(async (m) => (await webhookQueue.queue.getJob(m.id))?.getState()));
      return rows.length === 2 && jobs.every((state) => state === 'completed') ? rows : undefined;
    });
    // The states a kill can leave behind: the message still pending, and its job gone, or
    // completed (it ran before a stalled fan-out wrote the message again, say).
    const lost = messages.map((m) => m.id);
    await webhookQueue.queue.remove(lost[0]);
    await db
      .updateTable('webhook_messages')
      .set({ state: 'pending', finished_at: null })
      .where('id', 'in', lost)
      .execute();
    receiver.received.length = 0;

    expect(await webhookDelivery.sweep({ graceMs: 0, limit: 100 })).toBeGreaterThanOrEqual(2);
    await waitFor(async () => (accepted().length === 2 ? true : undefined), { what: 'the two redeliveries' });
    const redelivered = accepted().map((r) => r.headers['webhook-id']);
    const expected = await db.selectFrom('webhook_messages').select('event_id').where('id', 'in', lost).execute();
    expect(redelivered.sort()).toEqual(expected.map((m) => m.event_id).sort());
    await waitFor(async () => {
      const rows = await db.selectFrom('webhook_messages').select('state').where('id', 'in', lost).execute();
      return rows.every((m) => m.state === 'succeeded') ? true : undefined;
    });
    // Nothing left to do: a second sweep queues nothing.
    expect(await webhookDelivery.sweep({ graceMs: 0, limit: 100 })).toBe(0);
  });

  it("keeps other sites' webhooks flowing while one receiver is slow", async () => {
    const slow = await siteWithEndpoint(['comment.created'], 'none');
    receiver.state.delayMs = 700;
    for (let i = 0; i < 6; i++) await postComment(slow.site);
    const fastReceiver = await startWebhookReceiver();
    try {
      const fast = await parley.createSite({ moderation: 'none' });
      const created = await api.post(`/v1/admin/sites/${fast.key}/webhooks`, {
        url: fastReceiver.url,
        events: ['comment.created'],
      });
      expect(created.status).toBe(201);
      await postComment(fast);
      await waitFor(async () => (fastReceiver.received.length === 1 ? true : undefined), {
        what: "the other site's event",
      });
      // The slow receiver has at most one delivery at a time, so most of its backlog is still waiting.
      expect(receiver.received.length).toBeLessThan(4);
      await waitFor(async () => (receiver.received.length === 6 ? true : undefined), {
        what: "the slow receiver's backlog",
        timeoutMs: 20_000,
      });
    } finally {
      await fastReceiver.close();
    }
  });

  it('makes no fan-out job for a site without endpoints, and still keeps its events', async () => {
    const site = await parley.createSite({ moderation: 'none' });
    const id = await postComment(site);
    const events = await waitFor(async () => {
      const rows = await parley.runtime.db
        .selectFrom('webhook_events')
        .select(['id', 'type', 'fanned_out_at'])
        .where('comment_id', '=', id)
        .execute();
      return rows.length === 2 ? rows : undefined;
    });
    expect(events.map((e) => e.type).sort()).toEqual(['comment.approved', 'comment.created']);
    for (const event of events) {
      expect(event.fanned_out_at).not.toBeNull();
      expect(await parley.runtime.webhookQueue.queue.getJob(event.id)).toBeUndefined();
    }
  });

  it('disables an endpoint that answers 410 Gone, and says why', async () => {
    const { site, endpoint } = await siteWithEndpoint(['comment.created']);
    receiver.state.answer = () => 410;
    await postComment(site);
    const disabled = await waitFor(
      async () => {
        const res = await api.get(`/v1/admin/sites/${site.key}/webhooks/${endpoint.id}`);
        return res.body.enabled === false ? res.body : undefined;
      },
      { what: 'the endpoint to be disabled' },
    );
    expect(disabled.disabledReason).toMatch(/410 Gone/);
    expect(receiver.received).toHaveLength(1);

    await postComment(site);
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.received).toHaveLength(1);
    const enabled = await api.patch(`/v1/admin/sites/${site.key}/webhooks/${endpoint.id}`, { enabled: true });
    expect(enabled.body.endpoint).toMatchObject({ enabled: true, disabledReason: null });
  });

  it('sends a test event synchronously, redelivers a past event, and signs with both secrets during a rotation', async () => {
    const { site, endpoint, secret } = await siteWithEndpoint(['comment.created']);
    const test = await api.post(`/v1/admin/sites/${site.key}/webhooks/${endpoint.id}/test`);
    expect(test.status).toBe(200);
    expect(test.body.delivery).toMatchObject({ eventType: 'webhook.test', statusCode: 200, succeeded: true });
    expect(JSON.parse(receiver.received[0].body).type).toBe('webhook.test');

    await postComment(site);
    await waitFor(async () => (accepted().length === 2 ? true : undefined));
    const [latest] = (await api.get(`/v1/admin/sites/${site.key}/webhooks/${endpoint.id}/deliveries`)).body.deliveries;
    const rotated = await api.patch(`/v1/admin/sites/${site.key}/webhooks/${endpoint.id}`, { rotateSecret: true });
    const newSecret = rotated.body.secret as string;
    expect(newSecret).toMatch(/^whsec_/);
    expect(newSecret).not.toBe(secret);

    const again = await api.post(
      `/v1/admin/sites/${site.key}/webhooks/${endpoint.id}/deliveries/${latest.id}/redeliver`,
    );
    expect(again.status).toBe(202);
    await waitFor(async () => (accepted().length === 3 ? true : undefined), { what: 'the redelivery' });
    const [, original, redelivered] = accepted();
    expect(redelivered.headers['webhook-id']).toBe(original.headers['webhook-id']);
    expect(redelivered.headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(() => new Webhook(newSecret).verify(redelivered.body, redelivered.headers)).not.toThrow();
    expect(() => new Webhook(secret).verify(redelivered.body, redelivered.headers)).not.toThrow();
  });

  it('validates endpoints: http(s) only, known event types, known site', async () => {
    const site = await parley.createSite();
    const base = `/v1/admin/sites/${site.key}/webhooks`;
    expect((await api.post(base, { url: 'ftp://x.example/', events: ['*'] })).status).toBe(400);
    expect((await api.post(base, { url: receiver.url, events: ['comment.liked'] })).status).toBe(400);
    expect((await api.post(base, { url: receiver.url, events: [] })).status).toBe(400);
    expect((await api.post('/v1/admin/sites/site_nope/webhooks', { url: receiver.url, events: ['*'] })).status).toBe(
      404,
    );
    // Metadata and link-local addresses are refused even in development mode.
    const metadata = await api.post(base, { url: 'http://169.254.169.254/latest/meta-data', events: ['*'] });
    expect(metadata.status).toBe(400);
    expect(metadata.body.error.details[0].message).toMatch(/refused/);
    const moderator = (await parley.runtime.tokenService.create({ role: 'moderator' })).token;
    expect((await parley.http.get(base).set('Authorization', `Bearer ${moderator}`)).status).toBe(403);
  });

  it('refuses private and loopback targets in production unless the allowlist names them', async () => {
    const strict = await startTestParley({
      dialect,
      worker: false,
      shareWith: parley,
      env: { NODE_ENV: 'production' },
    });
    const allowing = await startTestParley({
      dialect,
      worker: false,
      shareWith: parley,
      env: { NODE_ENV: 'production', PARLEY_WEBHOOK_ALLOWLIST: '127.0.0.0/8' },
    });
    try {
      const site = await parley.createSite();
      const create = (on: TestParley, url: string) =>
        on.http
          .post(`/v1/admin/sites/${site.key}/webhooks`)
          .set('Authorization', `Bearer ${admin}`)
          .send({ url, events: ['*'] });
      for (const url of [
        receiver.url,
        'http://10.1.2.3/x',
        'http://169.254.169.254/latest/meta-data',
        'http://[::1]/x',
        'http://localhost/x',
      ]) {
        const res = await create(strict, url);
        expect([url, res.status]).toEqual([url, 400]);
        expect(res.body.error.details[0]).toMatchObject({ path: 'url', message: expect.stringMatching(/refused/) });
      }
      expect((await create(allowing, receiver.url)).status).toBe(201);
    } finally {
      await allowing.close();
      await strict.close();
    }
  });
});
