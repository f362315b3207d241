import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { ApiError } from '../errors';

/** body-parser's error types, answered as client errors rather than 500s. */
const BODY_ERRORS: Record<string, ApiError> = {
  'entity.parse.failed': new ApiError(400, 'invalid_json', 'The body is not valid JSON.'),
  'entity.too.large': new ApiError(413, 'payload_too_large', 'The body is too large.'),
  'encoding.unsupported': new ApiError(415, 'unsupported_media_type', 'The body encoding is not supported.'),
  'charset.unsupported': new ApiError(415, 'unsupported_media_type', 'The body charset is not supported.'),
  'request.aborted': new ApiError(400, 'request_aborted', 'The request was aborted.'),
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
  return new ApiError(status, 'bad_request', message);
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new ApiError(404, 'not_found', `No route for ${req.method} ${req.path}.`));
};

/** Every error becomes `{error: {code, message, details?}}`; only bugs are 500s, and they never show a stack. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const known =
      err instanceof ApiError ? err : (BODY_ERRORS[(err as { type?: string })?.type ?? ''] ?? clientError(err));
    // req.log (request-logging.ts) carries the request id, so the failure can be matched with its request line.
    if (!known)
      (req.log ?? logger).error({ err, method: req.method, path: req.route?.path ?? 'unmatched' }, 'request failed');
    const error = known ?? new ApiError(500, 'internal', 'Something went wrong on our side.');
    if (res.headersSent) return;
    res.status(error.status).json({
      error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) },
    });
  };
}
