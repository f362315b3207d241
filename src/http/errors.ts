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

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new ApiError(404, 'not_found', `No route for ${req.method} ${req.path}.`));
};

/** Every error becomes `{error: {code, message, details?}}`; only bugs are 500s, and they never show a stack. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const known = err instanceof ApiError ? err : BODY_ERRORS[(err as { type?: string })?.type ?? ''];
    // req.log (request-logging.ts) carries the request id, so the failure can be matched with its request line.
    if (!known) (req.log ?? logger).error({ err, method: req.method, path: req.route?.path ?? 'unmatched' }, 'request failed');
    const error = known ?? new ApiError(500, 'internal', 'Something went wrong on our side.');
    if (res.headersSent) return;
    res.status(error.status).json({
      error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) },
    });
  };
}
