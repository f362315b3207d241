import type { RequestHandler } from 'express';
import { Router } from 'express';
import type { ParleyMetrics } from '../metrics/parley-metrics';
import { routeTemplateOf } from './route-list';

/** Counts and times every HTTP request under its route template (never the raw path: labels stay few). */
export function requestMetrics(metrics: ParleyMetrics): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    // Named now: a mounted app (the queue dashboard) answers as itself, with req.app changed.
    const route = routeTemplateOf(req);
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
export function metricsRoutes(metrics: ParleyMetrics): Router {
  metrics.enableProcessMetrics();
  const router = Router();
  router.get('/metrics', async (_req, res) => {
    const { contentType, body } = await metrics.exposition();
    res.set({ 'Content-Type': contentType, 'Cache-Control': 'no-store' });
    res.send(body);
  });
  return router;
}
