import type { Site, SiteRepository } from './site-repository';

export interface SiteCacheOptions {
  sites: SiteRepository;
  /** How long a site is served from memory; 0 reads the database every time. */
  maxAgeMs: number;
  clock: () => number;
}

/**
 * Sites as the request path looks them up, on every request: kept in memory for
 * `maxAgeMs`, parsed once. A site changed through the API is dropped on every replica
 * at once (ChangeFeed); one changed by another process without Redis within `maxAgeMs`.
 * Unknown keys are not remembered, so a new site is found at once.
 */
export class SiteCache {
  private readonly entries = new Map<string, { site: Site; storedAt: number }>();
  /** Counts drops, so that a lookup that raced one does not store what it read. */
  private drops = 0;

  constructor(private readonly options: SiteCacheOptions) {}

  async find(key: string): Promise<Site | undefined> {
    const hit = this.cached(key);
    if (hit) return hit;
    const { maxAgeMs, clock, sites } = this.options;
    const storedAt = clock();
    const dropsBefore = this.drops;
    const site = await sites.find(key);
    if (site && maxAgeMs > 0 && this.drops === dropsBefore) {
      if (this.entries.size >= 10_000) this.entries.clear();
      this.entries.set(key, { site, storedAt });
    } else this.entries.delete(key);
    return site;
  }

  /** The site if it is in memory and fresh. */
  cached(key: string): Site | undefined {
    const hit = this.entries.get(key);
    return hit && this.options.clock() - hit.storedAt < this.options.maxAgeMs ? hit.site : undefined;
  }

  drop(key: string): void {
    this.drops += 1;
    this.entries.delete(key);
  }

  dropAll(): void {
    this.drops += 1;
    this.entries.clear();
  }
}
