import { randomBytes } from 'node:crypto';
import type { Db } from './connect';

/**
 * The instance secret: from the configuration, or generated once and kept in the
 * database so every API and worker process (and every restart) shares it.
 */
export async function loadInstanceSecret(db: Db, configured: string | undefined): Promise<string> {
  if (configured) return configured;
  await db
    .insertInto('settings')
    .values({ name: 'secret', value: randomBytes(32).toString('base64url'), created_at: Date.now() })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await db.selectFrom('settings').select('value').where('name', '=', 'secret').executeTakeFirstOrThrow();
  return row.value;
}
