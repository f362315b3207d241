// Browser code: the moderation API as the review UI uses it.

export const STATUSES = ['held', 'pending', 'approved', 'spam', 'rejected', 'deleted'] as const;
export type Status = (typeof STATUSES)[number];

export const ACTIONS = ['approve', 'reject', 'spam', 'hold'] as const;
export type Action = (typeof ACTIONS)[number];

/** The status an action leads to, and (for undo) the action that leads back to a status. */
export const STATUS_AFTER: Record<Action, Status> = {
  approve: 'approved',
  reject: 'rejected',
  spam: 'spam',
  hold: 'held',
};
export function actionLeadingTo(status: Status): Action | undefined {
  return ACTIONS.find((action) => STATUS_AFTER[action] === status);
}

export type Counts = Record<Status, number>;

// The server's own types: one definition of the contract (type-only, nothing is bundled).
import type { Principal as Me } from '../auth/token-service';
import type { ErrorCode } from '../errors';
import type { Finding } from '../moderation/finding';
import type { ModeratorComment as ModComment } from '../moderation/moderator-comment';

export type { Finding, Me, ModComment };

export interface Site {
  key: string;
  name: string;
}

export interface Filters {
  status: Status;
  site: string;
  pageId: string;
  email: string;
  q: string;
  order: 'newest' | 'oldest';
}

export interface CommentPage {
  comments: ModComment[];
  counts: Counts;
  nextCursor: string | null;
}

export interface CommentDetail {
  comment: ModComment;
  parent: ModComment | null;
  /** `counts` is null for a deleted comment (its author is erased). */
  history: { counts: Counts | null; recent: ModComment[] };
}

export type BulkResult =
  | { id: string; ok: true; status: Status; previousStatus: Status }
  | { id: string; ok: false; error: { code: string; message: string } };

/** The largest bulk request the API takes. */
export const BULK_LIMIT = 500;

/** A failed call: a code of the server's table (src/errors.ts), or `network` when the server could not be reached. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | 'network' | 'http_error',
    message: string,
  ) {
    super(message);
  }
}

/** A signed-in client: every call carries the token; a 401 calls `onUnauthorized` (and still throws). */
export class ModerationApi {
  constructor(
    private readonly token: string,
    private readonly onUnauthorized: () => void = () => {},
  ) {}

  me(): Promise<Me> {
    return this.request('GET', '/v1/moderation/me');
  }

  async sites(): Promise<Site[]> {
    return (await this.request<{ sites: Site[] }>('GET', '/v1/moderation/sites')).sites;
  }

  comments(filters: Filters, page: { cursor?: string | null; limit?: number } = {}): Promise<CommentPage> {
    const query = new URLSearchParams({ status: filters.status, order: filters.order });
    if (filters.site) query.set('site', filters.site);
    if (filters.pageId) query.set('pageId', filters.pageId);
    if (filters.email) query.set('email', filters.email);
    if (filters.q) query.set('q', filters.q);
    if (page.cursor) query.set('cursor', page.cursor);
    if (page.limit) query.set('limit', String(page.limit));
    return this.request('GET', `/v1/moderation/comments?${query}`);
  }

  comment(id: string): Promise<CommentDetail> {
    return this.request('GET', `/v1/moderation/comments/${encodeURIComponent(id)}`);
  }

  act(id: string, action: Action): Promise<{ comment: ModComment; previousStatus: Status }> {
    return this.request('POST', `/v1/moderation/comments/${encodeURIComponent(id)}/actions`, { action });
  }

  /** One bulk call per BULK_LIMIT ids; results in the order of `ids`. */
  async actOnMany(ids: string[], action: Action): Promise<BulkResult[]> {
    const results: BulkResult[] = [];
    for (let i = 0; i < ids.length; i += BULK_LIMIT) {
      const chunk = ids.slice(i, i + BULK_LIMIT);
      const answer = await this.request<{ results: BulkResult[] }>('POST', '/v1/moderation/actions', {
        ids: chunk,
        action,
      });
      results.push(...answer.results);
    }
    return results;
  }

  private async request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json', Authorization: `Bearer ${this.token}` };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: 'no-store',
        credentials: 'omit',
      });
    } catch {
      throw new ApiError(0, 'network', 'Could not reach the server. Check the connection and try again.');
    }
    const data = (await res.json().catch(() => undefined)) as
      { error?: { code?: ErrorCode; message?: string } } | undefined;
    if (!res.ok) {
      if (res.status === 401) this.onUnauthorized();
      throw new ApiError(
        res.status,
        data?.error?.code ?? 'http_error',
        data?.error?.message ?? `The server answered ${res.status}.`,
      );
    }
    return data as T;
  }
}
