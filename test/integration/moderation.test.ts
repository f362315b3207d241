import { routesOf } from '../../src/http/app';
import type { Site } from '../../src/sites/site-repository';
import { startTestParley, type TestParley } from '../helpers/parley';
import { DIALECTS, waitFor } from '../helpers/services';

describe.each(DIALECTS)('moderation API on %s', (dialect) => {
  let parley: TestParley;
  let siteA: Site;
  let siteB: Site;
  let admin: string;
  let moderator: string;
  let moderatorOfA: string;
  let counter = 0;

  beforeAll(async () => {
    // Behind a trusted local proxy, so tests can give each comment its client IP.
    parley = await startTestParley({ dialect, env: { PARLEY_TRUST_PROXY: 'loopback' } });
    siteA = await parley.createSite({ name: 'A', moderation: 'first-time' });
    siteB = await parley.createSite({ name: 'B', moderation: 'first-time' });
    admin = (await parley.runtime.tokenService.create({ role: 'admin', label: 'test admin' })).token;
    moderator = (await parley.runtime.tokenService.create({ role: 'moderator', label: 'mod' })).token;
    moderatorOfA = (await parley.runtime.tokenService.create({ role: 'moderator', siteKey: siteA.key, label: 'mod A' }))
      .token;
  });
  afterAll(() => parley.close());

  const as = (token: string) => ({
    get: (url: string) => parley.http.get(url).set('Authorization', `Bearer ${token}`),
    post: (url: string, body: object) => parley.http.post(url).set('Authorization', `Bearer ${token}`).send(body),
    patch: (url: string, body: object) => parley.http.patch(url).set('Authorization', `Bearer ${token}`).send(body),
    delete: (url: string, body: object = {}) =>
      parley.http.delete(url).set('Authorization', `Bearer ${token}`).send(body),
  });

  /** Posts a comment by a first-time author, which the worker holds. */
  async function heldComment(
    site: Site,
    overrides: Record<string, unknown> = {},
    ip = '203.0.113.50',
  ): Promise<string> {
    counter += 1;
    const res = await parley.http
      .post(`/v1/sites/${site.key}/comments`)
      .set('X-Forwarded-For', ip)
      .send({
        pageId: 'page-1',
        name: 'Holly',
        email: `holly${counter}@example.com`,
        text: `held comment ${counter}`,
        ...overrides,
      });
    expect(res.status).toBe(202);
    const id = res.body.comment.id as string;
    await waitFor(async () =>
      (await parley.runtime.commentRepository.find(id))?.status === 'pending' ? undefined : true,
    );
    return id;
  }

  describe('access', () => {
    /** Every operation the app declares for moderators or admins: a new one cannot be left out. */
    const routers = () =>
      routesOf(parley.app)
        .operations()
        .flatMap((op) => (op.auth === 'moderator' || op.auth === 'admin' ? [{ ...op, needs: op.auth }] : []));
    const call = (method: string, path: string) => {
      const url = path.replace(/:id\b/, '00000000-0000-4000-8000-000000000000');
      return (parley.http as unknown as Record<string, (u: string) => ReturnType<TestParley['http']['get']>>)
        [method](url)
        .send({});
    };

    it('declares the routes of DESIGN.md', () => {
      const paths = routers().map((r) => `${r.method.toUpperCase()} ${r.path}`);
      expect(paths).toEqual(
        expect.arrayContaining([
          'GET /v1/moderation/comments',
          'GET /v1/moderation/comments/:id',
          'POST /v1/moderation/comments/:id/actions',
          'POST /v1/moderation/actions',
          'PATCH /v1/moderation/comments/:id',
          'DELETE /v1/moderation/comments/:id',
          'GET /v1/moderation/bans',
          'POST /v1/moderation/bans',
          'DELETE /v1/moderation/bans/:id',
          'GET /v1/moderation/audit',
          'GET /v1/admin/tokens',
          'POST /v1/admin/tokens',
        ]),
      );
    });

    it('answers 401 on every route without a valid token, and 403 on admin routes for a moderator', async () => {
      const revoked = await parley.runtime.tokenService.create({ role: 'admin' });
      await parley.runtime.tokenService.revoke(revoked.record.id);
      for (const route of routers()) {
        const label = `${route.method} ${route.path}`;
        expect([label, (await call(route.method, route.path)).status]).toEqual([label, 401]);
        const garbage = await call(route.method, route.path).set(
          'Authorization',
          'Bearer tok_AAAAAAAAAAAA.' + 'x'.repeat(43),
        );
        expect([label, garbage.status, garbage.body.error.code]).toEqual([label, 401, 'unauthorized']);
        const old = await call(route.method, route.path).set('Authorization', `Bearer ${revoked.token}`);
        expect([label, old.status]).toEqual([label, 401]);
        if (route.needs === 'admin') {
          const res = await call(route.method, route.path).set('Authorization', `Bearer ${moderator}`);
          expect([label, res.status]).toEqual([label, 403]);
        } else {
          const res = await call(route.method, route.path).set('Authorization', `Bearer ${moderator}`);
          expect([label, res.status]).not.toEqual([label, 401]);
          expect([label, res.status]).not.toEqual([label, 403]);
        }
      }
    });

    it("answers 403 to a site-limited token for another site's comments", async () => {
      const onB = await heldComment(siteB);
      expect((await as(moderatorOfA).get(`/v1/moderation/comments/${onB}`)).status).toBe(403);
      expect(
        (await as(moderatorOfA).post(`/v1/moderation/comments/${onB}/actions`, { action: 'approve' })).status,
      ).toBe(403);
      expect((await as(moderatorOfA).get(`/v1/moderation/comments?site=${siteB.key}`)).status).toBe(403);
      const listed = await as(moderatorOfA).get('/v1/moderation/comments');
      expect(listed.body.comments.every((c: { siteKey: string }) => c.siteKey === siteA.key)).toBe(true);
      expect((await as(moderatorOfA).get('/v1/moderation/sites')).body.sites).toEqual([{ key: siteA.key, name: 'A' }]);
      expect((await as(moderator).get(`/v1/moderation/comments/${onB}`)).status).toBe(200);
    });

    it('accepts PARLEY_ADMIN_TOKEN as an admin, and tokens made through the admin API', async () => {
      const configured = 'c'.repeat(32);
      const withEnvToken = await startTestParley({
        dialect,
        worker: false,
        shareWith: parley,
        env: { PARLEY_ADMIN_TOKEN: configured },
      });
      try {
        const me = await withEnvToken.http.get('/v1/moderation/me').set('Authorization', `Bearer ${configured}`);
        expect(me.body).toMatchObject({ role: 'admin', siteKey: null });
        const created = await withEnvToken.http
          .post('/v1/admin/tokens')
          .set('Authorization', `Bearer ${configured}`)
          .send({ role: 'moderator', siteKey: siteA.key, label: 'api-made' });
        expect(created.status).toBe(201);
        expect(created.body).toMatchObject({ role: 'moderator', siteKey: siteA.key, label: 'api-made' });
        const made = created.body.token as string;
        expect((await as(made).get('/v1/moderation/me')).body).toMatchObject({
          id: created.body.id,
          siteKey: siteA.key,
        });
        const listed = await as(admin).get('/v1/admin/tokens');
        expect(JSON.stringify(listed.body)).not.toContain(made.split('.')[1]);
        expect((await as(admin).delete(`/v1/admin/tokens/${created.body.id}`)).status).toBe(204);
        expect((await as(made).get('/v1/moderation/me')).status).toBe(401);
        expect((await as(admin).post('/v1/admin/tokens', { role: 'owner' })).status).toBe(400);
        // Admin tokens are global: a site-limited admin could otherwise mint a global one.
        const scopedAdmin = await as(admin).post('/v1/admin/tokens', { role: 'admin', siteKey: siteA.key });
        expect(scopedAdmin.status).toBe(400);
        expect(scopedAdmin.body.error.details[0].path).toBe('siteKey');
      } finally {
        await withEnvToken.close();
      }
    });
  });

  describe('the review queue', () => {
    it('lists held comments with counts per status, filters and pages', async () => {
      const ids = [
        await heldComment(siteA, { pageId: 'queue', text: 'first needle' }),
        await heldComment(siteA, { pageId: 'queue' }),
        await heldComment(siteA, { pageId: 'queue' }),
      ];
      const base = `/v1/moderation/comments?site=${siteA.key}&pageId=queue`;
      const list = await as(moderator).get(base);
      expect(list.status).toBe(200);
      expect(list.body.comments.map((c: { id: string }) => c.id)).toEqual([...ids].reverse());
      expect(list.body.counts).toMatchObject({ held: 3, approved: 0, spam: 0 });
      const held = list.body.comments[2];
      expect(held).toMatchObject({
        status: 'held',
        text: 'first needle',
        author: { name: 'Holly', ip: '203.0.113.50' },
      });
      expect(held.author.email).toMatch(/@example\.com$/);
      expect(held.findings).toEqual([
        expect.objectContaining({ check: 'site-policy', verdict: 'hold', reason: expect.any(String) }),
      ]);

      const oldest = await as(moderator).get(`${base}&order=oldest&limit=2`);
      expect(oldest.body.comments.map((c: { id: string }) => c.id)).toEqual(ids.slice(0, 2));
      const rest = await as(moderator).get(`${base}&order=oldest&limit=2&cursor=${oldest.body.nextCursor}`);
      expect(rest.body.comments.map((c: { id: string }) => c.id)).toEqual([ids[2]]);
      expect(rest.body.nextCursor).toBeNull();

      expect((await as(moderator).get(`${base}&q=NEEDLE`)).body.comments.map((c: { id: string }) => c.id)).toEqual([
        ids[0],
      ]);
      expect((await as(moderator).get(`${base}&q=100%25`)).body.comments).toEqual([]);
      expect((await as(moderator).get(`${base}&email=${held.author.email.toUpperCase()}`)).body.comments).toHaveLength(
        1,
      );
      expect((await as(moderator).get(`${base}&status=approved`)).body.comments).toEqual([]);
      expect((await as(moderator).get(`${base}&status=bogus`)).status).toBe(400);
      expect((await as(moderator).get(`${base}&cursor=nope`)).status).toBe(400);
    });

    it('shows one comment in full: parent, author history', async () => {
      const email = 'history@example.com';
      const first = await heldComment(siteA, { email, pageId: 'full' });
      await as(moderator).post(`/v1/moderation/comments/${first}/actions`, { action: 'approve' });
      const second = await heldComment(siteA, { email: 'other@example.com', pageId: 'full', parentId: first });
      const third = await heldComment(siteA, {
        email,
        pageId: 'full',
        text: 'needs a look https://a.example https://b.example https://c.example',
      });

      const detail = await as(moderator).get(`/v1/moderation/comments/${second}`);
      expect(detail.body.parent).toMatchObject({ id: first, status: 'approved' });
      const withHistory = await as(moderator).get(`/v1/moderation/comments/${third}`);
      expect(withHistory.body.comment).toMatchObject({ status: 'held', author: { email } });
      expect(withHistory.body.history.counts).toMatchObject({ approved: 1, held: 1 });
      expect(withHistory.body.history.recent.map((c: { id: string }) => c.id)).toEqual([first]);
      expect(withHistory.body.comment.findings).toContainEqual(expect.objectContaining({ check: 'link-count' }));
      expect((await as(moderator).get('/v1/moderation/comments/00000000-0000-4000-8000-000000000000')).status).toBe(
        404,
      );
      expect((await as(moderator).get('/v1/moderation/comments/nope')).status).toBe(404);
    });
  });

  describe('actions', () => {
    it('approves, holds, rejects and marks spam, and the public thread follows', async () => {
      const id = await heldComment(siteA, { pageId: 'act' });
      const thread = async () =>
        (await parley.http.get(`/v1/sites/${siteA.key}/pages/act/comments`)).body.comments.map(
          (c: { id: string }) => c.id,
        );

      const approved = await as(moderator).post(`/v1/moderation/comments/${id}/actions`, {
        action: 'approve',
        note: 'fine',
      });
      expect(approved.status).toBe(200);
      expect(approved.body).toMatchObject({ previousStatus: 'held', comment: { id, status: 'approved' } });
      expect(await thread()).toEqual([id]);

      for (const [action, status] of [
        ['spam', 'spam'],
        ['hold', 'held'],
        ['reject', 'rejected'],
      ]) {
        const res = await as(moderator).post(`/v1/moderation/comments/${id}/actions`, { action });
        expect(res.body.comment.status).toBe(status);
        expect(await thread()).toEqual([]);
      }
      expect((await as(moderator).post(`/v1/moderation/comments/${id}/actions`, { action: 'publish' })).status).toBe(
        400,
      );

      const audit = await as(moderator).get(`/v1/moderation/audit?commentId=${id}`);
      expect(
        audit.body.entries.map((e: { action: string; beforeStatus: string; afterStatus: string }) => [
          e.action,
          e.beforeStatus,
          e.afterStatus,
        ]),
      ).toEqual([
        ['reject', 'held', 'rejected'],
        ['hold', 'spam', 'held'],
        ['spam', 'approved', 'spam'],
        ['approve', 'held', 'approved'],
      ]);
      expect(audit.body.entries[3]).toMatchObject({ note: 'fine', actor: { label: 'mod' } });
    });

    it('acts on many comments at once, with a result per id', async () => {
      const ids = [await heldComment(siteA), await heldComment(siteA)];
      const onB = await heldComment(siteB);
      const missing = '00000000-0000-4000-8000-000000000000';
      const res = await as(moderatorOfA).post('/v1/moderation/actions', {
        ids: [...ids, onB, missing],
        action: 'spam',
      });
      expect(res.status).toBe(200);
      expect(res.body.results).toEqual([
        { id: ids[0], ok: true, status: 'spam', previousStatus: 'held' },
        { id: ids[1], ok: true, status: 'spam', previousStatus: 'held' },
        { id: onB, ok: false, error: expect.objectContaining({ code: 'forbidden' }) },
        { id: missing, ok: false, error: expect.objectContaining({ code: 'not_found' }) },
      ]);
      expect((await parley.runtime.commentRepository.find(onB))?.status).toBe('held');
      const tooMany = Array.from({ length: 501 }, () => missing);
      expect((await as(moderator).post('/v1/moderation/actions', { ids: tooMany, action: 'spam' })).status).toBe(400);
    });

    it('ends two simultaneous actions on one comment in one consistent status with two audit entries', async () => {
      const id = await heldComment(siteA);
      const [a, b] = await Promise.all([
        as(moderator).post(`/v1/moderation/comments/${id}/actions`, { action: 'approve' }),
        as(admin).post(`/v1/moderation/comments/${id}/actions`, { action: 'spam' }),
      ]);
      expect([a.status, b.status]).toEqual([200, 200]);
      const final = (await parley.runtime.commentRepository.find(id))!;
      const audit = (await as(admin).get(`/v1/moderation/audit?commentId=${id}`)).body.entries;
      expect(audit).toHaveLength(2);
      // The later entry starts where the earlier one ended, and ends in the stored status.
      expect(audit[0].beforeStatus).toBe(audit[1].afterStatus);
      expect(audit[1].beforeStatus).toBe('held');
      expect(audit[0].afterStatus).toBe(final.status);
    });

    it('edits the text, re-rendered and sanitized, keeping the original', async () => {
      const id = await heldComment(siteA, { text: 'orignal txt' });
      const res = await as(moderator).patch(`/v1/moderation/comments/${id}`, {
        text: 'fixed *text* <script>x()</script>',
      });
      expect(res.status).toBe(200);
      expect(res.body.comment).toMatchObject({
        text: 'fixed *text* <script>x()</script>',
        originalText: 'orignal txt',
        html: '<p>fixed <em>text</em> &lt;script&gt;x()&lt;/script&gt;</p>',
        status: 'held',
      });
      expect(res.body.comment.editedAt).not.toBeNull();
      const again = await as(moderator).patch(`/v1/moderation/comments/${id}`, { text: 'third' });
      expect(again.body.comment.originalText).toBe('orignal txt');
      expect((await as(moderator).patch(`/v1/moderation/comments/${id}`, { text: '  ' })).status).toBe(400);
    });

    it('deletes: erases the content, keeps a tombstone while replies are published, and refuses further actions', async () => {
      const parent = await heldComment(siteA, { pageId: 'tomb', text: 'to be deleted' });
      await as(moderator).post(`/v1/moderation/comments/${parent}/actions`, { action: 'approve' });
      const reply = await heldComment(siteA, { pageId: 'tomb', parentId: parent });
      await as(moderator).post(`/v1/moderation/comments/${reply}/actions`, { action: 'approve' });

      const deleted = await as(moderator).delete(`/v1/moderation/comments/${parent}`, { note: 'abuse' });
      expect(deleted.status).toBe(200);
      const row = (await parley.runtime.commentRepository.find(parent))!;
      expect(row).toMatchObject({ status: 'deleted', text: '', html: '', authorEmail: '', authorName: '', ip: null });

      const thread = (await parley.http.get(`/v1/sites/${siteA.key}/pages/tomb/comments`)).body.comments;
      expect(thread).toEqual([
        expect.objectContaining({ id: parent, deleted: true, html: '', name: '' }),
        expect.objectContaining({ id: reply, parentId: parent }),
      ]);
      await as(moderator).post(`/v1/moderation/comments/${reply}/actions`, { action: 'reject' });
      expect((await parley.http.get(`/v1/sites/${siteA.key}/pages/tomb/comments`)).body.comments).toEqual([]);

      for (const res of [
        await as(moderator).post(`/v1/moderation/comments/${parent}/actions`, { action: 'approve' }),
        await as(moderator).patch(`/v1/moderation/comments/${parent}`, { text: 'revive' }),
        await as(moderator).delete(`/v1/moderation/comments/${parent}`),
      ]) {
        expect(res.status).toBe(409);
        expect(res.body.error.code).toBe('comment_deleted');
      }
    });
  });

  describe('bans', () => {
    it('bans an email, rejecting its held comments and every new one', async () => {
      const email = 'troll@example.com';
      const earlier = await heldComment(siteA, { email });
      const elsewhere = await heldComment(siteB, { email });
      const res = await as(moderator).post('/v1/moderation/bans', {
        kind: 'email',
        value: 'Troll@Example.com',
        siteKey: siteA.key,
        reason: 'abuse',
        rejectPending: true,
      });
      expect(res.status).toBe(201);
      expect(res.body.ban).toMatchObject({ kind: 'email', value: email, siteKey: siteA.key });
      expect(res.body.rejected).toEqual([earlier]);
      expect((await parley.runtime.commentRepository.find(elsewhere))?.status).toBe('held');

      const next = await heldComment(siteA, { email });
      const row = (await parley.runtime.commentRepository.find(next))!;
      expect(row.status).toBe('rejected');
      expect(row.findings).toContainEqual(expect.objectContaining({ check: 'ban', verdict: 'reject' }));

      expect((await as(moderator).get('/v1/moderation/bans')).body.bans.map((b: { id: string }) => b.id)).toContain(
        res.body.ban.id,
      );
      expect((await as(moderator).delete(`/v1/moderation/bans/${res.body.ban.id}`)).status).toBe(204);
      const after = await heldComment(siteA, { email, text: 'after the ban was lifted' });
      expect((await parley.runtime.commentRepository.find(after))?.status).toBe('held');
      const audit = (await as(moderator).get('/v1/moderation/audit')).body.entries.map(
        (e: { action: string }) => e.action,
      );
      expect(audit).toEqual(expect.arrayContaining(['ban', 'unban']));
    });

    it("shows a site-limited moderator its site's bans, not the global ones with their values and reasons", async () => {
      const global = await as(moderator).post('/v1/moderation/bans', {
        kind: 'email',
        value: 'global@ban.example',
        reason: 'secret note',
      });
      const own = await as(moderatorOfA).post('/v1/moderation/bans', {
        kind: 'email',
        value: 'own@ban.example',
        siteKey: siteA.key,
      });
      expect([global.status, own.status]).toEqual([201, 201]);
      const listed = (await as(moderatorOfA).get('/v1/moderation/bans')).body.bans.map(
        (b: { value: string }) => b.value,
      );
      expect(listed).toContain('own@ban.example');
      expect(listed).not.toContain('global@ban.example');
      expect(
        (await as(moderator).get('/v1/moderation/bans')).body.bans.map((b: { value: string }) => b.value),
      ).toContain('global@ban.example');
      await as(moderator).delete(`/v1/moderation/bans/${global.body.ban.id}`);
      await as(moderatorOfA).delete(`/v1/moderation/bans/${own.body.ban.id}`);
    });

    it('bans IP ranges and email domains, globally, and validates what it is given', async () => {
      const ipBan = await as(moderator).post('/v1/moderation/bans', { kind: 'ip', value: '203.0.113.0/24' });
      expect(ipBan.status).toBe(201);
      const byIp = await heldComment(siteB);
      expect((await parley.runtime.commentRepository.find(byIp))?.status).toBe('rejected');
      await as(moderator).delete(`/v1/moderation/bans/${ipBan.body.ban.id}`);

      await as(moderator).post('/v1/moderation/bans', {
        kind: 'domain',
        value: 'spam.example',
        expiresAt: '2099-01-01T00:00:00Z',
      });
      const byDomain = await heldComment(siteB, { email: 'x@mail.spam.example' });
      expect((await parley.runtime.commentRepository.find(byDomain))?.status).toBe('rejected');

      for (const [kind, value] of [
        ['ip', '300.1.1.1'],
        ['ip', '10.0.0.0/33'],
        ['domain', 'not a domain'],
        ['email', 'nope'],
      ]) {
        const bad = await as(moderator).post('/v1/moderation/bans', { kind, value });
        expect([value, bad.status, bad.body.error.details?.[0]?.path]).toEqual([value, 400, 'value']);
      }
      expect((await as(moderatorOfA).post('/v1/moderation/bans', { kind: 'email', value: 'a@b.example' })).status).toBe(
        403,
      );
      expect(
        (
          await as(moderatorOfA).post('/v1/moderation/bans', {
            kind: 'email',
            value: 'a@b.example',
            siteKey: siteA.key,
          })
        ).status,
      ).toBe(201);
    });
  });

  describe('stats', () => {
    it("counts each check's verdicts and how many a moderator overturned, for the token's site", async () => {
      const site = await parley.createSite({ name: 'Stats', moderation: 'first-time' });
      const moderatorOfSite = (await parley.runtime.tokenService.create({ role: 'moderator', siteKey: site.key }))
        .token;
      // Each from an IP of its own: the flood check must not be the one that holds them.
      const held = [];
      for (const n of [1, 2, 3]) held.push(await heldComment(site, {}, `198.51.100.${200 + n}`));
      await as(moderatorOfSite).post(`/v1/moderation/comments/${held[0]}/actions`, { action: 'approve' });
      await as(moderatorOfSite).post(`/v1/moderation/comments/${held[1]}/actions`, { action: 'spam' });

      const res = await as(moderatorOfSite).get(`/v1/moderation/stats?site=${site.key}&days=7`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        site: site.key,
        days: 7,
        comments: 3,
        statuses: { approved: 1, spam: 1, held: 1 },
      });
      expect(res.body.checks).toContainEqual({ check: 'site-policy', verdict: 'hold', count: 3, overturned: 1 });
      // A site-limited token sees its own site, whatever it asks for.
      expect((await as(moderatorOfSite).get('/v1/moderation/stats')).body.site).toBe(site.key);
      expect((await as(moderatorOfA).get(`/v1/moderation/stats?site=${site.key}`)).status).toBe(403);
      expect((await as(admin).get(`/v1/moderation/stats?site=${site.key}`)).body.comments).toBe(3);
      expect((await as(admin).get('/v1/moderation/stats?days=0')).status).toBe(400);
      expect((await parley.http.get('/v1/moderation/stats')).status).toBe(401);
    });
  });
});
