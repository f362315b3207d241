import { type Migration, type MigrationProvider, Migrator } from 'kysely';
import type { Db } from './connect';
import * as m001 from './migrations/001_initial';
import * as m002 from './migrations/002_moderation';
import * as m003 from './migrations/003_site_policy';
import * as m004 from './migrations/004_webhooks';
import * as m010 from './migrations/010_webhook_recovery';

/** Migrations are listed here, not read from disk, so the compiled build needs no globbing. */
const migrations: Record<string, Migration> = {
  '001_initial': m001,
  '002_moderation': m002,
  '003_site_policy': m003,
  '004_webhooks': m004,
  '010_webhook_recovery': m010,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Brings the schema up to date; safe to run from several processes at once. */
export async function migrateToLatest(db: Db): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
