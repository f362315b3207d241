import { type Kysely, sql } from 'kysely';

/** Moderator access, actions and bans: tokens, the audit log, bans, and comment versions for safe concurrent actions. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('comments')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('comments').addColumn('original_text', 'text').execute();
  await db.schema.alterTable('comments').addColumn('edited_at', 'bigint').execute();
  // Tombstones are shown when a reply to them is published; find replies by parent.
  await db.schema.createIndex('comments_parent_idx').on('comments').column('parent_id').execute();
  // Moderators list a site's comments by status, newest first.
  await db.schema
    .createIndex('comments_site_status_idx')
    .on('comments')
    .columns(['site_key', 'status', 'created_at'])
    .execute();

  await db.schema
    .createTable('api_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('secret_hash', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('site_key', 'text', (c) => c.references('sites.key'))
    .addColumn('label', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .addCheckConstraint('api_tokens_role_check', sql`role in ('admin', 'moderator')`)
    .execute();

  await db.schema
    .createTable('bans')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('site_key', 'text', (c) => c.references('sites.key'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('expires_at', 'bigint')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addCheckConstraint('bans_kind_check', sql`kind in ('email', 'domain', 'ip')`)
    .execute();
  await db.schema.createIndex('bans_site_idx').on('bans').column('site_key').execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('actor_id', 'text', (c) => c.notNull())
    .addColumn('actor_label', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('site_key', 'text')
    .addColumn('comment_id', 'text')
    .addColumn('before_status', 'text')
    .addColumn('after_status', 'text')
    .addColumn('note', 'text')
    .addColumn('details', 'text', (c) => c.notNull().defaultTo('{}'))
    .execute();
  await db.schema.createIndex('audit_log_at_idx').on('audit_log').columns(['at', 'id']).execute();
  await db.schema.createIndex('audit_log_comment_idx').on('audit_log').column('comment_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('audit_log').execute();
  await db.schema.dropTable('bans').execute();
  await db.schema.dropTable('api_tokens').execute();
  await db.schema.dropIndex('comments_site_status_idx').execute();
  await db.schema.dropIndex('comments_parent_idx').execute();
  await db.schema.alterTable('comments').dropColumn('edited_at').execute();
  await db.schema.alterTable('comments').dropColumn('original_text').execute();
  await db.schema.alterTable('comments').dropColumn('version').execute();
}
