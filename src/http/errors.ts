import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
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

/** Every error becomes `{error: {code, message, details?}}`; only bugs are 500s, and they never show a stack. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
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
