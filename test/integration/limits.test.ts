import type { Site } from '../../src/sites/site-repository';
import { insertComments } from '../helpers/bulk-comments';
import { startTestParley, type TestParley } from '../helpers/parley';
import { startWebhookReceiver } from '../helpers/webhook-receiver';
import { DIALECTS, waitFor } from '../helpers/services';

jest.setTimeout(240_000);

const THREAD = 10_000;
const QUEUE = 100_000;
const SITES = 1000;
const ENDPOINTS = 100;

describe.each(DIALECTS)('the limits an operator can rely on, on %s', (dialect) => {
  let parley: TestParley;
  let site: Site;
  let admin: string;
  const api = () => ({
    get: (url: string) => parley.http.get(url).set('Authorization', `Bearer ${admin}`),
    post: (url: string, body: object) => parley.http.post(url).set('Authorization', `Bearer ${admin}`).send(body),
  });
  const submit = (siteKey: string, body: Record<string, unknown>) =>
    parley.http
      .post(`/v1/sites/${siteKey}/comments`)
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ pageId: 'edge', name: 'Ann', email: 'ann@example.org', ...body }));

  beforeAll(async () => {
    parley = await startTestParley({ dialect, env: { PARLEY_WEBHOOK_ALLOWLIST: '127.0.0.1' } });
    site = await parley.createSite({ moderation: 'none' });
    admin = (await parley.runtime.tokenService.create({ role: 'admin' })).token;
  });
  afterAll(() => parley?.close());

  test('a comment at PARLEY_MAX_COMMENT_LENGTH is accepted whole, one more character is refused', async () => {
    const max = parley.runtime.config.maxCommentLength;
    // Length counts characters (code points): an emoji is one. Sent \u-escaped, each
    // takes 12 bytes of JSON: the largest body a comment at the limit makes, and it fits.
    const escaped = (text: string) =>
      JSON.stringify({ pageId: 'edge', name: 'Ann', email: 'ann@example.org', text }).replace(
        /[^\x20-\x7e]/g,
        (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
      );
    for (const text of ['é'.repeat(max), `a${'\u0001'.repeat(max - 1)}`, '😀'.repeat(max)]) {
      const res = await parley.http
        .post(`/v1/sites/${site.key}/comments`)
        .set('Content-Type', 'application/json')
        .send(escaped(text));
      expect(res.status).toBe(202);
      expect((await parley.runtime.commentRepository.find(res.body.comment.id))?.text).toBe(text);
    }
    for (const text of ['é'.repeat(max + 1), '😀'.repeat(max + 1)]) {
      const res = await submit(site.key, { text });
      expect([text.length, res.status]).toEqual([text.length, 400]);
      expect(res.body.error.details).toEqual([expect.objectContaining({ path: 'text' })]);
    }
  });

  test(`a thread of ${THREAD.toLocaleString('en')} comments stays paginated, oldest first, every one once`, async () => {
    await insertComments(parley.runtime.db, {
      siteKey: site.key,
      count: THREAD,
      status: 'approved',
      pageOf: () => 'big',
    });
    const first = await parley.http.get(`/v1/sites/${site.key}/pages/big/comments`);
    expect(first.status).toBe(200);
    expect(first.body.comments).toHaveLength(50);
    expect(first.body.total).toBe(THREAD);
    expect((await parley.http.get(`/v1/sites/${site.key}/pages/big/comments?limit=101`)).status).toBe(400);

    const seen = new Set<string>();
    let last = 0;
    let pages = 0;
    for (let cursor: string | null | undefined = undefined; cursor !== null;) {
      const res = await parley.http
        .get(`/v1/sites/${site.key}/pages/big/comments`)
        .query(cursor ? { limit: '100', cursor } : { limit: '100' });
      expect(res.status).toBe(200);
      expect(res.body.comments.length).toBeLessThanOrEqual(100);
      for (const c of res.body.comments as { id: string; createdAt: string }[]) {
        seen.add(c.id);
        const at = Date.parse(c.createdAt);
        expect(at).toBeGreaterThanOrEqual(last);
        last = at;
      }
      cursor = res.body.nextCursor;
      pages++;
    }
    expect(pages).toBe(THREAD / 100);
    expect(seen.size).toBe(THREAD);
    // Revalidation still answers 304 on a thread this size.
    const again = await parley.http
      .get(`/v1/sites/${site.key}/pages/big/comments`)
      .set('If-None-Match', first.headers.etag);
    expect(again.status).toBe(304);
  });

  test(`${SITES.toLocaleString('en')} sites: each answers on its own, and admins and moderators list them all`, async () => {
    const created: Site[] = [];
    for (let i = 0; i < SITES; i++) created.push(await parley.createSite({ name: `Site ${i}`, moderation: 'all' }));
    const listed = await api().get('/v1/admin/sites');
    expect(listed.status).toBe(200);
    const keys = new Set((listed.body.sites as Site[]).map((s) => s.key));
    for (const s of created) expect(keys.has(s.key)).toBe(true);
    const moderatorSites = await api().get('/v1/moderation/sites');
    expect(moderatorSites.status).toBe(200);
    expect(JSON.stringify(moderatorSites.body)).toContain(created[SITES - 1].key);
    for (const s of [created[0], created[SITES / 2], created[SITES - 1]]) {
      expect((await submit(s.key, { text: `Hello ${s.name}` })).status).toBe(202);
    }
    expect((await submit('site_unknown', { text: 'x' })).status).toBe(404);
  });

  test(`${ENDPOINTS} webhook endpoints on one site: every event reaches each of them once`, async () => {
    const receiver = await startWebhookReceiver();
    try {
      // Every request of this file comes from 127.0.0.1: the flood check is not under test.
      const hooked = await parley.createSite({ moderation: 'none', policy: { floodPerMinute: 1000 } });
      const endpoints = new Set<string>();
      for (let i = 0; i < ENDPOINTS; i++) {
        const res = await api().post(`/v1/admin/sites/${hooked.key}/webhooks`, {
          url: `${receiver.url}?endpoint=${i}`,
          events: ['comment.approved'],
        });
        expect(res.status).toBe(201);
        endpoints.add(res.body.endpoint.id);
      }
      expect(endpoints.size).toBe(ENDPOINTS);
      expect((await api().get(`/v1/admin/sites/${hooked.key}/webhooks`)).body.endpoints).toHaveLength(ENDPOINTS);
      const posted = await submit(hooked.key, { text: 'Tell everyone.' });
      expect(posted.status).toBe(202);
      const decided = await waitFor(async () => {
        const row = await parley.runtime.commentRepository.find(posted.body.comment.id);
        return row?.status === 'pending' ? undefined : row?.status;
      });
      expect(decided).toBe('approved');
      await waitFor(async () => (receiver.received.length >= ENDPOINTS ? true : undefined), {
        timeoutMs: 120_000,
        what: `the approval at all ${ENDPOINTS} endpoints`,
      }).catch((err: Error) => {
        throw new Error(`${err.message}: ${receiver.received.length} arrived`);
      });
      // Let any duplicate arrive before counting.
      await new Promise((resolve) => setTimeout(resolve, 500));
      for (const r of receiver.received) expect(JSON.parse(r.body)).toMatchObject({ type: 'comment.approved' });
      // One request to each endpoint's URL, all carrying the same event id.
      expect(receiver.received).toHaveLength(ENDPOINTS);
      expect(new Set(receiver.received.map((r) => r.url)).size).toBe(ENDPOINTS);
      expect(new Set(receiver.received.map((r) => r.headers['webhook-id'])).size).toBe(1);
    } finally {
      await receiver.close();
    }
  });

  test(`a moderation queue of ${QUEUE.toLocaleString('en')} held comments: listing, counts and bulk actions work`, async () => {
    const queue = await parley.createSite({ moderation: 'all' });
    const ids = await insertComments(parley.runtime.db, {
      siteKey: queue.key,
      count: QUEUE,
      status: 'held',
      pageOf: (i) => `page-${i % 100}`,
    });
    const list = (query: Record<string, string>) =>
      api()
        .get('/v1/moderation/comments')
        .query({ site: queue.key, status: 'held', ...query });
    const first = await list({});
    expect(first.status).toBe(200);
    expect(first.body.counts).toMatchObject({ held: QUEUE, approved: 0 });
    expect(first.body.comments).toHaveLength(50);
    // Newest first: the last inserted leads.
    expect(first.body.comments[0].id).toBe(ids[QUEUE - 1]);
    const second = await list({ cursor: first.body.nextCursor });
    expect(second.body.comments[0].id).toBe(ids[QUEUE - 51]);
    const oldest = await list({ order: 'oldest', limit: '100' });
    expect(oldest.body.comments.map((c: { id: string }) => c.id)).toEqual(ids.slice(0, 100));
    const onePage = await list({ pageId: 'page-7' });
    expect(onePage.body.counts.held).toBe(QUEUE / 100);

    // The largest bulk action, twice over.
    for (const batch of [ids.slice(0, 500), ids.slice(500, 1000)]) {
      const res = await api().post('/v1/moderation/actions', { ids: batch, action: 'approve' });
      expect(res.status).toBe(200);
      expect(res.body.results.every((r: { ok: boolean }) => r.ok)).toBe(true);
    }
    expect((await api().post('/v1/moderation/actions', { ids: ids.slice(0, 501), action: 'spam' })).status).toBe(400);
    const after = await list({});
    expect(after.body.counts).toMatchObject({ held: QUEUE - 1000, approved: 1000 });
    const stats = await api().get('/v1/moderation/stats').query({ site: queue.key });
    expect(stats.status).toBe(200);
  });
});
