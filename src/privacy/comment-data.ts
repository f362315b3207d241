import { sql } from 'kysely';
import type { Principal } from '../auth/token-service';
import type { Db } from '../db/connect';
import { isoTime, isoTimeOrNull } from '../db/timestamps';
import type { ModerationService } from '../moderation/moderation-service';
import { ipsOfAuthor } from './ban-data';
import type { PersonalDataSource } from './personal-data';

/** Who the audit log names for the comments a privacy erasure removes (the admin who asked is in its own entry). */
const PRIVACY_ERASURE: Principal = { id: 'privacy', role: 'admin', siteKey: null, label: 'privacy erasure' };

const escapeLike = (value: string) => value.replace(/[\\%_]/g, (c) => `\\${c}`);
const escapeRegExp = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The comments an address wrote, on every site, and what mentions it elsewhere: the
 * audit log (ban values, notes) and stored webhook payloads. Erasing tombstones each
 * comment as a moderator's delete does (content and author gone, replies still
 * threaded, `comment.deleted` sent, earlier payloads rewritten), or deletes it outright;
 * then every remaining mention of the address or its IPs is replaced by `[erased]`.
 */
export class CommentPersonalData implements PersonalDataSource {
  readonly name = 'comments';

  constructor(private readonly options: { db: Db; moderationService: ModerationService }) {}

  async export(email: string): Promise<unknown[]> {
    const rows = await this.options.db
      .selectFrom('comments')
      .selectAll()
      .where('author_email', '=', email)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map((row) => ({
      id: row.id,
      siteKey: row.site_key,
      pageId: row.page_id,
      pageUrl: row.page_url,
      parentId: row.parent_id,
      status: row.status,
      authorName: row.author_name,
      authorEmail: row.author_email,
      authorWebsite: row.author_website,
      ip: row.ip,
      userAgent: row.user_agent,
      text: row.text,
      originalText: row.original_text,
      createdAt: isoTime(row.created_at),
      editedAt: isoTimeOrNull(row.edited_at),
      source: row.source,
    }));
  }

  async erase(email: string, options: { comments: 'tombstone' | 'delete' }): Promise<number> {
    const { db, moderationService } = this.options;
    const ips = await ipsOfAuthor(db, email);
    const rows = await db
      .selectFrom('comments')
      .select(['id', 'parent_id'])
      .where('author_email', '=', email)
      .execute();
    for (const row of rows) await moderationService.erase(PRIVACY_ERASURE, { id: row.id, note: 'privacy erasure' });
    if (options.comments === 'delete') {
      await db.transaction().execute(async (trx) => {
        for (const row of rows) {
          // Replies move up a level rather than losing their thread.
          await trx.updateTable('comments').set({ parent_id: row.parent_id }).where('parent_id', '=', row.id).execute();
          await trx.deleteFrom('comments').where('id', '=', row.id).execute();
        }
      });
    }
    await this.scrub([email, ...ips]);
    return rows.length;
  }

  /** Replaces every mention of the values in the audit log and stored webhook payloads. */
  private async scrub(values: string[]): Promise<void> {
    const { db } = this.options;
    const pattern = new RegExp(values.map((v) => `(?<![\\w.:])${escapeRegExp(v)}(?![\\w:]|\\.\\w)`).join('|'), 'gi');
    const clean = (text: string) => text.replace(pattern, '[erased]');
    for (const value of values) {
      // Lower-cased and with an explicit escape, so both dialects match alike.
      const like = `%${escapeLike(value.toLowerCase())}%`;
      const entries = await db
        .selectFrom('audit_log')
        .select(['id', 'note', 'details'])
        .where(sql<boolean>`lower(details) like ${like} escape '\\' or lower(note) like ${like} escape '\\'`)
        .execute();
      for (const entry of entries) {
        await db
          .updateTable('audit_log')
          .set({ details: clean(entry.details), note: entry.note && clean(entry.note) })
          .where('id', '=', entry.id)
          .execute();
      }
      const events = await db
        .selectFrom('webhook_events')
        .select(['id', 'payload'])
        .where(sql<boolean>`lower(payload) like ${like} escape '\\'`)
        .execute();
      for (const event of events) {
        await db
          .updateTable('webhook_events')
          .set({ payload: clean(event.payload) })
          .where('id', '=', event.id)
          .execute();
      }
    }
  }
}
