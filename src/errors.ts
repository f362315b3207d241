/** One field's problem, as listed in a 400 answer. */
export interface FieldError {
  path: string;
  message: string;
}

/**
 * An error meant for the client: the HTTP layer answers it as
 * `{error: {code, message, details?}}` with this status. Anything else is a bug (500).
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  static validation(details: FieldError[]): ApiError {
    return new ApiError(400, 'validation_failed', 'The request has invalid fields.', details);
  }

  static notFound(what: string): ApiError {
    return new ApiError(404, 'not_found', `${what} not found.`);
  }
}
