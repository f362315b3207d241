// Browser code: the moderation API as the review UI uses it.

// The server's own types: one definition of the contract (type-only, nothing is bundled).
import type { Principal as Me } from '../auth/token-service';
import type { CommentStatus as Status, StatusCounts as Counts } from '../comments/status';
import type { ErrorCode } from '../errors';
import type {
  ActionResult,
  BulkResults,
  ErrorBody,
  ModerationDetail as CommentDetail,
  ModerationQueue as CommentPage,
  ModeratorSites,
} from '../http/envelopes';
import type { Finding } from '../moderation/finding';
import type {
  BulkResult,
  MAX_BULK_IDS,
  ModeratorAction as Action,
  STATUS_OF_ACTION,
} from '../moderation/moderator-actions';
import type { ModeratorView as ModComment } from '../moderation/moderator-view';
import type { SiteSummary as Site } from '../sites/site-repository';

export type { Action, BulkResult, CommentDetail, CommentPage, Counts, Finding, Me, ModComment, Site, Status };

/** `true` when `List` names every member of `All`; asserting it fails to compile when one is missing. */
type ListsEvery<All, List extends readonly All[]> = [Exclude<All, List[number]>] extends [never] ? true : never;

// The bundle cannot import the server's lists at run time, so it keeps its own, in the
// order it shows them, checked against the server's types.

/** The statuses, in the order of the tabs. */
export const STATUSES = [
  'held',
  'pending',
  'approved',
  'spam',
  'rejected',
  'deleted',
] as const satisfies readonly Status[];
true satisfies ListsEvery<Status, typeof STATUSES>;

/** The actions, in the order of the buttons. */
export const ACTIONS = ['approve', 'reject', 'spam', 'hold'] as const satisfies readonly Action[];
true satisfies ListsEvery<Action, typeof ACTIONS>;

/** The status an action leads to, and (for undo) the action that leads back to a status. */
export const STATUS_AFTER: typeof STATUS_OF_ACTION = {
  approve: 'approved',
  reject: 'rejected',
  spam: 'spam',
  hold: 'held',
};
export function actionLeadingTo(status: Status): Action | undefined {
  return ACTIONS.find((action) => STATUS_AFTER[action] === status);
}

export interface Filters {
  status: Status;
  site: string;
  pageId: string;
  email: string;
  q: string;
  order: 'newest' | 'oldest';
}

/** The largest bulk request the API takes. */
export const BULK_LIMIT: typeof MAX_BULK_IDS = 500;

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
    return (await this.request<ModeratorSites>('GET', '/v1/moderation/sites')).sites;
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

  act(id: string, action: Action): Promise<ActionResult> {
    return this.request('POST', `/v1/moderation/comments/${encodeURIComponent(id)}/actions`, { action });
  }

  /** One bulk call per BULK_LIMIT ids; results in the order of `ids`. */
  async actOnMany(ids: string[], action: Action): Promise<BulkResult[]> {
    const results: BulkResult[] = [];
    for (let i = 0; i < ids.length; i += BULK_LIMIT) {
      const chunk = ids.slice(i, i + BULK_LIMIT);
      const answer = await this.request<BulkResults>('POST', '/v1/moderation/actions', {
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
    // `cache` is named in the type because Node's fetch types lack it: the unit tests of the UI's
    // DOM-free modules, which import this file, check it with Node's types rather than the DOM's.
    const init: RequestInit & { cache?: 'no-store' } = {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      credentials: 'omit',
    };
    let res: Response;
    try {
      res = await fetch(path, init);
    } catch {
      throw new ApiError(0, 'network', 'Could not reach the server. Check the connection and try again.');
    }
    const data = (await res.json().catch(() => undefined)) as Partial<ErrorBody> | undefined;
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
