import { type ChildProcess, spawn } from 'node:child_process';
import type { Server } from 'node:http';
import net from 'node:net';
import { listeningPort, startMetricsServer } from '../../src/metrics/metrics-server';
import type { Site } from '../../src/sites/site-repository';
import { startTestParley, type TestParley } from '../helpers/parley';
import { DIALECTS, waitFor } from '../helpers/services';
import { startWebhookReceiver } from '../helpers/webhook-receiver';
import { PARLEY_MAIN } from '../helpers/parley-command';

/** The samples of one family in a Prometheus text exposition, as `labels → value`. */
function family(text: string, name: string): Map<string, number> {
  const found = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)$/.exec(line);
    if (m && m[1] === name) found.set(m[2] ?? '', Number(m[3]));
  }
  return found;
}
const total = (samples: Map<string, number>) => [...samples.values()].reduce((a, b) => a + b, 0);

/**
 * The families that must count something after a few comments, a decision by the
 * worker and one by a moderator. `parley_webhook_deliveries_total` joins them once
 * the webhook worker records its deliveries (metrics.webhookDeliveries.inc({result})).
 */
const COUNTED = [
  'parley_http_requests_total',
  'parley_http_request_duration_seconds_count',
  'parley_comments_accepted_total',
  'parley_moderation_decisions_total',
  'parley_moderation_findings_total',
  'parley_moderation_latency_seconds_count',
  'parley_queue_jobs',
  'parley_classifier_trainings_total',
  'parley_webhook_deliveries_total',
  'process_cpu_user_seconds_total',
  'nodejs_heap_size_used_bytes',
];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
    probe.once('error', reject);
  });
}

