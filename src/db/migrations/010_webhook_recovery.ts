import type { Kysely } from 'kysely';

/**
 * What the webhook sweep needs to find a message whose delivery job was lost: pending
 * messages in the order they were made, and the id of the job that delivers each (a
 * redelivery runs under a job id of its own).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('webhook_messages').addColumn('job_id', 'text').execute();
  await db.schema
    .createIndex('webhook_messages_pending_idx')
    .on('webhook_messages')
    .columns(['state', 'created_at', 'id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('webhook_messages_pending_idx').execute();
  await db.schema.alterTable('webhook_messages').dropColumn('job_id').execute();
}
