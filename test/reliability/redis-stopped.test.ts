import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { waitFor } from '../helpers/services';
import { freePort, offer, reportNothingLost, type Stack, startStack, verifyDecidedOnce } from './stack';

const OFFERED = 300;

/** A redis-server of this test's own, which it can stop and start again on the same port. */
async function privateRedis() {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-redis-'));
  let server: ChildProcess | undefined;
  const answers = async () => {
    const probe = spawn('redis-cli', ['-p', String(port), 'ping']);
    let out = '';
    probe.stdout.on('data', (c) => (out += c));
    await new Promise((resolve) => probe.once('exit', resolve));
    return out.includes('PONG');
  };
  const redis = {
    url: `redis://127.0.0.1:${port}`,
    async start() {
      // No persistence: when it comes back it has forgotten every queued job, the worst case.
      server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir], {
        stdio: 'ignore',
      });
      await waitFor(async () => ((await answers()) ? true : undefined), { what: 'redis-server to start' });
    },
    async stop() {
      const exited = new Promise((resolve) => server!.once('exit', resolve));
      server!.kill('SIGKILL');
      await exited;
    },
    async close() {
      if (server && server.exitCode === null && server.signalCode === null) await redis.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return redis;
}

describe('Redis stopped for ten seconds during submissions', () => {
  let stack: Stack;
  let redis: Awaited<ReturnType<typeof privateRedis>>;
  afterEach(async () => {
    await stack?.close();
    await redis?.close();
  });

  it('keeps answering, and decides every accepted comment once Redis is back', async () => {
    redis = await privateRedis();
    await redis.start();
    stack = await startStack({ dialect: 'sqlite', env: { REDIS_URL: redis.url } });
    await stack.startApi();
    await stack.addEndpoint();
    await stack.startWorker();

    let outage: Promise<void> | undefined;
    const results = await offer(OFFERED, 4, async (i) => {
      if (i === 60)
        outage = (async () => {
          await redis.stop();
          await new Promise((r) => setTimeout(r, 10_000));
          await redis.start();
        })();
      const result = await stack.submit(i);
      // Spread the load over the outage.
      await new Promise((r) => setTimeout(r, 100));
      return result;
    });
    await outage;
    const accepted = results.filter((r) => r.status === 202).map((r) => r.id!);
    const refused = results.filter((r) => r.status !== 202);
    // Accepted, or refused with a clear 503: never a 500, never a dropped connection.
    expect(refused.filter((r) => r.status !== 503)).toEqual([]);
    expect(await stack.storedCount()).toBe(accepted.length);

    const end = await verifyDecidedOnce(stack, accepted, { timeoutMs: 90_000 });
    reportNothingLost(
      'Redis stopped 10 s',
      {
        offered: OFFERED,
        accepted: accepted.length,
        refused503: refused.length,
      },
      end,
    );
    expect(accepted.length).toBeGreaterThan(OFFERED * 0.9);
  });
});
