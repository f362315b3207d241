import { randomBytes } from 'node:crypto';
import type { Selectable } from 'kysely';
import { z } from 'zod';
import type { Db } from '../db/connect';
import type { SitesTable } from '../db/schema';
import { isoTime, isoTimestamp } from '../db/timestamps';
import { parseSitePolicy, sitePolicyChangesSchema, sitePolicySchema } from './policy-schema';

export type ModerationPolicy = SitesTable['moderation'];
export const MODERATION_POLICIES: readonly ModerationPolicy[] = ['none', 'first-time', 'all'];

export const siteSchema = z
  .object({
    key: z.string(),
    name: z.string(),
    origins: z.array(z.string()),
    moderation: z.enum(MODERATION_POLICIES),
    linkLimit: z.number().int(),
    policy: sitePolicySchema,
    createdAt: isoTimestamp,
  })
  .meta({ id: 'Site' });
export type Site = z.infer<typeof siteSchema>;

/** A site as moderators pick it from a list. */
export const siteSummarySchema = siteSchema.pick({ key: true, name: true });
export type SiteSummary = z.infer<typeof siteSummarySchema>;

/** An admin's new site (`POST /v1/admin/sites`, `parley sites create`). */
export const newSiteSchema = z.object({
  name: z.string().trim().min(1).max(200),
  origins: z
    .array(z.url({ protocol: /^https?$/ }))
    .min(1)
    .max(50),
  moderation: z.enum(MODERATION_POLICIES).optional(),
  linkLimit: z.number().int().min(0).max(100).optional(),
  policy: sitePolicyChangesSchema.optional(),
});
export type NewSite = z.infer<typeof newSiteSchema>;

/** A change to a site: any of its settings, nothing unknown; policy settings not given keep their values. */
export const siteChangesSchema = newSiteSchema.partial().strict();
export type SiteChanges = z.infer<typeof siteChangesSchema>;

function toSite(row: Selectable<SitesTable>): Site {
  return {
    key: row.key,
    name: row.name,
    origins: z.array(z.string()).parse(JSON.parse(row.origins)),
    moderation: row.moderation,
    linkLimit: row.link_limit,
    policy: parseSitePolicy(row.policy),
    createdAt: isoTime(row.created_at),
  };
}

/** An origin as browsers send it: scheme://host[:port], no path, no trailing slash. */
export function normalizeOrigin(url: string): string {
  return new URL(url).origin;
}

export class SiteRepository {
  private readonly listeners: Array<(key: string) => void> = [];

  constructor(private readonly db: Db) {}

  /** Calls `listener` with the key of every site this repository changes (caches drop it). */
  onChange(listener: (key: string) => void): void {
    this.listeners.push(listener);
  }

  async create(input: NewSite): Promise<Site> {
    const row = {
      key: `site_${randomBytes(9).toString('base64url')}`,
      name: input.name,
      origins: JSON.stringify(input.origins.map(normalizeOrigin)),
      moderation: input.moderation ?? 'first-time',
      link_limit: input.linkLimit ?? 2,
      created_at: Date.now(),
      policy: JSON.stringify(sitePolicySchema.parse(input.policy ?? {})),
    };
    await this.db.insertInto('sites').values(row).execute();
    return toSite(row);
  }

  async find(key: string): Promise<Site | undefined> {
    const row = await this.db.selectFrom('sites').selectAll().where('key', '=', key).executeTakeFirst();
    return row && toSite(row);
  }

  /** Changes some settings; policy keys not given keep their values. Undefined if there is no such site. */
  async update(key: string, changes: SiteChanges): Promise<Site | undefined> {
    const current = await this.find(key);
    if (!current) return undefined;
    await this.db
      .updateTable('sites')
      .set({
        name: changes.name ?? current.name,
        origins: JSON.stringify((changes.origins ?? current.origins).map(normalizeOrigin)),
        moderation: changes.moderation ?? current.moderation,
        link_limit: changes.linkLimit ?? current.linkLimit,
        policy: JSON.stringify(sitePolicySchema.parse({ ...current.policy, ...changes.policy })),
      })
      .where('key', '=', key)
      .execute();
    for (const listener of this.listeners) listener(key);
    return this.find(key);
  }

  async list(): Promise<Site[]> {
    const rows = await this.db.selectFrom('sites').selectAll().orderBy('created_at').execute();
    return rows.map(toSite);
  }
}
