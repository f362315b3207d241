// Browser code: the public API as the widget uses it (see README "Public (the widget)").
// Errors are `{error: {code, message, details?}}`; a 429 carries Retry-After.

// The server's own types: one definition of the contract (type-only, nothing is bundled).
import type { PublicComment } from '../comments/public-comment';
import type { CommentStatus as Status } from '../comments/status';
import type { SubmitComment as Submission } from '../comments/submit-schema';
import type { ErrorCode, FieldError } from '../errors';
import type { AuthorStatus, ErrorBody, FormToken, SubmitResult, Thread } from '../http/envelopes';

export type { FieldError, PublicComment, Status, Submission, Thread };

/** A failed call: a code of the server's table (src/errors.ts); `status` 0 and `network` when the server could not be reached at all. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | 'network' | `http_${number}`,
    message: string,
    readonly fields: FieldError[] = [],
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

export class Api {
  /** `base` ends with a slash: the folder embed.js was served from. */
  constructor(
    private readonly base: string,
    private readonly site: string,
    private readonly signal: AbortSignal,
  ) {}

  private async call<T>(path: string, init: RequestInit = {}): Promise<T> {
    let res: Response;
    try {
      res = await fetch(this.base + path, { ...init, credentials: 'omit', signal: this.signal });
    } catch {
      throw new ApiFailure(0, 'network', 'unreachable');
    }
    const body = await res.json().catch(() => undefined);
    if (res.ok) return body as T;
    const error: Partial<ErrorBody['error']> = body?.error ?? {};
    const retry = res.headers.get('Retry-After');
    throw new ApiFailure(
      res.status,
      error.code ?? `http_${res.status}`,
      String(error.message ?? res.statusText),
      Array.isArray(error.details) ? error.details : [],
      retry && /^\d+$/.test(retry) ? Number(retry) : undefined,
    );
  }

  private sitePath(rest: string): string {
    return `v1/sites/${encodeURIComponent(this.site)}/${rest}`;
  }

  thread(pageId: string, limit: number, cursor?: string | null): Promise<Thread> {
    const query = `?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    return this.call(this.sitePath(`pages/${encodeURIComponent(pageId)}/comments${query}`));
  }

  submit(body: Submission): Promise<SubmitResult> {
    return this.call(this.sitePath('comments'), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  status(id: string, authorToken: string): Promise<AuthorStatus> {
    return this.call(`v1/comments/${encodeURIComponent(id)}/status`, {
      headers: { Authorization: `Bearer ${authorToken}` },
      cache: 'no-store',
    });
  }

  /** The time-trap token, or undefined when the server has none to give (the API then takes posts without). */
  formToken(): Promise<string | undefined> {
    return this.call<Partial<FormToken>>(this.sitePath('form-token'), { cache: 'no-store' }).then(
      (body) => body?.formToken,
      () => undefined,
    );
  }
}
