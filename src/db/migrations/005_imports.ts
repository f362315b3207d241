import type { Kysely } from 'kysely';

/**
 * Imports: where an imported comment came from (so importing the same file twice adds
 * nothing, and replies find their parents), and one row per import run, with how far
 * it got, so a run that stopped can be told apart and resumed.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // `wordpress` or `disqus`; null for comments posted through Parley.
  await db.schema.alterTable('comments').addColumn('source', 'text').execute();
  // The comment's id in the source (WordPress comment_id, Disqus dsq:id).
  await db.schema.alterTable('comments').addColumn('source_id', 'text').execute();
  // The parent's id in the source: linked once the parent is imported, even if it comes later in the file.
  await db.schema.alterTable('comments').addColumn('source_parent_id', 'text').execute();
  // NULLs are distinct in a unique index on both dialects, so Parley's own comments are not constrained.
  await db.schema
    .createIndex('comments_source_idx')
    .on('comments')
    .columns(['site_key', 'source', 'source_id'])
    .unique()
    .execute();

  await db.schema
    .createTable('import_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('site_key', 'text', (c) => c.notNull().references('sites.key'))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('file', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    // Source records (comments and skipped entries) read and committed so far.
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('bytes', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('error', 'text')
    // JSON of the summary so far (imported, existing, skipped, by status).
    .addColumn('summary', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    .execute();
  await db.schema.createIndex('import_runs_site_idx').on('import_runs').columns(['site_key', 'started_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('import_runs').execute();
  await db.schema.dropIndex('comments_source_idx').execute();
  await db.schema.alterTable('comments').dropColumn('source_parent_id').execute();
  await db.schema.alterTable('comments').dropColumn('source_id').execute();
  await db.schema.alterTable('comments').dropColumn('source').execute();
}
