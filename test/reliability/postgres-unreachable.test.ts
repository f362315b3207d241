import net from 'node:net';
import { TEST_POSTGRES_URL, waitFor } from '../helpers/services';
import { freePort, offer, reportNothingLost, type Stack, startStack, verifyDecidedOnce } from './stack';

/** A TCP proxy to PostgreSQL that the test can cut (every connection dropped, new ones refused) and restore. */
async function cuttableProxy(target: { host: string; port: number }) {
  const port = await freePort();
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;
  const proxy = {
    port,
    async open() {
      server = net.createServer((client) => {
        const upstream = net.connect(target.port, target.host);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => undefined);
        }
        client.pipe(upstream).pipe(client);
      });
      await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
    },
    async cut() {
      const closed = new Promise((resolve) => server!.close(resolve));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
  await proxy.open();
  return proxy;
}

describe('PostgreSQL unreachable', () => {
  let stack: Stack;
  let proxy: Awaited<ReturnType<typeof cuttableProxy>>;
  afterEach(async () => {
    await stack?.close();
    await proxy?.cut().catch(() => undefined);
  });

  it('answers 503 with a clear error while it is down, writes nothing half, and recovers by itself', async () => {
    const server = new URL(TEST_POSTGRES_URL);
    proxy = await cuttableProxy({ host: server.hostname, port: Number(server.port || 5432) });
    stack = await startStack({
      dialect: 'postgres',
      postgresUrlFor: (url) => {
        const u = new URL(url);
        u.host = `127.0.0.1:${proxy.port}`;
        return u.toString();
      },
    });
    await stack.startApi();
    await stack.addEndpoint();
    await stack.startWorker();

    const before = await offer(100, 8, (i) => stack.submit(i));
    await proxy.cut();
    const during = await offer(40, 8, (i) => stack.submit(100 + i));
    await proxy.open();
    // Recovers by itself: no restart, the pools connect again on their next query.
    const after = await waitFor(
      async () => {
        const probe = await stack.submit(140);
        return probe.status === 202 ? probe : undefined;
      },
      { what: 'submissions to be accepted again', timeoutMs: 30_000 },
    );
    const later = await offer(100, 8, (i) => stack.submit(141 + i));

    expect(during.map((r) => `${r.status} ${r.code}`)).toEqual(during.map(() => '503 database_unavailable'));
    const accepted = [...before, after, ...later].filter((r) => r.status === 202).map((r) => r.id!);
    expect(accepted).toHaveLength(201);
    // Nothing half written: exactly the accepted comments are stored.
    expect(await stack.storedCount()).toBe(accepted.length);

    const end = await verifyDecidedOnce(stack, accepted, { timeoutMs: 90_000 });
    reportNothingLost(
      'PostgreSQL unreachable',
      {
        offered: 241,
        accepted: accepted.length,
        refused503: during.length,
      },
      end,
    );
  });
});
