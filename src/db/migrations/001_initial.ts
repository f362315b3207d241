import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('settings')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable('sites')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('origins', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('moderation', 'text', (c) => c.notNull().defaultTo('first-time'))
    .addColumn('link_limit', 'integer', (c) => c.notNull().defaultTo(2))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('comments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('site_key', 'text', (c) => c.notNull().references('sites.key'))
    .addColumn('page_id', 'text', (c) => c.notNull())
    .addColumn('page_url', 'text')
    .addColumn('page_title', 'text')
    .addColumn('parent_id', 'text', (c) => c.references('comments.id'))
    .addColumn('author_name', 'text', (c) => c.notNull())
    .addColumn('author_email', 'text', (c) => c.notNull())
    .addColumn('author_hash', 'text', (c) => c.notNull())
    .addColumn('author_website', 'text')
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('text_hash', 'text', (c) => c.notNull())
    .addColumn('html', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('findings', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('signals', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('author_token_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('decided_at', 'bigint')
    .addCheckConstraint(
      'comments_status_check',
      sql`status in ('pending', 'approved', 'held', 'spam', 'rejected', 'deleted')`,
    )
    .execute();

  // The read path: a page's approved comments, oldest first, paged by (created_at, id).
  await db.schema
    .createIndex('comments_thread_idx')
    .on('comments')
    .columns(['site_key', 'page_id', 'status', 'created_at', 'id'])
    .execute();
  // Author history (approved/spam counts per author on a site).
  await db.schema
    .createIndex('comments_author_idx')
    .on('comments')
    .columns(['site_key', 'author_email', 'status'])
    .execute();
  // Exact duplicates by the same author: found without scanning the page.
  await db.schema
    .createIndex('comments_duplicate_idx')
    .on('comments')
    .columns(['site_key', 'author_email', 'text_hash'])
    .execute();
  // The sweep of pending comments that lost their job, and moderation listings.
  await db.schema.createIndex('comments_status_idx').on('comments').columns(['status', 'created_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('comments').execute();
  await db.schema.dropTable('sites').execute();
  await db.schema.dropTable('settings').execute();
}
