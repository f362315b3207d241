import type { Kysely } from 'kysely';

/** Per-site moderation policy beyond the mode and link limit: lists, thresholds, limits (JSON). */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('sites')
    .addColumn('policy', 'text', (c) => c.notNull().defaultTo('{}'))
    .execute();
  // Author history looks up the latest moderated comment of an author.
  await db.schema
    .createIndex('comments_author_decided_idx')
    .on('comments')
    .columns(['site_key', 'author_email', 'decided_at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('comments_author_decided_idx').execute();
  await db.schema.alterTable('sites').dropColumn('policy').execute();
}
