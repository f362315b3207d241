import type { RequestHandler } from 'express';
import type { ParleyMetrics } from '../metrics/parley-metrics';
import { type Route, route } from './route';
import type { RouteRegistry } from './route-registry';

/** Counts and times every HTTP request under its route template (never the raw path: labels stay few). */
export function requestMetrics(metrics: ParleyMetrics, routes: RouteRegistry): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const route = routes.templateOf(req);
    res.once('finish', () => {
      metrics.recordRequest({
        method: req.method,
        route,
        status: res.statusCode,
        seconds: Number(process.hrtime.bigint() - started) / 1e9,
      });
    });
    next();
  };
}

/** `GET /metrics` in Prometheus text format. */
export function metricsRoutes(metrics: ParleyMetrics): Route[] {
  metrics.enableProcessMetrics();
  return [
    route({
      method: 'get',
      path: '/metrics',
      tag: 'Operations',
      summary: 'Prometheus metrics of this process',
      description:
        'Prometheus text format. With `PARLEY_METRICS_PORT` set, served on that port instead (and not here). The families are listed in the README, "Metrics".',
      responses: {
        200: {
          description: 'The metrics.',
          contentType: 'text/plain; version=0.0.4; charset=utf-8',
          example:
            '# HELP parley_comments_accepted_total Comments accepted (stored as pending and answered 202).\n# TYPE parley_comments_accepted_total counter\nparley_comments_accepted_total 3\n',
        },
      },
      handler: async ({ res }) => {
        const { contentType, body } = await metrics.exposition();
        res.set({ 'Content-Type': contentType, 'Cache-Control': 'no-store' });
        res.send(body);
      },
    }),
  ];
}
