import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ParleyMetrics } from './parley-metrics';

/**
 * A small HTTP server for `PARLEY_METRICS_PORT`: `GET /metrics`, and `GET /healthz` for
 * the container health check of a worker, which serves nothing else. Nothing else is
 * answered on this port.
 */
export function startMetricsServer(metrics: ParleyMetrics, options: { port: number; host: string }): Promise<Server> {
  metrics.enableProcessMetrics();
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res
        .writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'application/json' })
        .end(JSON.stringify({ error: { code: 'method_not_allowed', message: 'Only GET is answered here.' } }));
      return;
    }
    if (path === '/healthz') {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ status: 'ok' }));
      return;
    }
    if (path !== '/metrics') {
      res
        .writeHead(404, { 'Content-Type': 'application/json' })
        .end(JSON.stringify({ error: { code: 'not_found', message: 'This port serves /metrics and /healthz only.' } }));
      return;
    }
    metrics.exposition().then(
      ({ contentType, body }) =>
        res.writeHead(200, { 'Content-Type': contentType, 'Cache-Control': 'no-store' }).end(body),
      () =>
        res
          .writeHead(500, { 'Content-Type': 'application/json' })
          .end(JSON.stringify({ error: { code: 'internal', message: 'Could not collect the metrics.' } })),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

/** The port a server listens on (for logs when the configured port was 0). */
export function listeningPort(server: Server): number {
  return (server.address() as AddressInfo).port;
}
