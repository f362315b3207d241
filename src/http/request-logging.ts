import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, RequestHandler } from 'express';
import pino, { type Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import type { RouteRegistry } from './route-registry';

/** A request id a client or proxy may set: short, printable, no spaces (it is echoed in a header and logged). */
const GIVEN_REQUEST_ID = /^[\w.:@/+=-]{1,128}$/;

/** Probes that load balancers and Prometheus call every few seconds: logged at debug, unless they fail. */
const PROBES = new Set(['/healthz', '/readyz', '/metrics']);

const pathOf = (req: IncomingMessage) => ((req as Request).originalUrl ?? req.url ?? '/').split('?')[0];

/** The request id: the caller's `X-Request-Id` when it is a sane one, else a new UUID; always sent back. */
export function requestId(req: IncomingMessage, res: ServerResponse): string {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && GIVEN_REQUEST_ID.test(given) ? given : randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}

/**
 * One log line per request, when it is answered: request id, method, path (never the
 * query string, which may hold an email or a search), route template, status and time.
 * No headers, no client address, no body: nothing personal at any level. The request's
 * own logger, `req.log`, carries the request id for anything logged while answering.
 */
export function requestLogging(logger: Logger, routes: RouteRegistry): RequestHandler {
  // pino-http costs a few percent of a request even when nothing is logged: at `silent`, only the id.
  if (logger.level === 'silent') {
    return (req, res, next) => {
      routes.templateOf(req);
      req.id = requestId(req, res);
      req.log = logger;
      next();
    };
  }
  const middleware = pinoHttp({
    logger,
    genReqId: requestId,
    wrapSerializers: false,
    serializers: {
      req: (req: IncomingMessage) => ({ id: req.id, method: req.method, path: pathOf(req) }),
      res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
      err: pino.stdSerializers.err,
    },
    customLogLevel: (req, res, err) => {
      if (err || res.statusCode >= 500) return 'error';
      if (PROBES.has(pathOf(req)) && res.statusCode < 400) return 'debug';
      return 'info';
    },
    customSuccessObject: (req, _res, value: Record<string, unknown>) => ({
      ...value,
      route: routes.templateOf(req as Request),
    }),
    customErrorObject: (req, _res, _err, value: Record<string, unknown>) => ({
      ...value,
      route: routes.templateOf(req as Request),
    }),
    customSuccessMessage: (req, res) => `${req.method} ${pathOf(req)} ${res.statusCode}`,
    customErrorMessage: (req, res) => `${req.method} ${pathOf(req)} ${res.statusCode}`,
  });
  return (req, res, next) => {
    // Named once, as it arrives; the metrics and the log line read the same name.
    routes.templateOf(req);
    middleware(req, res, next);
  };
}
