import { randomBytes } from 'node:crypto';
import { insertComments } from '../test/helpers/bulk-comments';
import { type Dialect, type ParleyInstance, startParley } from './parley-instance';

// Parley reads this too; the bench builds its own config, but a stray logger must stay quiet.
process.env.PARLEY_LOG_LEVEL = 'silent';

/**
 * Latency at the documented limits (README "Limits"): a thread of 10,000 comments, a
 * moderation queue of 100,000 held comments, 1,000 sites. Requests go one at a time
 * over real HTTP, so each figure is the server's time plus one loopback round trip; the
 * baseline is `GET /healthz` on the same server in the same run (p99 ratios are what to
 * compare across machines).
 */
const settings = {
  redisUrl: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
  postgresUrl: process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  dialects: (process.env.BENCH_DIALECTS ?? 'sqlite,postgres').split(',') as Dialect[],
  thread: 10_000,
  queue: 100_000,
  sites: 1000,
  samples: Number(process.env.BENCH_SAMPLES ?? 200),
  bulkSamples: 20,
  bulkSize: 500,
};

interface Figure {
  what: string;
  p50Ms: number;
  p99Ms: number;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

/** Times `samples` sequential calls of `request(i)`, which must answer `expected`. */
async function time(
  what: string,
  samples: number,
  expected: number,
  request: (i: number) => Promise<Response>,
): Promise<Figure> {
  const took: number[] = [];
  for (let i = 0; i < samples; i++) {
    const start = performance.now();
    const res = await request(i);
    await res.arrayBuffer();
    took.push(performance.now() - start);
    if (res.status !== expected) throw new Error(`${what}: answered ${res.status}, expected ${expected}`);
  }
  took.sort((a, b) => a - b);
  const round = (ms: number) => Math.round(ms * 10) / 10;
  return { what, p50Ms: round(percentile(took, 50)), p99Ms: round(percentile(took, 99)) };
}

async function benchDialect(dialect: Dialect): Promise<Figure[]> {
  const parley: ParleyInstance = await startParley({
    dialect,
    redisUrl: settings.redisUrl,
    postgresUrl: settings.postgresUrl,
    name: `parley_limits_${randomBytes(4).toString('hex')}`,
  });
  try {
    const { runtime, url } = parley;
    const admin = (await runtime.tokenService.create({ role: 'admin', label: 'bench' })).token;
    const auth = { Authorization: `Bearer ${admin}` };
    for (let i = 1; i < settings.sites; i++)
      await runtime.siteRepository.create({ name: `Site ${i}`, origins: [], moderation: 'all' });
    const site = parley.site;
    await insertComments(runtime.db, {
      siteKey: site.key,
      count: settings.thread,
      status: 'approved',
      pageOf: () => 'big',
    });
    const held = await insertComments(runtime.db, {
      siteKey: site.key,
      count: settings.queue,
      status: 'held',
      pageOf: (i) => `page-${i % 100}`,
    });

    // A cursor deep in the thread and deep in the queue: the pages near their ends.
    const threadUrl = `${url}/v1/sites/${site.key}/pages/big/comments`;
    let threadCursor: string | null = null;
    for (let i = 0; i < 90; i++) {
      const res = await fetch(`${threadUrl}?limit=100${threadCursor ? `&cursor=${threadCursor}` : ''}`);
      threadCursor = ((await res.json()) as { nextCursor: string | null }).nextCursor;
    }
    const queueUrl = `${url}/v1/moderation/comments?site=${site.key}&status=held`;
    const firstQueue = (await (await fetch(queueUrl, { headers: auth })).json()) as { nextCursor: string };

    const figures = [
      await time('baseline: `GET /healthz`', settings.samples, 200, () => fetch(`${url}/healthz`)),
      await time('thread of 10,000: first page (50)', settings.samples, 200, () => fetch(threadUrl)),
      await time('thread of 10,000: page 91 of 100 (100 a page)', settings.samples, 200, () =>
        fetch(`${threadUrl}?limit=100&cursor=${threadCursor}`),
      ),
      await time('queue of 100,000 held: first page (50) with counts', settings.samples, 200, () =>
        fetch(queueUrl, { headers: auth }),
      ),
      await time('queue of 100,000 held: next page by cursor', settings.samples, 200, () =>
        fetch(`${queueUrl}&cursor=${firstQueue.nextCursor}`, { headers: auth }),
      ),
      await time('queue of 100,000 held: one page of the queue (`pageId`)', settings.samples, 200, (i) =>
        fetch(`${queueUrl}&pageId=page-${i % 100}`, { headers: auth }),
      ),
      await time('1,000 sites: `GET /v1/admin/sites`', Math.ceil(settings.samples / 4), 200, () =>
        fetch(`${url}/v1/admin/sites`, { headers: auth }),
      ),
      await time(`bulk action: approve ${settings.bulkSize} held`, settings.bulkSamples, 200, (i) =>
        fetch(`${url}/v1/moderation/actions`, {
          method: 'POST',
          headers: { ...auth, 'Content-Type': 'application/json' },
          body: JSON.stringify({
            ids: held.slice(i * settings.bulkSize, (i + 1) * settings.bulkSize),
            action: 'approve',
          }),
        }),
      ),
    ];
    return figures;
  } finally {
    await parley.close();
  }
}

async function main() {
  const results: Record<string, Figure[]> = {};
  for (const dialect of settings.dialects) {
    console.error(`limits: ${dialect}...`);
    results[dialect] = await benchDialect(dialect);
  }
  const baseline = (dialect: string) => results[dialect][0].p99Ms;
  const lines = [
    `| request (one at a time) | ${settings.dialects.map((d) => `${d} p50 / p99 | p99 ÷ baseline`).join(' | ')} |`,
    `|---|${settings.dialects.map(() => '---|---').join('|')}|`,
    ...results[settings.dialects[0]].map(
      (figure, i) =>
        `| ${figure.what} | ${settings.dialects
          .map((d) => {
            const f = results[d][i];
            return `${f.p50Ms} / ${f.p99Ms} ms | ${(f.p99Ms / baseline(d)).toFixed(1)}`;
          })
          .join(' | ')} |`,
    ),
  ];
  console.log(lines.join('\n'));
  console.log(JSON.stringify({ settings, results }));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
