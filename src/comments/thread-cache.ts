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
  /** Loads under way, by page and size, with the drop count they started at. */
  private readonly loading = new Map<string, { drops: number; page: Promise<SerializedPage> }>();

  constructor(private readonly options: ThreadCacheOptions) {}

  /**
   * The cached page, or else what `load` serializes, stored unless a drop happened
   * meanwhile. Readers who miss together share one load: when a busy page's entry
   * expires, fifty readers at that moment cost one database read, not fifty. A load
   * that started before a drop is shared with nobody who came after it.
   */
  async firstPage(
    page: { siteKey: string; pageId: string; limit: number },
    load: () => Promise<unknown>,
  ): Promise<SerializedPage> {
    const hit = this.cached(page);
    if (hit) return hit;
    const key = pageKey(page.siteKey, page.pageId);
    const loadKey = `${key}\u0000${page.limit}`;
    const shared = this.loading.get(loadKey);
    if (shared && shared.drops === this.drops) return shared.page;
    const dropsBefore = this.drops;
    const storedAt = this.options.clock();
    const loaded = load().then((value) => {
      const fresh = serializePage(value);
      if (this.options.maxAgeMs > 0 && this.drops === dropsBefore) this.store(key, page.limit, { ...fresh, storedAt });
      return fresh;
    });
    const entry = { drops: dropsBefore, page: loaded };
    this.loading.set(loadKey, entry);
    const forget = () => {
      if (this.loading.get(loadKey) === entry) this.loading.delete(loadKey);
    };
    loaded.then(forget, forget);
    return loaded;
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
