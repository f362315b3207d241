import { createHash } from 'node:crypto';
import type { Site } from '../../src/sites/site-repository';
import { startTestParley, type TestParley } from '../helpers/parley';
import { xssPayloads } from '../helpers/datasets';
import { allowlistViolations } from '../helpers/html-allowlist';
import { DIALECTS, waitFor } from '../helpers/services';

const ORIGIN = 'https://blog.example';

let authors = 0;

/** A comment by a new author unless the test names one: one test's verdicts must not shape another's. */
function comment(overrides: Record<string, unknown> = {}) {
  authors += 1;
  return {
    pageId: 'post-1',
    name: 'Ann Reader',
    email: `Ann.Reader${authors}@Example.com`,
    text: 'A thoughtful comment.',
    ...overrides,
  };
}

describe.each(DIALECTS)('comments API and worker on %s', (dialect) => {
  let parley: TestParley;
  let open: Site;
  let firstTime: Site;

  beforeAll(async () => {
    parley = await startTestParley({ dialect });
    // Every request here comes from 127.0.0.1; the flood limit is the engine tests' business.
    const policy = { floodPerMinute: 1000 };
    open = await parley.createSite({ moderation: 'none', policy });
    firstTime = await parley.createSite({ moderation: 'first-time', policy });
  });
  afterAll(() => parley.close());

  const post = (site: Site, body: unknown) =>
    parley.http
      .post(`/v1/sites/${site.key}/comments`)
      .set('Content-Type', 'application/json')
      .send(JSON.stringify(body));

  const statusOf = async (id: string) => (await parley.runtime.commentRepository.find(id))?.status;

  async function decided(id: string) {
    const status = await waitFor(
      async () => {
        const s = await statusOf(id);
        return s === 'pending' ? undefined : s;
      },
      { what: `a decision on ${id}` },
    );
    return { status, row: (await parley.runtime.commentRepository.find(id))! };
  }

  it('accepts a comment as pending, and publishes it once the worker approves it', async () => {
    const res = await post(open, comment({ pageId: 'publish', text: 'Hello *world*' }));
    expect(res.status).toBe(202);
    expect(res.body.comment).toMatchObject({
      status: 'pending',
      pageId: 'publish',
      name: 'Ann Reader',
      parentId: null,
    });
    expect(typeof res.body.authorToken).toBe('string');

    const started = Date.now();
    const thread = await waitFor(async () => {
      const r = await parley.http.get(`/v1/sites/${open.key}/pages/publish/comments`);
      return r.body.comments.length > 0 ? r : undefined;
    });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(thread.body.total).toBe(1);
    expect(thread.body.comments[0]).toMatchObject({ id: res.body.comment.id, html: '<p>Hello <em>world</em></p>' });

    const status = await parley.http
      .get(`/v1/comments/${res.body.comment.id}/status`)
      .set('Authorization', `Bearer ${res.body.authorToken}`);
    expect(status.body).toEqual({ id: res.body.comment.id, status: 'approved' });
  });

  it("holds a first-time author's comment and tells the author it is held", async () => {
    const res = await post(firstTime, comment({ pageId: 'held', email: 'new@example.com' }));
    const { status, row } = await decided(res.body.comment.id);
    expect(status).toBe('held');
    expect(row.findings).toEqual([expect.objectContaining({ check: 'site-policy', verdict: 'hold' })]);

    const own = await parley.http
      .get(`/v1/comments/${res.body.comment.id}/status`)
      .set('Authorization', `Bearer ${res.body.authorToken}`);
    expect(own.body).toEqual({ id: res.body.comment.id, status: 'held' });
    const wrongToken = await parley.http
      .get(`/v1/comments/${res.body.comment.id}/status`)
      .set('Authorization', 'Bearer nope');
    expect(wrongToken.status).toBe(404);
    const noToken = await parley.http.get(`/v1/comments/${res.body.comment.id}/status`);
    expect(noToken.status).toBe(401);
    expect(noToken.body.error.code).toBe('unauthorized');
    const published = await parley.http.get(`/v1/sites/${firstTime.key}/pages/held/comments`);
    expect(published.body.comments).toEqual([]);
  });

  it('lets an author with an approved comment through on a first-time site, given proof, not a typed email', async () => {
    const email = 'regular@example.com';
    const first = await post(firstTime, comment({ pageId: 'trust', email, text: 'first' }));
    expect((await decided(first.body.comment.id)).status).toBe('held');
    await parley.runtime.db
      .updateTable('comments')
      .set({ status: 'approved' })
      .where('id', '=', first.body.comment.id)
      .execute();

    // Someone else typing the same address gets no trust from it.
    const impostor = await post(firstTime, comment({ pageId: 'trust', email, text: 'pretending' }));
    expect((await decided(impostor.body.comment.id)).status).toBe('held');

    // The author's browser sends the earlier comment's author token as its proof.
    const second = await post(
      firstTime,
      comment({ pageId: 'trust', email: 'REGULAR@example.com', text: 'second', authorProof: first.body.authorToken }),
    );
    const { status, row } = await decided(second.body.comment.id);
    expect(status).toBe('approved');
    expect(row.findings).toEqual([expect.objectContaining({ check: 'author-history', verdict: 'approve' })]);
  });

  it('files a comment with the honeypot filled in as spam', async () => {
    const res = await post(open, comment({ pageId: 'hp', email: 'bot@example.net', hp: 'http://cheap.example' }));
    const { status, row } = await decided(res.body.comment.id);
    expect(status).toBe('spam');
    expect(row.findings).toEqual([expect.objectContaining({ check: 'honeypot', verdict: 'spam' })]);
  });

  it("holds a comment with more links than the site's limit", async () => {
    const text = 'See https://a.example and https://b.example and [this](https://c.example)';
    const res = await post(open, comment({ pageId: 'links', text }));
    const { status, row } = await decided(res.body.comment.id);
    expect(status).toBe('held');
    expect(row.findings).toContainEqual(expect.objectContaining({ check: 'link-count', verdict: 'hold', score: 3 }));

    const two = await post(
      open,
      comment({
        pageId: 'links',
        text: 'Two good sources: https://en.wikipedia.org/wiki/Tide and https://www.gov.uk/tide-tables',
      }),
    );
    expect((await decided(two.body.comment.id)).status).toBe('approved');
  });

  it('rejects the same text by the same author on the same page (elsewhere it is the flood check that objects)', async () => {
    const text = 'Great   post, thanks!';
    const email = 'repeater@example.com';
    const first = await post(open, comment({ pageId: 'dup', text, email }));
    expect((await decided(first.body.comment.id)).status).toBe('approved');
    const again = await post(open, comment({ pageId: 'dup', text: 'great post, thanks!', email }));
    const { status, row } = await decided(again.body.comment.id);
    expect(status).toBe('rejected');
    expect(row.findings).toContainEqual(expect.objectContaining({ check: 'duplicate', verdict: 'reject' }));
    const elsewhere = await post(open, comment({ pageId: 'dup-other', text, email }));
    const other = await decided(elsewhere.body.comment.id);
    expect(other.row.findings.map((f) => f.check)).not.toContain('duplicate');
  });

  it('threads replies to approved comments on the same page only', async () => {
    const parent = await post(open, comment({ pageId: 'thread', text: 'parent' }));
    await decided(parent.body.comment.id);
    const reply = await post(
      open,
      comment({ pageId: 'thread', parentId: parent.body.comment.id, text: 'reply', email: 'b@example.com' }),
    );
    expect(reply.status).toBe(202);
    await decided(reply.body.comment.id);
    const thread = await parley.http.get(`/v1/sites/${open.key}/pages/thread/comments`);
    expect(thread.body.comments.map((c: { parentId: string | null }) => c.parentId)).toEqual([
      null,
      parent.body.comment.id,
    ]);

    const otherPage = await post(open, comment({ pageId: 'elsewhere', parentId: parent.body.comment.id }));
    expect(otherPage.status).toBe(400);
    expect(otherPage.body.error.details).toEqual([expect.objectContaining({ path: 'parentId' })]);

    const held = await post(firstTime, comment({ pageId: 'thread', email: 'stranger@example.com' }));
    await decided(held.body.comment.id);
    const toHeld = await post(
      firstTime,
      comment({ pageId: 'thread', parentId: held.body.comment.id, text: 'reply to held' }),
    );
    expect(toHeld.status).toBe(400);
  });

  it('pages through a thread oldest first with a cursor, and answers 304 to a matching ETag', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const res = await post(
        open,
        comment({ pageId: 'paged', text: `comment number ${i}`, email: `p${i}@example.com` }),
      );
      ids.push(res.body.comment.id);
      await decided(res.body.comment.id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await parley.http
        .get(`/v1/sites/${open.key}/pages/paged/comments`)
        .query({ limit: 2, ...(cursor ? { cursor } : {}) });
      expect(res.status).toBe(200);
      expect(res.body.total).toBe(5);
      seen.push(...res.body.comments.map((c: { id: string }) => c.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(ids);

    const first = await parley.http.get(`/v1/sites/${open.key}/pages/paged/comments`);
    expect(first.headers['cache-control']).toMatch(/max-age=1/);
    const again = await parley.http
      .get(`/v1/sites/${open.key}/pages/paged/comments`)
      .set('If-None-Match', first.headers.etag);
    expect(again.status).toBe(304);
  });

  it('carries XSS payloads from the shared lists through the pipeline as inert HTML', async () => {
    const all = xssPayloads();
    // Every 150th payload: a spread over all the lists, quick enough to run on both databases.
    const sample = all.filter((_, i) => i % 150 === 0);
    const ids: string[] = [];
    for (const [i, { payload }] of sample.entries()) {
      const res = await post(open, comment({ pageId: 'xss', email: `x${i}@example.com`, text: payload }));
      expect(res.status).toBe(202);
      ids.push(res.body.comment.id);
    }
    for (const id of ids) await decided(id);
    const thread = await parley.http.get(`/v1/sites/${open.key}/pages/xss/comments`).query({ limit: 100 });
    expect(thread.body.comments.length).toBeGreaterThan(sample.length / 2);
    for (const c of thread.body.comments as { html: string }[]) expect(allowlistViolations(c.html)).toEqual([]);
  });

  describe('bad input gets a clear error and changes nothing', () => {
    const countComments = async () =>
      Number(
        (
          await parley.runtime.db
            .selectFrom('comments')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );

    it.each([
      ['missing fields', {}, ['pageId', 'name', 'email', 'text']],
      ['bad email', comment({ email: 'not-an-email' }), ['email']],
      ['bad website', comment({ website: 'javascript:alert(1)' }), ['website']],
      ['bad page URL', comment({ pageUrl: 'ftp://x.example/' }), ['pageUrl']],
      ['blank text', comment({ text: '   ' }), ['text']],
      ['too long text', comment({ text: 'x'.repeat(5001) }), ['text']],
      ['too long name', comment({ name: 'n'.repeat(81) }), ['name']],
      ['name with a bidi override', comment({ name: 'Ann \u202Enimda' }), ['name']],
      ['name with a control character', comment({ name: 'Ann\u0007' }), ['name']],
      ['name with stacked combining marks', comment({ name: 'Z\u0300\u0301\u0302\u0303\u0304algo' }), ['name']],
      ['wrong types', comment({ name: 42, text: ['a'] }), ['name', 'text']],
      ['malformed parent id', comment({ parentId: '../../etc' }), ['parentId']],
      ['unknown parent', comment({ parentId: '00000000-0000-4000-8000-000000000000' }), ['parentId']],
    ])('%s: 400 listing the fields', async (_name, body, fields) => {
      const before = await countComments();
      const res = await post(open, body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(res.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual([...fields].sort());
      expect(await countComments()).toBe(before);
    });

    it('415 for a body that is not JSON', async () => {
      const res = await parley.http
        .post(`/v1/sites/${open.key}/comments`)
        .set('Content-Type', 'text/plain')
        .send('hello');
      expect(res.status).toBe(415);
      expect(res.body.error.code).toBe('unsupported_media_type');
      const form = await parley.http.post(`/v1/sites/${open.key}/comments`).type('form').send({ text: 'x' });
      expect(form.status).toBe(415);
    });

    it('400 for malformed JSON and for a JSON value that is not an object', async () => {
      const res = await parley.http
        .post(`/v1/sites/${open.key}/comments`)
        .set('Content-Type', 'application/json')
        .send('{"pageId":');
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_json');
      const array = await post(open, [1, 2]);
      expect(array.status).toBe(400);
    });

    it('413 for a body over the limit', async () => {
      const res = await post(open, comment({ text: 'x'.repeat(70_000) }));
      expect(res.status).toBe(413);
      expect(res.body.error.code).toBe('payload_too_large');
    });

    it('404 for an unknown site, route or comment', async () => {
      expect((await post({ key: 'site_nope' } as Site, comment())).status).toBe(404);
      expect((await parley.http.get('/v1/sites/site_nope/pages/x/comments')).body.error.code).toBe('not_found');
      expect((await parley.http.get('/v1/nothing')).status).toBe(404);
      const status = await parley.http.get('/v1/comments/not-a-uuid/status').set('Authorization', 'Bearer x');
      expect(status.status).toBe(404);
    });

    it('400, not 500, for NUL characters and broken percent-encoding', async () => {
      const nul = await post(open, comment({ name: 'Ann\u0000' }));
      expect(nul.status).toBe(400);
      expect(nul.body.error).toMatchObject({ code: 'validation_failed', details: [{ path: 'name' }] });
      // The six characters \u0000 typed in a comment are text like any other.
      const typed = await post(open, comment({ pageId: 'typed', text: 'In C, a string ends with \\u0000.' }));
      expect(typed.status).toBe(202);
      expect((await parley.http.get(`/v1/sites/${open.key}/pages/a%00b/comments`)).status).toBe(400);
      const broken = await parley.http.get('/v1/comments/%zz/status').set('Authorization', 'Bearer x');
      expect(broken.status).toBe(400);
      expect(broken.body.error.code).toBe('bad_request');
    });

    it('400, not 500, for JSON nested too deep, and it tells why', async () => {
      const deep = `{"hp":${'['.repeat(5000)}${']'.repeat(5000)},"pageId":"x"}`;
      const res = await parley.http
        .post(`/v1/sites/${open.key}/comments`)
        .set('Content-Type', 'application/json')
        .send(deep);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({
        code: 'bad_request',
        message: expect.stringMatching(/nested more than 32/),
      });
      // Brackets inside strings are text.
      const brackets = await post(open, comment({ pageId: 'brackets', text: '[['.repeat(100) }));
      expect(brackets.status).toBe(202);
    });

    it('400 for a cursor or limit the API did not give out', async () => {
      const base = `/v1/sites/${open.key}/pages/paged/comments`;
      expect((await parley.http.get(base).query({ cursor: 'garbage!' })).status).toBe(400);
      expect((await parley.http.get(base).query({ limit: 0 })).status).toBe(400);
      expect((await parley.http.get(base).query({ limit: 'many' })).status).toBe(400);
    });
  });

  it('answers 429 with Retry-After past the per-IP submission limit, counted across API replicas', async () => {
    const limited = await startTestParley({
      dialect,
      worker: false,
      shareWith: parley,
      env: { PARLEY_SUBMITS_PER_MINUTE: '3', PARLEY_TRUST_PROXY: 'loopback' },
    });
    const replica = await startTestParley({
      dialect,
      worker: false,
      shareWith: parley,
      env: { PARLEY_SUBMITS_PER_MINUTE: '3', PARLEY_TRUST_PROXY: 'loopback' },
    });
    try {
      // Connected first: the limiter lets requests through while Redis cannot answer.
      for (const instance of [limited, replica]) {
        await waitFor(async () => (instance.runtime.producerConnection.status === 'ready' ? true : undefined));
      }
      const send = (on: typeof limited, ip: string) =>
        on.http
          .post(`/v1/sites/${open.key}/comments`)
          .set('X-Forwarded-For', ip)
          .send(comment({ pageId: 'limited' }));
      const ip = `198.18.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
      const statuses = [];
      for (let i = 0; i < 4; i += 1) statuses.push((await send(i % 2 ? replica : limited, ip)).status);
      expect(statuses).toEqual([202, 202, 202, 429]);
      const refused = await send(limited, ip);
      expect(refused.body.error.code).toBe('rate_limited');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
      expect((await send(limited, '198.51.100.200')).status).toBe(202);
    } finally {
      await replica.close();
      await limited.close();
    }
  });

  describe('origins and CORS', () => {
    it('refuses browser requests from origins the site does not list', async () => {
      const res = await post(open, comment()).set('Origin', 'https://evil.example');
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('origin_not_allowed');
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      const read = await parley.http
        .get(`/v1/sites/${open.key}/pages/x/comments`)
        .set('Origin', 'https://evil.example');
      expect(read.status).toBe(403);
    });

    it("names only the site's own origin, preflight included", async () => {
      const preflight = await parley.http
        .options(`/v1/sites/${open.key}/comments`)
        .set('Origin', ORIGIN)
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'content-type');
      expect(preflight.status).toBe(204);
      expect(preflight.headers['access-control-allow-origin']).toBe(ORIGIN);
      expect(preflight.headers['access-control-allow-headers']).toMatch(/Content-Type/i);

      const denied = await parley.http
        .options(`/v1/sites/${open.key}/comments`)
        .set('Origin', 'https://evil.example')
        .set('Access-Control-Request-Method', 'POST');
      expect(denied.status).toBe(403);

      const res = await post(open, comment({ pageId: 'cors' })).set('Origin', ORIGIN);
      expect(res.status).toBe(202);
      expect(res.headers['access-control-allow-origin']).toBe(ORIGIN);

      const statusPreflight = await parley.http
        .options(`/v1/comments/${res.body.comment.id}/status`)
        .set('Origin', ORIGIN)
        .set('Access-Control-Request-Headers', 'authorization');
      expect(statusPreflight.status).toBe(204);
      expect(statusPreflight.headers['access-control-allow-origin']).toBe(ORIGIN);

      // An unknown id, or an origin the site does not list: the same answer, so a preflight tells no id apart.
      const statusPreflightFor = (id: string, origin: string) =>
        parley.http
          .options(`/v1/comments/${id}/status`)
          .set('Origin', origin)
          .set('Access-Control-Request-Headers', 'authorization');
      const unknown = await statusPreflightFor('00000000-0000-4000-8000-000000000000', ORIGIN);
      const foreign = await statusPreflightFor(res.body.comment.id, 'https://evil.example');
      expect([unknown.status, unknown.body.error.code]).toEqual([403, 'origin_not_allowed']);
      expect([foreign.status, foreign.body.error.code]).toEqual([403, 'origin_not_allowed']);
    });

    it("keeps a page URL only under the site's own origins", async () => {
      const own = await post(open, comment({ pageId: 'urls', pageUrl: 'https://blog.example/post-1' }));
      const foreign = await post(open, comment({ pageId: 'urls', pageUrl: 'https://phish.example/login' }));
      expect((await parley.runtime.commentRepository.find(own.body.comment.id))?.pageUrl).toBe(
        'https://blog.example/post-1',
      );
      expect((await parley.runtime.commentRepository.find(foreign.body.comment.id))?.pageUrl).toBeNull();
    });
  });

  it('keeps the email, its plain hashes and the IP out of every public response', async () => {
    const email = 'private.person@example.org';
    const secrets = [
      email,
      createHash('md5').update(email).digest('hex'),
      createHash('sha256').update(email).digest('hex'),
      '203.0.113.9',
    ];
    const responses = [];
    const res = await post(open, comment({ pageId: 'privacy', email })).set('X-Forwarded-For', '203.0.113.9');
    responses.push(res);
    await decided(res.body.comment.id);
    responses.push(await parley.http.get(`/v1/sites/${open.key}/pages/privacy/comments`));
    responses.push(
      await parley.http
        .get(`/v1/comments/${res.body.comment.id}/status`)
        .set('Authorization', `Bearer ${res.body.authorToken}`),
    );
    expect(responses[1].body.comments).toHaveLength(1);
    for (const r of responses) {
      const everything = JSON.stringify(r.headers) + r.text;
      for (const secret of secrets) expect(everything.toLowerCase()).not.toContain(secret);
    }
    expect(Object.keys(responses[1].body.comments[0]).sort()).toEqual(
      ['avatar', 'createdAt', 'html', 'id', 'name', 'pageId', 'parentId', 'website'].sort(),
    );
  });

  it('is no email oracle: the submission answers no published avatar, and avatars differ from site to site', async () => {
    const email = 'known.author@example.org';
    const first = await post(
      open,
      comment({ pageId: 'oracle', email, text: 'Lovely photos of the harbour, thank you for posting them.' }),
    );
    await decided(first.body.comment.id);
    const published = (await parley.http.get(`/v1/sites/${open.key}/pages/oracle/comments`)).body.comments[0].avatar;
    // An attacker posts with a guessed email: the answer must not confirm the guess.
    const guess = await post(open, comment({ pageId: 'oracle-guess', email, text: 'a probe' }));
    expect(guess.body.comment.avatar).toMatch(/^[0-9a-f]{32}$/);
    expect(guess.body.comment.avatar).not.toBe(published);
    // The same email, published on another site, has another avatar.
    const elsewhere = await post(firstTime, comment({ pageId: 'oracle', email }));
    await decided(elsewhere.body.comment.id);
    const stored = await parley.runtime.commentRepository.find(elsewhere.body.comment.id);
    expect(stored?.authorHash).not.toBe(published);
  });

  it('records the client IP from X-Forwarded-For only through a trusted proxy', async () => {
    const untrusted = await post(open, comment({ pageId: 'ip', text: 'untrusted' })).set(
      'X-Forwarded-For',
      '198.51.100.7',
    );
    expect((await parley.runtime.commentRepository.find(untrusted.body.comment.id))?.ip).toMatch(/127\.0\.0\.1|::1/);

    const behindProxy = await startTestParley({
      dialect,
      worker: false,
      shareWith: parley,
      env: { PARLEY_TRUST_PROXY: 'loopback' },
    });
    try {
      const trusted = await behindProxy.http
        .post(`/v1/sites/${open.key}/comments`)
        .set('X-Forwarded-For', '198.51.100.7')
        .send(comment({ pageId: 'ip', text: 'trusted' }));
      const row = await parley.runtime.commentRepository.find(trusted.body.comment.id);
      expect(row?.ip).toBe('198.51.100.7');
      expect(row?.userAgent).toBeNull();
    } finally {
      await behindProxy.close();
    }
  });
});
