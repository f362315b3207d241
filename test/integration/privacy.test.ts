import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { startTestParley, type TestParley } from '../helpers/parley';
import { DIALECTS, waitFor } from '../helpers/services';
import { PARLEY_MAIN } from '../helpers/parley-command';

const DISQUS = path.resolve(__dirname, '../fixtures/imports/disqus.xml');
const ALICE = 'alice@example.com';
// Alice's IPs: two she posted from, and the one of her comment in the Disqus export.
const ALICE_IPS = ['203.0.113.50', '203.0.113.51', '198.51.100.23'];

// Each test runs the real command, several times: on a loaded machine that takes a while.
jest.setTimeout(180_000);

describe.each(DIALECTS)('personal data on %s', (dialect) => {
  let parley: TestParley;
  let admin: string;
  let moderator: string;

  beforeAll(async () => {
    parley = await startTestParley({ dialect, env: { PARLEY_TRUST_PROXY: 'loopback' } });
    admin = (await parley.runtime.tokenService.create({ role: 'admin' })).token;
    moderator = (await parley.runtime.tokenService.create({ role: 'moderator' })).token;
  });
  afterAll(() => parley.close());

  const as = (token: string) => ({
    post: (url: string, body: object) => parley.http.post(url).set('Authorization', `Bearer ${token}`).send(body),
  });
  const cli = (args: string[]) =>
    spawnSync(process.execPath, [PARLEY_MAIN, ...args], { env: parley.env, encoding: 'utf8', timeout: 120_000 });

  async function submit(
    siteKey: string,
    body: { name: string; email: string; text: string; parentId?: string },
    ip: string,
  ) {
    const res = await parley.http
      .post(`/v1/sites/${siteKey}/comments`)
      .set('X-Forwarded-For', ip)
      .send({ pageId: 'https://blog.example/post', ...body });
    expect(res.status).toBe(202);
    const id = res.body.comment.id as string;
    await waitFor(async () =>
      (await parley.runtime.commentRepository.find(id))?.status === 'approved' ? true : undefined,
    );
    return id;
  }

  /** Every row of every table that can hold personal data, as one string to search. */
  async function everything(): Promise<string> {
    const db = parley.runtime.db;
    const tables = await Promise.all([
      db.selectFrom('comments').selectAll().execute(),
      db.selectFrom('audit_log').selectAll().execute(),
      db.selectFrom('webhook_events').selectAll().execute(),
      db.selectFrom('bans').selectAll().execute(),
    ]);
    return JSON.stringify(tables).toLowerCase();
  }

  it('exports everything stored about an email across sites, then erases it, leaving tombstones and no trace', async () => {
    const site = await parley.createSite({ moderation: 'none' });
    const other = await parley.createSite({ moderation: 'none' });
    const first = await submit(site.key, { name: 'Alice', email: 'Alice@Example.com', text: 'First!' }, ALICE_IPS[0]);
    const reply = await submit(
      site.key,
      { name: 'Bob', email: 'bob@example.com', text: 'Welcome, Alice', parentId: first },
      '203.0.113.60',
    );
    await submit(site.key, { name: 'Alice', email: ALICE, text: 'Thanks for the welcome, Bob' }, ALICE_IPS[1]);
    expect(cli(['import', 'disqus', DISQUS, '--site', other.key]).status).toBe(0);
    const ban = await as(moderator).post('/v1/moderation/bans', {
      kind: 'email',
      value: ALICE,
      reason: `spammy ${ALICE}`,
    });
    expect(ban.status).toBe(201);
    await as(moderator).post('/v1/moderation/bans', { kind: 'ip', value: ALICE_IPS[0] });

    const exported = await as(admin).post('/v1/admin/privacy/export', { email: 'ALICE@example.com' });
    expect(exported.status).toBe(200);
    expect(exported.body.email).toBe(ALICE);
    expect(exported.body.data.comments).toHaveLength(3);
    expect(new Set(exported.body.data.comments.map((c: { siteKey: string }) => c.siteKey))).toEqual(
      new Set([site.key, other.key]),
    );
    expect(exported.body.data.comments.map((c: { ip: string }) => c.ip).sort()).toEqual([...ALICE_IPS].sort());
    expect(exported.body.data.comments[0]).toMatchObject({ authorEmail: ALICE, authorName: 'Alice' });
    expect(exported.body.data.bans.map((b: { kind: string }) => b.kind).sort()).toEqual(['email', 'ip']);
    expect(await everything()).toContain(ALICE);

    // The CLI exports the same.
    const fromCli = JSON.parse(cli(['privacy', 'export', '--email', ALICE, '--json']).stdout);
    expect(fromCli.data.comments.map((c: { id: string }) => c.id)).toEqual(
      exported.body.data.comments.map((c: { id: string }) => c.id),
    );

    const erased = await as(admin).post('/v1/admin/privacy/erase', { email: ALICE });
    expect(erased.status).toBe(200);
    expect(erased.body).toEqual({
      comments: 'tombstone',
      erased: { bans: 2, comments: 3, mailDeliveries: 0, mailSubscriptions: 0 },
    });

    // Nothing of hers anywhere: comments, audit log, webhook payloads, bans.
    const stored = await everything();
    expect(stored).not.toContain(ALICE);
    for (const ip of ALICE_IPS) expect(stored).not.toContain(ip);
    expect(stored).toContain('bob@example.com');

    // Her first comment is a tombstone Bob's reply still hangs from.
    const thread = await parley.http.get(
      `/v1/sites/${site.key}/pages/${encodeURIComponent('https://blog.example/post')}/comments`,
    );
    const shown = thread.body.comments as Array<{ id: string; parentId: string | null; deleted?: true; name: string }>;
    expect(shown.find((c) => c.id === first)).toMatchObject({ deleted: true, name: '' });
    expect(shown.find((c) => c.id === reply)).toMatchObject({ parentId: first, name: 'Bob' });
    const again = await as(admin).post('/v1/admin/privacy/export', { email: ALICE });
    expect(again.body.data).toEqual({ bans: [], comments: [], mailDeliveries: [], mailSubscriptions: [] });

    const audit = await parley.runtime.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'privacy.erase')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(audit.details)).toEqual({
      comments: 'tombstone',
      erased: { bans: 2, comments: 3, mailDeliveries: 0, mailSubscriptions: 0 },
    });
    expect(audit.site_key).toBeNull();
  });

  it('deletes the comments outright when asked, from the command line too', async () => {
    const site = await parley.createSite({ moderation: 'none' });
    const parent = await submit(
      site.key,
      { name: 'Carla', email: 'carla@example.com', text: 'A question' },
      '203.0.113.70',
    );
    const middle = await submit(
      site.key,
      { name: 'Dan', email: 'dan@example.com', text: 'An answer', parentId: parent },
      '203.0.113.71',
    );
    const child = await submit(
      site.key,
      { name: 'Carla', email: 'carla@example.com', text: 'Thanks', parentId: middle },
      '203.0.113.70',
    );
    const result = cli(['privacy', 'erase', '--email', 'carla@example.com', '--delete', '--json']);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      comments: 'delete',
      erased: { bans: 0, comments: 2, mailDeliveries: 0, mailSubscriptions: 0 },
    });
    expect(await parley.runtime.commentRepository.find(parent)).toBeUndefined();
    expect(await parley.runtime.commentRepository.find(child)).toBeUndefined();
    // The answer moved up a level instead of pointing at nothing.
    expect((await parley.runtime.commentRepository.find(middle))!.parentId).toBeNull();
    const stored = await everything();
    expect(stored).not.toContain('carla@example.com');
    expect(stored).not.toContain('203.0.113.70');
    expect(cli(['privacy', 'erase', '--email', 'not-an-address']).stderr).toMatch(/--email: expected an email address/);
  });

  it('validates requests and admits admins only', async () => {
    const bad = await as(admin).post('/v1/admin/privacy/erase', { email: 'nope', comments: 'shred' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation_failed');
    expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['comments', 'email']);
    expect((await as(moderator).post('/v1/admin/privacy/export', { email: ALICE })).status).toBe(403);
    expect((await parley.http.post('/v1/admin/privacy/export').send({ email: ALICE })).status).toBe(401);
  });
});
