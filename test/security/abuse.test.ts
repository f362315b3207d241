import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { startApi } from '../../src/serve';
import type { Site } from '../../src/sites/site-repository';
import { startTestParley, type TestParley } from '../helpers/parley';
import { DIALECTS } from '../helpers/services';

const ORIGIN = 'https://blog.example';
const LIMIT = 120;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const comment = (i: number) => ({ pageId: 'abuse', name: 'Ann', email: `ann${i}@example.org`, text: `Comment ${i}` });

/**
 * What a raw TCP client sees when it sends `head` and then one byte of `trickle` every
 * `everyMs` until the server closes the connection: everything the server wrote.
 */
function trickle(port: number, head: string, trickleBytes: string, everyMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    let sent = 0;
    socket.setEncoding('utf8');
    socket.write(head);
    const timer = setInterval(() => {
      // Past the whole trickle the server has not cut us off: the test fails on the answer.
      if (sent >= trickleBytes.length) {
        clearInterval(timer);
        socket.end();
        return;
      }
      socket.write(trickleBytes[sent++]);
    }, everyMs);
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' ? undefined : reject(err)));
    socket.on('close', () => {
      clearInterval(timer);
      resolve(answer);
    });
  });
}

describe.each(DIALECTS)('abuse at the door on %s', (dialect) => {
  let first: TestParley;
  let second: TestParley;
  let site: Site;

  beforeAll(async () => {
    // Two API replicas on one database and one Redis prefix, as behind a load balancer.
    first = await startTestParley({
      dialect,
      worker: false,
      env: {
        PARLEY_TRUST_PROXY: 'loopback',
        PARLEY_SUBMITS_PER_MINUTE: String(LIMIT),
        PARLEY_BODY_LIMIT: '16384',
        PARLEY_HEADERS_TIMEOUT_MS: '400',
        PARLEY_REQUEST_TIMEOUT_MS: '800',
        PORT: '0',
        PARLEY_HOST: '127.0.0.1',
      },
    });
    second = await startTestParley({ dialect, worker: false, shareWith: first });
    site = await first.createSite({ origins: [ORIGIN] });
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  const storedCount = async () =>
    Number(
      (
        await first.runtime.db
          .selectFrom('comments')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  const submit = (parley: TestParley, body: unknown, ip: string) =>
    parley.http
      .post(`/v1/sites/${site.key}/comments`)
      .set('Content-Type', 'application/json')
      .set('X-Forwarded-For', ip)
      .send(JSON.stringify(body));

  test('a body over PARLEY_BODY_LIMIT is refused with 413, and nothing is stored', async () => {
    const before = await storedCount();
    const res = await submit(first, { ...comment(0), text: 'x'.repeat(20_000) }, '203.0.113.1');
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
    expect(JSON.stringify(res.body)).not.toMatch(/at \w+ \(|node_modules/);
    // A body declared small but sent large is cut off the same way.
    const lying = await first.http
      .post(`/v1/sites/${site.key}/comments`)
      .set('Content-Type', 'application/json')
      .send(`{"pageId":"abuse","text":"${'y'.repeat(17_000)}"}`);
    expect(lying.status).toBe(413);
    expect(await storedCount()).toBe(before);
  });

  test('slow senders are cut off by the request and headers timeouts', async () => {
    const before = await storedCount();
    const server: Server = await startApi(first.runtime);
    try {
      const { port } = server.address() as AddressInfo;
      const body = JSON.stringify(comment(1));
      // The headers arrive, the body a byte every 100 ms: it would take seconds to finish.
      const slowBody = await trickle(
        port,
        `POST /v1/sites/${site.key}/comments HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
        body,
        100,
      );
      expect(slowBody).toMatch(/^HTTP\/1\.1 408 /);
      // Headers sent a byte at a time never finish either.
      const slowHeaders = await trickle(port, 'GET /healthz HTTP/1.1\r\n', 'X-Slow: ' + 'a'.repeat(200), 50);
      expect(slowHeaders).toMatch(/^HTTP\/1\.1 408 /);
      // A client that sends at once is served as usual by the same server.
      const fine = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(fine.status).toBe(200);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    // The cut-off submission stored nothing.
    expect(await storedCount()).toBe(before);
  });

  test('hundreds of submissions from one IP over two replicas: the shared limit answers 429 with Retry-After', async () => {
    // The limit counts per minute: start early in one, so the whole burst falls in it.
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 40_000) await sleep(60_000 - intoMinute + 50);
    const ip = '198.51.100.77';
    const answers: { replica: TestParley; res: Awaited<ReturnType<typeof submit>> }[] = [];
    for (let i = 0; i < 300; i += 20) {
      const batch = Array.from({ length: 20 }, (_, j) => (j % 2 ? second : first));
      const answered = await Promise.all(batch.map((replica, j) => submit(replica, comment(100 + i + j), ip)));
      answers.push(...answered.map((res, j) => ({ replica: batch[j], res })));
    }
    const accepted = answers.filter((a) => a.res.status === 202);
    const limited = answers.filter((a) => a.res.status === 429);
    console.info(`one IP, two replicas: 300 submitted, ${accepted.length} accepted, ${limited.length} limited`);
    // Counted together: each replica alone would have let 150 through.
    expect(accepted).toHaveLength(LIMIT);
    expect(limited).toHaveLength(300 - LIMIT);
    expect(limited.filter((a) => a.replica === first).length).toBeGreaterThan(0);
    expect(limited.filter((a) => a.replica === second).length).toBeGreaterThan(0);
    for (const { res } of limited) {
      const retryAfter = Number(res.headers['retry-after']);
      expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
      expect(res.body.error.code).toBe('rate_limited');
    }
    // Another IP is not held back by this one's limit.
    expect((await submit(second, comment(999), '198.51.100.78')).status).toBe(202);
  });

  test('a browser on an unlisted origin is refused, and CORS names only the listed origins', async () => {
    const evil = 'https://evil.example';
    const post = await first.http
      .post(`/v1/sites/${site.key}/comments`)
      .set('Origin', evil)
      .set('Content-Type', 'application/json')
      .send(JSON.stringify(comment(2)));
    expect(post.status).toBe(403);
    expect(post.body.error.code).toBe('origin_not_allowed');
    expect(post.headers['access-control-allow-origin']).toBeUndefined();

    const preflight = await first.http
      .options(`/v1/sites/${site.key}/comments`)
      .set('Origin', evil)
      .set('Access-Control-Request-Method', 'POST');
    expect(preflight.status).toBe(403);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    expect(preflight.headers['access-control-allow-methods']).toBeUndefined();

    const read = await first.http.get(`/v1/sites/${site.key}/pages/abuse/comments`).set('Origin', evil);
    expect(read.status).toBe(403);
    expect(read.headers['access-control-allow-origin']).toBeUndefined();

    // A look-alike of the listed origin is another origin.
    for (const lookalike of [`${ORIGIN}.evil.example`, 'http://blog.example', `${ORIGIN}:8443`, 'null']) {
      const res = await first.http.get(`/v1/sites/${site.key}/pages/abuse/comments`).set('Origin', lookalike);
      expect(res.status).toBe(403);
    }

    const listed = await first.http
      .options(`/v1/sites/${site.key}/comments`)
      .set('Origin', ORIGIN)
      .set('Access-Control-Request-Method', 'POST');
    expect(listed.status).toBe(204);
    expect(listed.headers['access-control-allow-origin']).toBe(ORIGIN);
  });
});
