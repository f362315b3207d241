import type { Server } from 'node:http';
import type { Queue } from 'bullmq';
import express from 'express';
import request from 'supertest';
import { metricsRoutes, requestMetrics } from '../../src/http/metrics-routes';
import { noContent, route } from '../../src/http/route';
import { RouteRegistry } from '../../src/http/route-registry';
import { listeningPort, startMetricsServer } from '../../src/metrics/metrics-server';
import { ParleyMetrics } from '../../src/metrics/parley-metrics';

/** A queue as the gauge sees it: a name and job counts. */
function fakeQueue(name: string, counts: () => Promise<Record<string, number>>): Queue {
  return { name, getJobCounts: counts } as unknown as Queue;
}

/** `name{labels} value` samples of a Prometheus text exposition. */
function samples(text: string, family: string): { labels: string; value: number }[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${family}{`) || line.startsWith(`${family} `))
    .map((line) => {
      const m = /^[^{\s]+(\{.*\})?\s+(\S+)$/.exec(line)!;
      return { labels: m[1] ?? '', value: Number(m[2]) };
    });
}

describe('ParleyMetrics', () => {
  it('keeps a registry per instance, so several runtimes in one process do not collide', async () => {
    const a = new ParleyMetrics();
    const b = new ParleyMetrics();
    a.commentsAccepted.inc();
    a.commentsAccepted.inc();
    b.commentsAccepted.inc();
    expect(samples((await a.exposition()).body, 'parley_comments_accepted_total')).toEqual([{ labels: '', value: 2 }]);
    expect(samples((await b.exposition()).body, 'parley_comments_accepted_total')).toEqual([{ labels: '', value: 1 }]);
  });

  it('records a decision by outcome, by check and verdict, and its latency from acceptance', async () => {
    const metrics = new ParleyMetrics();
    metrics.recordDecision({
      status: 'held',
      findings: [
        { check: 'link-count', verdict: 'hold' },
        { check: 'author-history', verdict: 'approve' },
      ],
      acceptedAt: 1_000,
      decidedAt: 1_250,
    });
    const text = (await metrics.exposition()).body;
    expect(samples(text, 'parley_moderation_decisions_total')).toEqual([{ labels: '{status="held"}', value: 1 }]);
    expect(samples(text, 'parley_moderation_findings_total')).toEqual([
      { labels: '{check="link-count",verdict="hold"}', value: 1 },
      { labels: '{check="author-history",verdict="approve"}', value: 1 },
    ]);
    expect(samples(text, 'parley_moderation_latency_seconds_sum')).toEqual([
      { labels: '{status="held"}', value: 0.25 },
    ]);
    expect(samples(text, 'parley_moderation_latency_seconds_bucket')).toContainEqual({
      labels: '{le="0.25",status="held"}',
      value: 1,
    });
    expect(samples(text, 'parley_moderation_latency_seconds_bucket')).toContainEqual({
      labels: '{le="0.1",status="held"}',
      value: 0,
    });
  });

  it('reads job counts of every queue at each scrape, including queues added later, and skips one that does not answer', async () => {
    const queues = [
      fakeQueue('moderation', async () => ({ waiting: 3, prioritized: 0, active: 1, delayed: 2, failed: 4 })),
    ];
    const metrics = new ParleyMetrics({ queues });
    queues.push(fakeQueue('webhooks', async () => ({ waiting: 7, prioritized: 0, active: 0, delayed: 0, failed: 0 })));
    queues.push(fakeQueue('stuck', () => new Promise(() => undefined)));
    queues.push(fakeQueue('broken', async () => Promise.reject(new Error('Connection is closed.'))));
    const started = Date.now();
    const text = (await metrics.exposition()).body;
    expect(Date.now() - started).toBeLessThan(3000);
    const gauge = samples(text, 'parley_queue_jobs');
    expect(gauge).toEqual(
      expect.arrayContaining([
        { labels: '{queue="moderation",state="waiting"}', value: 3 },
        { labels: '{queue="moderation",state="active"}', value: 1 },
        { labels: '{queue="moderation",state="delayed"}', value: 2 },
        { labels: '{queue="moderation",state="failed"}', value: 4 },
        { labels: '{queue="webhooks",state="waiting"}', value: 7 },
      ]),
    );
    expect(gauge.filter((s) => /stuck|broken/.test(s.labels))).toEqual([]);
  });

  it('labels HTTP requests with the route template and status, and serves the text format', async () => {
    const metrics = new ParleyMetrics();
    const app = express();
    const routes = new RouteRegistry();
    app.use(requestMetrics(metrics, routes));
    app.use(routes.router(metricsRoutes(metrics)));
    const submit = route({
      method: 'post',
      path: '/v1/sites/:siteKey/comments',
      tag: 'Public',
      summary: 'Submit a comment',
      responses: { 202: noContent('Accepted.') },
      handler: ({ res }) => {
        res.status(202).json({});
      },
    });
    app.use(routes.router([submit]));
    await request(app).post('/v1/sites/site_one/comments');
    await request(app).post('/v1/sites/site_two/comments');
    await request(app).get('/no/such/path');
    const res = await request(app).get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(samples(res.text, 'parley_http_requests_total')).toEqual(
      expect.arrayContaining([
        { labels: '{method="POST",route="/v1/sites/:siteKey/comments",status="202"}', value: 2 },
        { labels: '{method="GET",route="unmatched",status="404"}', value: 1 },
      ]),
    );
    expect(res.text).not.toContain('site_one');
    expect(samples(res.text, 'parley_http_request_duration_seconds_count')).toContainEqual({
      labels: '{method="POST",route="/v1/sites/:siteKey/comments",status="202"}',
      value: 2,
    });
    // Node's process metrics, once /metrics is served.
    expect(res.text).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(res.text).toMatch(/^nodejs_heap_size_used_bytes \d/m);
  });

  it('declares every family, with help, before anything is counted', async () => {
    const text = (await new ParleyMetrics().exposition()).body;
    for (const family of [
      'parley_http_requests_total',
      'parley_http_request_duration_seconds',
      'parley_comments_accepted_total',
      'parley_moderation_decisions_total',
      'parley_moderation_findings_total',
      'parley_moderation_latency_seconds',
      'parley_queue_jobs',
      'parley_webhook_deliveries_total',
      'parley_classifier_trainings_total',
    ]) {
      expect(text).toMatch(new RegExp(`^# HELP ${family} \\S`, 'm'));
    }
  });
});

describe('the metrics port', () => {
  let server: Server;
  let base: string;
  const metrics = new ParleyMetrics();
  beforeAll(async () => {
    server = await startMetricsServer(metrics, { port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${listeningPort(server)}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('serves /metrics and /healthz, and nothing else', async () => {
    metrics.webhookDeliveries.inc({ result: 'delivered' });
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(samples(await res.text(), 'parley_webhook_deliveries_total')).toEqual([
      { labels: '{result="delivered"}', value: 1 },
    ]);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const other = await fetch(`${base}/v1/admin/sites`);
    expect(other.status).toBe(404);
    expect(await other.json()).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
    expect((await fetch(`${base}/metrics`, { method: 'POST' })).status).toBe(405);
  });
});
