import { createHash } from 'node:crypto';

/** A thread page as it goes out: its JSON as UTF-8 bytes (encoded once, not per request) and its ETag. */
export interface SerializedPage {
  body: Buffer;
  etag: string;
}

interface Entry extends SerializedPage {
  storedAt: number;
}

export interface ThreadCacheOptions {
  /** How long an entry may be served; 0 caches nothing. */
  maxAgeMs: number;
  /** Past this many pages the cache starts over: a bound on memory, not an eviction policy. */
  maxPages?: number;
  clock: () => number;
}

export function serializePage(value: unknown): SerializedPage {
  const body = Buffer.from(JSON.stringify(value));
  return { body, etag: `"${createHash('sha1').update(body).digest('base64url')}"` };
}

const pageKey = (siteKey: string, pageId: string) => `${siteKey}\u0000${pageId}`;

/**
 * The serialized first pages of threads, per page and page size, kept in this
 * process's memory. Whoever changes a published comment drops its page (see
 * ChangeFeed, which tells the other replicas); entries also expire after `maxAgeMs`,
 * which bounds how long a change whose message was lost, or that committed while
 * its page was being read, stays unseen.
 */
export class ThreadCache {
  private readonly pages = new Map<string, Map<number, Entry>>();
  /** Counts drops, so that a read that raced one does not store what it read. */
  private drops = 0;

  constructor(private readonly options: ThreadCacheOptions) {}

  /** The cached page, or else what `load` serializes, stored unless a drop happened meanwhile. */
  async firstPage(
    page: { siteKey: string; pageId: string; limit: number },
    load: () => Promise<unknown>,
  ): Promise<SerializedPage> {
    const hit = this.cached(page);
    if (hit) return hit;
    const { maxAgeMs, clock } = this.options;
    const key = pageKey(page.siteKey, page.pageId);
    const dropsBefore = this.drops;
    const storedAt = clock();
    const fresh = serializePage(await load());
    if (maxAgeMs > 0 && this.drops === dropsBefore) this.store(key, page.limit, { ...fresh, storedAt });
    return fresh;
  }

  /** The cached page if there is a fresh one: what a read answers without a promise or the database. */
  cached(page: { siteKey: string; pageId: string; limit: number }): SerializedPage | undefined {
    const hit = this.pages.get(pageKey(page.siteKey, page.pageId))?.get(page.limit);
    return hit && this.options.clock() - hit.storedAt < this.options.maxAgeMs ? hit : undefined;
  }

  dropPage(siteKey: string, pageId: string): void {
    this.drops += 1;
    this.pages.delete(pageKey(siteKey, pageId));
  }

  dropAll(): void {
    this.drops += 1;
    this.pages.clear();
  }

  private store(key: string, limit: number, entry: Entry): void {
    if (this.pages.size >= (this.options.maxPages ?? 10_000)) this.pages.clear();
    let sizes = this.pages.get(key);
    if (!sizes) this.pages.set(key, (sizes = new Map()));
    sizes.set(limit, entry);
  }
}
