import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { isDatabaseOutage } from '../db/outage';
import { ApiError } from '../errors';

/** body-parser's error types, answered as client errors rather than 500s. */
const BODY_ERRORS: Record<string, ApiError> = {
  'entity.parse.failed': ApiError.badRequest('invalid_json'),
  'entity.too.large': ApiError.payloadTooLarge(),
  'encoding.unsupported': ApiError.unsupportedMediaType('The body encoding is not supported.'),
  'charset.unsupported': ApiError.unsupportedMediaType('The body charset is not supported.'),
  'request.aborted': ApiError.badRequest('request_aborted'),
};

/**
 * Express and its parsers mark the errors that are the client's (a path with broken
 * percent-encoding, too many form fields) with a 4xx `status`: answer those as such,
 * never as a 500.
 */
function clientError(err: unknown): ApiError | undefined {
  const { status } = (err ?? {}) as { status?: number };
  if (typeof status !== 'number' || status < 400 || status > 499) return undefined;
  const message = err instanceof URIError ? 'The URL has broken percent-encoding.' : 'The request is malformed.';
  return ApiError.refused(status, message);
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(ApiError.noRoute(req.method, req.path));
};

/** Seconds a client is asked to wait when the database is unreachable. */
const OUTAGE_RETRY_AFTER_S = 5;

/**
 * Every error becomes `{error: {code, message, details?}}`; only bugs are 500s, and they
 * never show a stack. A database outage is a 503 with `Retry-After`: the request changed
 * nothing (each write is one transaction), so the client may simply send it again.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (isDatabaseOutage(err)) {
      (req.log ?? logger).warn({ err: (err as Error).message, method: req.method }, 'database unavailable');
      if (res.headersSent) return;
      res.set('Retry-After', String(OUTAGE_RETRY_AFTER_S));
      res.status(503).json(ApiError.unavailable('database_unavailable').toBody());
      return;
    }
    const known =
      err instanceof ApiError ? err : (BODY_ERRORS[(err as { type?: string })?.type ?? ''] ?? clientError(err));
    // req.log (request-logging.ts) carries the request id, so the failure can be matched with its request line.
    if (!known)
      (req.log ?? logger).error({ err, method: req.method, path: req.route?.path ?? 'unmatched' }, 'request failed');
    const error = known ?? ApiError.internal();
    if (res.headersSent) return;
    res.status(error.status).json(error.toBody());
  };
}
