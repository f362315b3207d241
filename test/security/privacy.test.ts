import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { routesOf } from '../../src/http/app';
import type { Operation } from '../../src/http/route';
import type { Site } from '../../src/sites/site-repository';
import { EVENT_TYPES } from '../../src/webhooks/events';
import { startTestParley, type TestParley } from '../helpers/parley';
import { startWebhookReceiver } from '../helpers/webhook-receiver';
import { DIALECTS, waitFor } from '../helpers/services';

const ORIGIN = 'https://blog.example';
const INFO = 30;

/** The test authors: every one of their emails, hashes and IPs is a needle. */
const AUTHORS = [
  { name: 'Ann Private', email: 'Ann.Private+tag@Mailbox.example', ip: '203.0.113.41' },
  { name: 'Bo Hidden', email: 'bo.hidden@example.net', ip: '198.51.100.142' },
  { name: 'Cy Secret', email: 'CY@secret.example.org', ip: '2001:db8::17' },
  { name: 'Di Quiet', email: 'di.quiet@example.com', ip: '192.0.2.233' },
];

const hex = (algorithm: string, value: string) => createHash(algorithm).update(value).digest('hex');

/** What must never be shown: each email as typed and normalized, its md5/sha1/sha256 hex, each IP. */
function needles(): { what: string; value: string }[] {
  return AUTHORS.flatMap(({ email, ip }) => {
    const forms = [...new Set([email, email.trim().toLowerCase()])];
    return [
      ...forms.map((value) => ({ what: `email ${email}`, value })),
      ...forms.flatMap((form) =>
        ['md5', 'sha1', 'sha256'].map((a) => ({ what: `${a} of ${form}`, value: hex(a, form) })),
      ),
      { what: `IP ${ip}`, value: ip },
    ];
  });
}

function leaksIn(text: string): string[] {
  const lower = text.toLowerCase();
  return needles()
    .filter((n) => lower.includes(n.value.toLowerCase()))
    .map((n) => n.what);
}

/** Everything a pino logger writes, one parsed object per line. */
function captureLogs() {
  const lines: { level: number; [key: string]: unknown }[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line.trim()) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}

