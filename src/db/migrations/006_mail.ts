import type { Kysely } from 'kysely';

/**
 * Mail: addresses and their double opt-in per site, subscriptions (moderators' and
 * readers'), the mail outbox that is also the delivery log, and the action links
 * already used (they are single-use).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('mail_addresses')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // A site's key, or `*` for a moderator's subscription to every site.
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('email_hash', 'text', (c) => c.notNull())
    .addColumn('confirmed_at', 'bigint')
    .addColumn('confirmation_sent_at', 'bigint')
    .addColumn('unsubscribed_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('mail_addresses_scope_hash_idx')
    .on('mail_addresses')
    .columns(['scope', 'email_hash'])
    .unique()
    .execute();

  await db.schema
    .createTable('mail_subscriptions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('address_id', 'text', (c) => c.notNull().references('mail_addresses.id').onDelete('cascade'))
    .addColumn('site_key', 'text')
    .addColumn('comment_id', 'text')
    .addColumn('events', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('principal', 'text')
    .addColumn('last_digest_at', 'bigint')
    .addColumn('unsubscribed_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('mail_subscriptions_comment_idx').on('mail_subscriptions').column('comment_id').execute();
  await db.schema.createIndex('mail_subscriptions_address_idx').on('mail_subscriptions').column('address_id').execute();

  await db.schema
    .createTable('mail_messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // What the mail is about, once: a second write of the same mail changes nothing.
    .addColumn('dedupe_key', 'text', (c) => c.notNull().unique())
    .addColumn('template', 'text', (c) => c.notNull())
    // Needed to send; erased once the mail is sent, failed or skipped (the hash stays for the log).
    .addColumn('recipient', 'text')
    .addColumn('recipient_hash', 'text', (c) => c.notNull())
    .addColumn('site_key', 'text')
    .addColumn('subscription_id', 'text')
    .addColumn('comment_id', 'text')
    .addColumn('params', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('smtp_answer', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('sent_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('mail_messages_status_idx')
    .on('mail_messages')
    .columns(['status', 'created_at'])
    .execute();
  await db.schema
    .createIndex('mail_messages_recipient_idx')
    .on('mail_messages')
    .columns(['recipient_hash', 'sent_at'])
    .execute();

  await db.schema
    .createTable('mail_link_uses')
    .addColumn('nonce', 'text', (c) => c.primaryKey())
    .addColumn('used_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('mail_link_uses').execute();
  await db.schema.dropTable('mail_messages').execute();
  await db.schema.dropTable('mail_subscriptions').execute();
  await db.schema.dropTable('mail_addresses').execute();
}