describe.each(DIALECTS)('metrics on %s', (dialect) => {
  let parley: TestParley;
  let held: Site;
  let open: Site;
  let admin: string;

  beforeAll(async () => {
    parley = await startTestParley({ dialect });
    held = await parley.createSite({ name: 'Held', moderation: 'first-time' });
    open = await parley.createSite({ name: 'Open', moderation: 'none' });
    admin = (await parley.runtime.tokenService.create({ role: 'admin', label: 'metrics test' })).token;
  });
  afterAll(() => parley.close());

  async function post(site: Site, n: number, links = 1): Promise<string> {
    const text = `Comment number ${n}: ${Array.from({ length: links }, (_, i) => `https://en.wikipedia.org/wiki/Tide_${n}_${i}`).join(' ')}`;
    const res = await parley.http
      .post(`/v1/sites/${site.key}/comments`)
      .send({ pageId: 'metrics', name: `Reader ${n}`, email: `reader${n}@example.com`, text });
    expect(res.status).toBe(202);
    return res.body.comment.id as string;
  }

  const decided = (id: string) =>
    waitFor(
      async () => {
        const status = (await parley.runtime.commentRepository.find(id))?.status;
        return status && status !== 'pending' ? status : undefined;
      },
      { what: `a decision on ${id}` },
    );

  it('shows non-zero counters for every family after a few comments and a moderator decision', async () => {
    const receiver = await startWebhookReceiver();
    const hook = await parley.http
      .post(`/v1/admin/sites/${open.key}/webhooks`)
      .set('Authorization', `Bearer ${admin}`)
      .send({ url: receiver.url, events: ['comment.approved'] });
    expect(hook.status).toBe(201);
    // Three links are more than the default limit of two: a link-count finding.
    const ids = [await post(held, 1), await post(held, 2, 3), await post(open, 3)];
    expect(await Promise.all(ids.map(decided))).toEqual(['held', 'held', 'approved']);
    const approved = await parley.http
      .post(`/v1/moderation/comments/${ids[0]}/actions`)
      .set('Authorization', `Bearer ${admin}`)
      .send({ action: 'approve' });
    expect(approved.status).toBe(200);
    await parley.http.get(`/v1/sites/${open.key}/pages/metrics/comments`).expect(200);

    // The classifier learns from the approval on the feedback queue.
    await waitFor(
      async () => {
        const text = (await parley.http.get('/metrics')).text;
        return total(family(text, 'parley_classifier_trainings_total')) > 0 ? true : undefined;
      },
      { what: 'the feedback job' },
    );

    await waitFor(async () => (receiver.received.length > 0 ? true : undefined), { what: 'the webhook delivery' });
    await receiver.close();

    // With the worker paused, a new comment waits in the moderation queue.
    await parley.worker!.worker.pause();
    await post(held, 4);

    const res = await parley.http.get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = res.text;
    for (const name of COUNTED) expect([name, total(family(text, name)) > 0]).toEqual([name, true]);
    expect(family(text, 'parley_webhook_deliveries_total').get('{result="delivered"}')).toBe(1);

    expect(family(text, 'parley_comments_accepted_total').get('')).toBe(4);
    const decisions = family(text, 'parley_moderation_decisions_total');
    expect(decisions.get('{status="held"}')).toBe(2);
    expect(decisions.get('{status="approved"}')).toBe(1);
    expect(family(text, 'parley_moderation_findings_total').get('{check="link-count",verdict="hold"}')).toBe(1);
    expect(family(text, 'parley_moderation_latency_seconds_count').get('{status="held"}')).toBe(2);
    expect(family(text, 'parley_classifier_trainings_total').get('{label="approved"}')).toBe(1);
    expect(family(text, 'parley_queue_jobs').get('{queue="moderation",state="waiting"}')).toBeGreaterThanOrEqual(1);
    expect(family(text, 'parley_queue_jobs').has('{queue="feedback",state="failed"}')).toBe(true);

    // Route templates, never raw paths with site keys or comment ids.
    const requests = family(text, 'parley_http_requests_total');
    expect(requests.get('{method="POST",route="/v1/sites/:siteKey/comments",status="202"}')).toBe(4);
    expect(requests.get('{method="POST",route="/v1/moderation/comments/:id/actions",status="200"}')).toBe(1);
    expect(requests.get('{method="GET",route="/v1/sites/:siteKey/pages/:pageId/comments",status="200"}')).toBe(1);
    expect(text).not.toContain(held.key);
    expect(text).not.toContain(ids[0]);
  });

  it('counts per runtime: another app in the same process has counters of its own', async () => {
    const other = await startTestParley({ dialect, worker: false, shareWith: parley });
    try {
      const before = family((await parley.http.get('/metrics')).text, 'parley_comments_accepted_total').get('');
      await other.http
        .post(`/v1/sites/${open.key}/comments`)
        .send({ pageId: 'metrics', name: 'Other', email: 'other@example.com', text: 'Through the other app' })
        .expect(202);
      expect(family((await other.http.get('/metrics')).text, 'parley_comments_accepted_total').get('')).toBe(1);
      expect(family((await parley.http.get('/metrics')).text, 'parley_comments_accepted_total').get('')).toBe(before);
    } finally {
      await other.close();
    }
  });

  it('moves /metrics to a port of its own with PARLEY_METRICS_PORT', async () => {
    const separate = await startTestParley({
      dialect,
      worker: false,
      shareWith: parley,
      env: { PARLEY_METRICS_PORT: '9100' },
    });
    let server: Server | undefined;
    try {
      expect(separate.runtime.config.metricsPort).toBe(9100);
      expect((await separate.http.get('/metrics')).status).toBe(404);
      await separate.http.get('/healthz').expect(200);
      server = await startMetricsServer(separate.runtime.metrics, { port: 0, host: '127.0.0.1' });
      const res = await fetch(`http://127.0.0.1:${listeningPort(server)}/metrics`);
      expect(res.status).toBe(200);
      expect(
        family(await res.text(), 'parley_http_requests_total').get('{method="GET",route="/healthz",status="200"}'),
      ).toBe(1);
    } finally {
      await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
      await separate.close();
    }
  });

  describe('in real processes', () => {
    const children: ChildProcess[] = [];
    afterAll(() => {
      for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    });

    function run(role: string, env: Record<string, string>): { child: ChildProcess; output: () => string } {
      let output = '';
      const child = spawn(process.execPath, [PARLEY_MAIN, role], {
        env: { PATH: process.env.PATH, ...parley.env, PARLEY_LOG_LEVEL: 'info', ...env },
      });
      child.stdout!.on('data', (chunk) => (output += chunk));
      child.stderr!.on('data', (chunk) => (output += chunk));
      children.push(child);
      return { child, output: () => output };
    }

    async function stop(child: ChildProcess): Promise<number | null> {
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      return exited;
    }

    it('serves the API and the worker metrics on PARLEY_METRICS_PORT, as compose runs them', async () => {
      const [apiMetrics, workerMetrics] = [await freePort(), await freePort()];
      const api = run('api', {
        PORT: '0',
        PARLEY_HOST: '127.0.0.1',
        PARLEY_METRICS_PORT: String(apiMetrics),
        PARLEY_ADMIN_TOKEN: 'a'.repeat(32),
      });
      const worker = run('worker', { PARLEY_HOST: '127.0.0.1', PARLEY_METRICS_PORT: String(workerMetrics) });
      const base = await waitFor(async () => /listening on (http:\/\/localhost:\d+)/.exec(api.output())?.[1], {
        what: 'the API to listen',
        timeoutMs: 20_000,
      });
      await waitFor(async () => (/Metrics on/.test(worker.output()) ? true : undefined), {
        what: 'the worker metrics port',
        timeoutMs: 20_000,
      });

      const res = await fetch(`${base}/v1/sites/${open.key}/comments`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          pageId: 'processes',
          name: 'Proc',
          email: 'proc@example.com',
          text: 'From a real client',
        }),
      });
      expect(res.status).toBe(202);
      const { comment } = (await res.json()) as { comment: { id: string } };
      // Whatever the checks decide (earlier tests posted from this IP too: the flood check may hold it).
      const status = await decided(comment.id);

      expect((await fetch(`${base}/metrics`)).status).toBe(404);
      const apiText = await (await fetch(`http://127.0.0.1:${apiMetrics}/metrics`)).text();
      expect(family(apiText, 'parley_comments_accepted_total').get('')).toBe(1);
      const workerText = await (await fetch(`http://127.0.0.1:${workerMetrics}/metrics`)).text();
      expect(
        family(workerText, 'parley_moderation_decisions_total').get(`{status="${status}"}`),
      ).toBeGreaterThanOrEqual(1);
      expect(family(workerText, 'parley_queue_jobs').has('{queue="moderation",state="waiting"}')).toBe(true);
      expect((await fetch(`http://127.0.0.1:${workerMetrics}/healthz`)).status).toBe(200);

      expect(await stop(api.child)).toBe(0);
      expect(await stop(worker.child)).toBe(0);
      // One JSON line per request, with its request id and route template.
      const lines = api
        .output()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l));
      const submit = lines.find((l) => l.route === '/v1/sites/:siteKey/comments');
      expect(submit).toMatchObject({
        level: 30,
        req: { id: expect.any(String), method: 'POST', path: `/v1/sites/${open.key}/comments` },
        res: { statusCode: 202 },
      });
      expect(api.output() + worker.output()).not.toContain('proc@example.com');
    });
  });
});