describe.each(DIALECTS)('no email, email hash or IP in public answers, webhooks or logs on %s', (dialect) => {
  let parley: TestParley;
  let site: Site;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let admin: string;
  const logs = captureLogs();
  /** What the scanner looked at: each public answer, as `METHOD path` and its text (headers too). */
  const scanned: { where: string; text: string }[] = [];
  const comments: { id: string; authorToken: string; pageId: string }[] = [];

  const submit = async (i: number, body: Record<string, unknown>) => {
    const author = AUTHORS[i % AUTHORS.length];
    const res = await parley.http
      .post(`/v1/sites/${site.key}/comments`)
      .set('Content-Type', 'application/json')
      .set('Origin', ORIGIN)
      .set('X-Forwarded-For', author.ip)
      .set('User-Agent', `Browser of ${author.email}`)
      .send(
        JSON.stringify({
          name: author.name,
          email: author.email,
          website: 'https://site.example',
          pageUrl: `${ORIGIN}/posts/${String(body.pageId)}`,
          pageTitle: 'A post',
          ...body,
        }),
      );
    expect([res.status, res.body.error]).toEqual([202, undefined]);
    scanned.push({ where: 'POST /v1/sites/:siteKey/comments', text: JSON.stringify([res.headers, res.body]) });
    comments.push({ id: res.body.comment.id, authorToken: res.body.authorToken, pageId: String(body.pageId) });
    return res.body.comment.id as string;
  };
  const act = (id: string, action: string) =>
    parley.http
      .post(`/v1/moderation/comments/${id}/actions`)
      .set('Authorization', `Bearer ${admin}`)
      .send({ action })
      .expect(200);
  const decided = (id: string) =>
    waitFor(async () => {
      const row = await parley.runtime.commentRepository.find(id);
      return row && row.status !== 'pending' ? row.status : undefined;
    });

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    parley = await startTestParley({
      dialect,
      logger: logs.logger,
      env: { PARLEY_TRUST_PROXY: 'loopback', PARLEY_WEBHOOK_ALLOWLIST: '127.0.0.1' },
    });
    site = await parley.createSite({ origins: [ORIGIN], moderation: 'all', policy: { floodPerMinute: 1000 } });
    admin = (await parley.runtime.tokenService.create({ role: 'admin' })).token;
    const endpoint = await parley.http
      .post(`/v1/admin/sites/${site.key}/webhooks`)
      .set('Authorization', `Bearer ${admin}`)
      .send({ url: receiver.url, events: ['*'] });
    expect(endpoint.status).toBe(201);

    // Every status and every event: held (the site holds all), approved, rejected, spam,
    // edited, deleted, a reply, and the worker's own spam verdict (the honeypot).
    const ids = [];
    for (let i = 0; i < 8; i++) ids.push(await submit(i, { pageId: `page-${i % 2}`, text: `Comment number ${i}.` }));
    const trapped = await submit(10, { pageId: 'page-1', text: 'Cheap pills', hp: 'http://spam.example' });
    for (const id of [...ids, trapped]) await decided(id);
    for (const id of [ids[0], ids[1], ids[2], ids[3]]) await act(id, 'approve');
    const reply = await submit(9, { pageId: 'page-0', parentId: ids[0], text: `In reply to ${ids[0]}.` });
    await decided(reply);
    await act(reply, 'approve');
    await act(ids[4], 'reject');
    await act(ids[5], 'spam');
    await parley.http
      .patch(`/v1/moderation/comments/${ids[1]}`)
      .set('Authorization', `Bearer ${admin}`)
      .send({ text: 'Edited by a moderator.' })
      .expect(200);
    await parley.http.delete(`/v1/moderation/comments/${ids[2]}`).set('Authorization', `Bearer ${admin}`).expect(200);
    await parley.http
      .post(`/v1/admin/sites/${site.key}/webhooks/${endpoint.body.endpoint.id}/test`)
      .set('Authorization', `Bearer ${admin}`)
      .expect(200);
    await waitFor(
      async () => {
        const types = new Set(receiver.received.map((r) => (JSON.parse(r.body) as { type: string }).type));
        return [...EVENT_TYPES, 'webhook.test'].every((t) => types.has(t)) ? true : undefined;
      },
      { timeoutMs: 20_000, what: 'one webhook of every event type' },
    );
  });
  afterAll(async () => {
    await parley?.close();
    await receiver?.close();
  });

  /** Values for a public route's path parameters: every page and comment of the test. */
  function concretePaths(op: Operation): string[] {
    let paths = [op.path];
    const embed = path.join(__dirname, '..', '..', 'dist', 'widget', 'embed.json');
    const hash = fs.existsSync(embed) ? (JSON.parse(fs.readFileSync(embed, 'utf8')) as { hash: string }).hash : 'x';
    const values: Record<string, string[]> = {
      siteKey: [site.key],
      pageId: [...new Set(comments.map((c) => c.pageId))],
      id: comments.map((c) => c.id),
      hash: [hash],
      asset: ['init.js', 'swagger-ui.css'],
      // Mail is off here, so the mail link pages answer that the link is not valid; what they
      // show for real links (no address of anyone) is tested in test/integration/mail.test.ts.
      token: ['not-a-mail-link'],
    };
    for (const [name, options] of Object.entries(values)) {
      paths = paths.flatMap((p) =>
        p.includes(`:${name}`) ? options.map((v) => p.replace(`:${name}`, encodeURIComponent(v))) : [p],
      );
    }
    const left = paths.find((p) => /:\w+/.test(p));
    if (left) throw new Error(`no value for a parameter of ${left}`);
    return paths;
  }

  test('the scanner finds them where they belong: the moderation API', async () => {
    const detail = await parley.http
      .get(`/v1/moderation/comments/${comments[0].id}`)
      .set('Authorization', `Bearer ${admin}`)
      .expect(200);
    expect(leaksIn(detail.text)).toEqual(expect.arrayContaining([`email ${AUTHORS[0].email}`, `IP ${AUTHORS[0].ip}`]));
  });

  test('the scanner follows every public route, thread pages included, and finds none', async () => {
    const publicOps = routesOf(parley.app)
      .operations()
      .filter((op) => ['none', 'author', undefined].includes(op.auth) && op.method !== 'post');
    expect(publicOps.map((op) => op.path)).toEqual(
      expect.arrayContaining(['/v1/sites/:siteKey/pages/:pageId/comments', '/v1/comments/:id/status', '/metrics']),
    );
    for (const op of publicOps) {
      for (const url of concretePaths(op)) {
        const fetchPage = async (query: Record<string, string>) => {
          let req = parley.http[op.method](url)
            .query({ ...op.queryExample, ...query })
            .set('Origin', ORIGIN);
          if (op.auth === 'author') {
            const token = comments.find((c) => url.includes(c.id))?.authorToken ?? 'none';
            req = req.set('Authorization', `Bearer ${token}`);
          }
          const res = await req.buffer(true).parse((r, done) => {
            let text = '';
            r.setEncoding('utf8');
            r.on('data', (chunk: string) => (text += chunk));
            r.on('end', () => done(null, text));
          });
          expect(res.status).toBeLessThan(500);
          const text = String(res.body);
          scanned.push({ where: `${op.method.toUpperCase()} ${url}`, text: JSON.stringify(res.headers) + text });
          return text;
        };
        let text = await fetchPage({});
        // Follow a thread's cursor to its end, a page of 2 at a time.
        if (op.path.endsWith('/comments')) {
          text = await fetchPage({ limit: '2' });
          for (let next = JSON.parse(text).nextCursor; next;) {
            const page = JSON.parse(await fetchPage({ limit: '2', cursor: next })) as { nextCursor: string | null };
            next = page.nextCursor;
          }
        }
      }
    }
    console.info(`privacy: scanned ${scanned.length} public answers for ${needles().length} needles`);
    // The thread shows the published comments: the scan read real content, not errors.
    const threads = scanned.filter((s) => s.where.includes('/pages/')).map((s) => s.text);
    expect(threads.join('')).toContain('Edited by a moderator.');
    expect(scanned.filter((s) => s.where.includes('/status')).some((s) => s.text.includes('"approved"'))).toBe(true);
    const leaks = scanned.flatMap((s) => leaksIn(s.text).map((leak) => `${s.where}: ${leak}`));
    expect(leaks).toEqual([]);
  });

  test('no webhook payload of any type carries one', () => {
    const types = new Set<string>();
    const leaks: string[] = [];
    for (const { body, headers } of receiver.received) {
      const { type } = JSON.parse(body) as { type: string };
      types.add(type);
      leaks.push(...leaksIn(body + JSON.stringify(headers)).map((leak) => `${type}: ${leak}`));
    }
    expect([...types].sort()).toEqual([...EVENT_TYPES, 'webhook.test'].sort());
    console.info(`privacy: ${receiver.received.length} webhook deliveries of ${types.size} types scanned`);
    expect(leaks).toEqual([]);
  });

  test('no log line at info level or above carries one', () => {
    const info = logs.lines.filter((line) => line.level >= INFO);
    expect(info.length).toBeGreaterThan(20);
    const leaks = info.flatMap((line) => leaksIn(JSON.stringify(line)).map((leak) => `${String(line.msg)}: ${leak}`));
    expect(leaks).toEqual([]);
  });
});
