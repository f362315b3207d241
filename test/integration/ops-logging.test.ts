import { Writable } from 'node:stream';
import pino from 'pino';
import type { Site } from '../../src/sites/site-repository';
import { startTestParley, type TestParley } from '../helpers/parley';
import { DIALECTS, waitFor } from '../helpers/services';

interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** Everything a pino logger writes, one parsed object per line. */
function captureLogs(): { logger: pino.Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line.trim()) lines.push(JSON.parse(line));
      done();
    },
  });
  // debug: everything is captured, so the test sees what `info` leaves out, too.
  return { logger: pino({ level: 'debug' }, stream), lines };
}

const INFO = 30;

describe.each(DIALECTS)('logs on %s', (dialect) => {
  let parley: TestParley;
  let site: Site;
  let moderator: string;
  const { logger, lines } = captureLogs();

  // The personal data of one comment and of its edit: none of it may be logged at info or above.
  const email = 'Private.Person+tag@mailbox.example';
  const ip = '198.51.100.73';
  const text = 'Quokka marmalade on the Zanzibar ferry, see https://private.example/x';
  const edited = 'Kept the marmalade, removed the ferry';
  const name = 'Philippa Privatsphäre';

  beforeAll(async () => {
    parley = await startTestParley({
      dialect,
      logger,
      env: { PARLEY_TRUST_PROXY: 'loopback', PARLEY_LOG_LEVEL: 'debug' },
    });
    site = await parley.createSite({ moderation: 'first-time' });
    moderator = (await parley.runtime.tokenService.create({ role: 'moderator', label: 'log test' })).token;
  });
  afterAll(() => parley.close());

  it('logs a submit, its moderation and a moderator action without the email, IP or text at info level', async () => {
    const submitted = await parley.http
      .post(`/v1/sites/${site.key}/comments?email=${encodeURIComponent(email)}`)
      .set('X-Forwarded-For', ip)
      .set('User-Agent', 'LogTest/1.0')
      .set('X-Request-Id', 'log-test-1')
      .send({ pageId: 'logs', name, email, text, website: 'https://private.example' });
    expect(submitted.status).toBe(202);
    const id = submitted.body.comment.id as string;
    await waitFor(async () =>
      (await parley.runtime.commentRepository.find(id))?.status === 'held' ? true : undefined,
    );

    const auth = { Authorization: `Bearer ${moderator}` };
    await parley.http
      .get(`/v1/moderation/comments?email=${encodeURIComponent(email)}&q=marmalade`)
      .set(auth)
      .expect(200);
    await parley.http.get(`/v1/moderation/comments/${id}`).set(auth).expect(200);
    await parley.http.patch(`/v1/moderation/comments/${id}`).set(auth).send({ text: edited }).expect(200);
    await parley.http
      .post(`/v1/moderation/comments/${id}/actions`)
      .set(auth)
      .send({ action: 'approve', note: 'fine' })
      .expect(200);
    await parley.http.post('/v1/moderation/bans').set(auth).send({ kind: 'ip', value: ip }).expect(201);
    // Bad input is answered with the field errors, and logged without them.
    await parley.http
      .post(`/v1/sites/${site.key}/comments`)
      .set('X-Forwarded-For', ip)
      .send({ pageId: 'logs', name, email: `${email}@@`, text })
      .expect(400);
    await waitFor(
      async () => (lines.some((l) => l.msg === 'moderator feedback applied' && l.commentId === id) ? true : undefined),
      {
        what: 'the feedback job',
      },
    );

    const atInfo = lines.filter((l) => l.level >= INFO);
    expect(atInfo.length).toBeGreaterThanOrEqual(9);
    const logged = JSON.stringify(atInfo);
    for (const secret of [
      email,
      email.toLowerCase(),
      encodeURIComponent(email),
      ip,
      text,
      'Quokka',
      edited,
      name,
      'LogTest',
      moderator,
    ]) {
      expect([secret, logged.includes(secret)]).toEqual([secret, false]);
    }

    // One line per request, with the request id, and job lines that carry the comment id.
    const requestLines = atInfo.filter((l) => l.req);
    expect(requestLines).toHaveLength(7);
    expect(requestLines[0]).toMatchObject({
      req: { id: 'log-test-1', method: 'POST', path: `/v1/sites/${site.key}/comments` },
      res: { statusCode: 202 },
      route: '/v1/sites/:siteKey/comments',
      responseTime: expect.any(Number),
    });
    for (const line of requestLines) expect(Object.keys(line.req as object).sort()).toEqual(['id', 'method', 'path']);
    expect(atInfo).toContainEqual(expect.objectContaining({ msg: 'comment moderated', commentId: id, status: 'held' }));
    expect(atInfo).toContainEqual(
      expect.objectContaining({ msg: 'moderator feedback applied', commentId: id, status: 'approved' }),
    );
  });

  it('logs health probes at debug only', async () => {
    const before = lines.length;
    await parley.http.get('/healthz').expect(200);
    await parley.http.get('/readyz').expect(200);
    const probes = lines.slice(before).filter((l) => l.req);
    expect(probes.map((l) => l.level)).toEqual([20, 20]);
  });
});
