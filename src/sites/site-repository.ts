import { randomBytes } from 'node:crypto';
import type { Db } from '../db/connect';
import type { SitesTable } from '../db/schema';

export type ModerationPolicy = SitesTable['moderation'];
export const MODERATION_POLICIES: readonly ModerationPolicy[] = ['none', 'first-time', 'all'];

export interface Site {
  key: string;
  name: string;
  origins: string[];
  moderation: ModerationPolicy;
  linkLimit: number;
  createdAt: string;
}

export interface NewSite {
  name: string;
  origins: string[];
  moderation?: ModerationPolicy;
  linkLimit?: number;
}

function toSite(row: SitesTable): Site {
  return {
    key: row.key,
    name: row.name,
    origins: JSON.parse(row.origins),
    moderation: row.moderation,
    linkLimit: row.link_limit,
    createdAt: new Date(Number(row.created_at)).toISOString(),
  };
}

/** An origin as browsers send it: scheme://host[:port], no path, no trailing slash. */
export function normalizeOrigin(url: string): string {
  return new URL(url).origin;
}

export class SiteRepository {
  constructor(private readonly db: Db) {}

  async create(input: NewSite): Promise<Site> {
    const row: SitesTable = {
      key: `site_${randomBytes(9).toString('base64url')}`,
      name: input.name,
      origins: JSON.stringify(input.origins.map(normalizeOrigin)),
      moderation: input.moderation ?? 'first-time',
      link_limit: input.linkLimit ?? 2,
      created_at: Date.now(),
    };
    await this.db.insertInto('sites').values(row).execute();
    return toSite(row);
  }

  async find(key: string): Promise<Site | undefined> {
    const row = await this.db.selectFrom('sites').selectAll().where('key', '=', key).executeTakeFirst();
    return row && toSite(row);
  }

  async list(): Promise<Site[]> {
    const rows = await this.db.selectFrom('sites').selectAll().orderBy('created_at').execute();
    return rows.map(toSite);
  }
}
