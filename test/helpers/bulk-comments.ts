import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { renderCommentHtml } from '../../src/comments/render';
import type { CommentStatusColumn, Database } from '../../src/db/schema';

/** Rows a statement: under SQLite's limit of bound variables (24 columns a row). */
const CHUNK = 400;

export interface BulkComments {
  siteKey: string;
  count: number;
  status: CommentStatusColumn;
  /** The page of the i-th comment (default: one page, `bulk`). */
  pageOf?: (i: number) => string;
  /** When the first was created; each next one a millisecond later (default: now - count ms). */
  startAt?: number;
}

/**
 * Writes `count` comments straight into the table, as the API and the worker would have
 * left them, a few hundred a statement: how the limit tests and the limits bench get a
 * thread of 10,000 or a queue of 100,000 in seconds. Returns their ids, oldest first.
 */
export async function insertComments(db: Kysely<Database>, options: BulkComments): Promise<string[]> {
  const start = options.startAt ?? Date.now() - options.count;
  const html = renderCommentHtml('A comment written in bulk.');
  const ids: string[] = [];
  for (let offset = 0; offset < options.count; offset += CHUNK) {
    const rows = [];
    for (let i = offset; i < Math.min(options.count, offset + CHUNK); i++) {
      const id = randomUUID();
      ids.push(id);
      const at = start + i;
      rows.push({
        id,
        site_key: options.siteKey,
        page_id: options.pageOf?.(i) ?? 'bulk',
        page_url: null,
        page_title: null,
        parent_id: null,
        author_name: `Reader ${i}`,
        author_email: `reader${i}@example.org`,
        author_hash: `hash${i}`,
        author_website: null,
        ip: null,
        user_agent: null,
        text: `A comment written in bulk, number ${i}.`,
        text_hash: `bulk${i}`,
        html,
        status: options.status,
        findings: '[]',
        signals: '{}',
        author_token_hash: `token${i}`,
        created_at: at,
        updated_at: at,
        decided_at: options.status === 'pending' ? null : at,
        original_text: null,
        edited_at: null,
      });
    }
    await db.insertInto('comments').values(rows).execute();
  }
  return ids;
}
