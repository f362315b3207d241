/** One field's problem, as listed in a 400 answer. */
export interface FieldError {
  path: string;
  message: string;
}

interface ErrorDefinition {
  status: number;
  /** When the API answers it: the OpenAPI document lists these per status. */
  meaning: string;
  /** The message it carries unless the call site says more (codes without one always say more). */
  message?: string;
}

/**
 * Every error code the API answers, with its status. Clients (the widget, the moderator
 * UI, integrations) branch on the code, so a code is added here or not at all.
 */
export const ERROR_DEFINITIONS = {
  validation_failed: {
    status: 400,
    meaning: 'a field is invalid; `details` lists each one',
    message: 'The request has invalid fields.',
  },
  invalid_json: { status: 400, meaning: 'the body is not valid JSON', message: 'The body is not valid JSON.' },
  request_aborted: { status: 400, meaning: 'the body did not arrive whole', message: 'The request was aborted.' },
  bad_request: {
    status: 400,
    meaning: 'the URL or the request is malformed (a 4xx that Express or a body parser gave keeps its status)',
    message: 'The request is malformed.',
  },
  unauthorized: {
    status: 401,
    meaning: 'no valid token in `Authorization: Bearer <token>`',
    message: 'Send a valid token as "Authorization: Bearer <token>".',
  },
  forbidden: {
    status: 403,
    meaning: 'a token of too small a role or limited to another site',
    message: 'This token is limited to another site.',
  },
  origin_not_allowed: { status: 403, meaning: 'a browser `Origin` the site does not list' },
  not_found: { status: 404, meaning: 'no such site, comment, ban, token, webhook endpoint or route' },
  comment_deleted: {
    status: 409,
    meaning: 'the comment is deleted and nothing more can be done to it',
    message: 'The comment was deleted; nothing can be done to it any more.',
  },
  conflict: {
    status: 409,
    meaning: 'the comment kept changing under the action: try again',
    message: 'The comment kept changing while this action was applied; try again.',
  },
  not_redeliverable: {
    status: 409,
    meaning: 'a test delivery cannot be redelivered',
    message: 'A test event is not redelivered; send a new test.',
  },
  payload_too_large: {
    status: 413,
    meaning: 'the body is larger than `PARLEY_BODY_LIMIT`',
    message: 'The body is too large.',
  },
  unsupported_media_type: { status: 415, meaning: 'the body is not `application/json` (or not in UTF-8)' },
  rate_limited: {
    status: 429,
    meaning:
      'more submissions from this IP than `PARLEY_SUBMITS_PER_MINUTE` allows; `Retry-After` says how many seconds to wait',
  },
  internal: {
    status: 500,
    meaning: 'a bug on our side (never bad input)',
    message: 'Something went wrong on our side.',
  },
  database_unavailable: {
    status: 503,
    meaning: 'the database cannot be reached right now; nothing was written, and `Retry-After` says when to try again',
    message: 'The database is unavailable right now; nothing was stored. Try again in a few seconds.',
  },
  ui_not_built: {
    status: 503,
    meaning: 'the moderator UI is not built',
    message: 'The moderator UI is not built: run "npm run build".',
  },
  widget_not_built: {
    status: 503,
    meaning: 'the widget is not built',
    message: 'The widget is not built: run "npm run build".',
  },
} as const satisfies Record<string, ErrorDefinition>;

type Definitions = typeof ERROR_DEFINITIONS;
export type ErrorCode = keyof Definitions;
export type ErrorStatus = Definitions[ErrorCode]['status'];
/** The codes answered with one status. */
type CodeOf<S extends ErrorStatus> = { [C in ErrorCode]: Definitions[C]['status'] extends S ? C : never }[ErrorCode];

export const ERROR_CODES = Object.keys(ERROR_DEFINITIONS) as ErrorCode[];

/**
 * An error meant for the client: the HTTP layer answers it as
 * `{error: {code, message, details?}}` with the status of its code. Anything else is a bug (500).
 */
export class ApiError extends Error {
  readonly status: number;

  private constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: FieldError[],
    status?: number,
  ) {
    super(message);
    this.status = status ?? ERROR_DEFINITIONS[code].status;
  }

  static validation(details: FieldError[]): ApiError {
    return new ApiError('validation_failed', ERROR_DEFINITIONS.validation_failed.message, details);
  }

  static badRequest(code: Exclude<CodeOf<400>, 'validation_failed'>, message?: string): ApiError {
    return new ApiError(code, message ?? ERROR_DEFINITIONS[code].message);
  }

  /** What Express or a body parser refused with a 4xx of its own (broken percent-encoding, too many form fields). */
  static refused(status: number, message: string): ApiError {
    return new ApiError('bad_request', message, undefined, status);
  }

  static unauthorized(message?: string): ApiError {
    return new ApiError('unauthorized', message ?? ERROR_DEFINITIONS.unauthorized.message);
  }

  static forbidden(message?: string): ApiError {
    return new ApiError('forbidden', message ?? ERROR_DEFINITIONS.forbidden.message);
  }

  static originNotAllowed(origin: string): ApiError {
    return new ApiError('origin_not_allowed', `Origin ${origin} is not allowed for this site.`);
  }

  static notFound(what: string): ApiError {
    return new ApiError('not_found', `${what} not found.`);
  }

  static noRoute(method: string, path: string): ApiError {
    return new ApiError('not_found', `No route for ${method} ${path}.`);
  }

  static conflict(code: CodeOf<409>): ApiError {
    return new ApiError(code, ERROR_DEFINITIONS[code].message);
  }

  static payloadTooLarge(): ApiError {
    return new ApiError('payload_too_large', ERROR_DEFINITIONS.payload_too_large.message);
  }

  static unsupportedMediaType(message: string): ApiError {
    return new ApiError('unsupported_media_type', message);
  }

  static rateLimited(retryAfterSeconds: number): ApiError {
    return new ApiError('rate_limited', `Too many requests; try again in ${retryAfterSeconds} s.`);
  }

  static unavailable(code: CodeOf<503>): ApiError {
    return new ApiError(code, ERROR_DEFINITIONS[code].message);
  }

  static internal(): ApiError {
    return new ApiError('internal', ERROR_DEFINITIONS.internal.message);
  }

  /** The answer's body: `{error: {code, message, details?}}`. */
  toBody(): { error: { code: ErrorCode; message: string; details?: FieldError[] } } {
    return { error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) } };
  }
}
