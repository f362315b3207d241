import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { startTestParley, type TestParley } from '../helpers/parley';
import { DIALECTS, waitFor } from '../helpers/services';
import { PARLEY_MAIN } from '../helpers/parley-command';

const DISQUS = path.resolve(__dirname, '../fixtures/imports/disqus.xml');

// Each test runs the real command, several times: on a loaded machine that takes a while.
jest.setTimeout(180_000);

describe.each(DIALECTS)('IP retention on %s', (dialect) => {
  let parley: TestParley;

  beforeAll(async () => {
    parley = await startTestParley({
      dialect,
      worker: false,
      env: { PARLEY_TRUST_PROXY: 'loopback', PARLEY_IP_RETENTION_DAYS: '30' },
    });
  });
  afterAll(() => parley.close());

  it('anonymizes the IPs of comments past the retention period in a repeatable worker job, and leaves recent ones whole', async () => {
    const site = await parley.createSite({ moderation: 'none' });
    // Comments from 2020 (an import) and one of today.
    expect(
      spawnSync(process.execPath, [PARLEY_MAIN, 'import', 'disqus', DISQUS, '--site', site.key], { env: parley.env })
        .status,
    ).toBe(0);
    const fresh = await parley.http
      .post(`/v1/sites/${site.key}/comments`)
      .set('X-Forwarded-For', '203.0.113.9')
      .send({ pageId: 'p', name: 'Nia', email: 'nia@example.com', text: 'Just now' });
    expect(fresh.status).toBe(202);

    parley.startWorker();
    const ips = async () =>
      Object.fromEntries(
        (
          await parley.runtime.db
            .selectFrom('comments')
            .select(['source_id', 'ip'])
            .where('site_key', '=', site.key)
            .execute()
        ).map((r) => [r.source_id ?? 'fresh', r.ip]),
      );
    const after = await waitFor(async () => {
      const now = await ips();
      // Done when every old comment's IP is a range.
      return Object.entries(now).every(([id, ip]) => id === 'fresh' || ip!.includes('/')) ? now : undefined;
    });
    expect(after).toMatchObject({
      '9000001': '198.51.100.0/24',
      '9000002': '2001:db8:0::/48',
      fresh: '203.0.113.9',
    });
    expect(Object.values(after).filter((ip) => ip && !ip.includes('/'))).toEqual(['203.0.113.9']);
    const schedulers = await parley.runtime.retentionQueue.queue.getJobSchedulers();
    expect(schedulers).toEqual([expect.objectContaining({ key: 'anonymize-ips', every: 3600_000 })]);
    // Repeatable: a second run finds nothing left to do.
    expect(await parley.runtime.ipRetention.run()).toBe(0);
  });
});
