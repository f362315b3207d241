import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import { z } from 'zod';
import type { Principal } from '../auth/token-service';
import { decodeCursor, encodeCursor } from '../comments/cursor';
import type { Db } from '../db/connect';
import type { AuditLogTable, Database } from '../db/schema';
import { isoTime, isoTimestamp } from '../db/timestamps';

/** One entry of the audit log: who did what, when, to which comment, and its status before and after. */
export const auditEntrySchema = z.object({
  id: z.uuid(),
  at: isoTimestamp,
  actor: z.object({ id: z.string(), label: z.string().nullable() }),
  action: z.string(),
  siteKey: z.string().nullable(),
  commentId: z.string().nullable(),
  beforeStatus: z.string().nullable(),
  afterStatus: z.string().nullable(),
  note: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});

export type AuditEntry = z.infer<typeof auditEntrySchema>;

export interface NewAuditEntry {
  actor: Principal;
  action: string;
  siteKey: string | null;
  commentId?: string | null;
  beforeStatus?: string | null;
  afterStatus?: string | null;
  note?: string | null;
  details?: Record<string, unknown>;
}

function toEntry(row: AuditLogTable): AuditEntry {
  return {
    id: row.id,
    at: isoTime(row.at),
    actor: { id: row.actor_id, label: row.actor_label },
    action: row.action,
    siteKey: row.site_key,
    commentId: row.comment_id,
    beforeStatus: row.before_status,
    afterStatus: row.after_status,
    note: row.note,
    details: z.record(z.string(), z.unknown()).parse(JSON.parse(row.details)),
  };
}

/** Who did what, when, to which comment: written in the transaction of the change itself. */
export class AuditLog {
  constructor(private readonly options: { db: Db; clock: () => number }) {}

  async record(entry: NewAuditEntry, trx: Transaction<Database> | Db = this.options.db): Promise<void> {
    await trx
      .insertInto('audit_log')
      .values({
        id: randomUUID(),
        at: this.options.clock(),
        actor_id: entry.actor.id,
        actor_label: entry.actor.label,
        action: entry.action,
        site_key: entry.siteKey,
        comment_id: entry.commentId ?? null,
        before_status: entry.beforeStatus ?? null,
        after_status: entry.afterStatus ?? null,
        note: entry.note ?? null,
        details: JSON.stringify(entry.details ?? {}),
      })
      .execute();
  }

  /** Newest first; limited to one site when `siteKey` is given. */
  async list(options: {
    siteKey?: string;
    commentId?: string;
    cursor?: string;
    limit: number;
  }): Promise<{ entries: AuditEntry[]; nextCursor: string | null }> {
    let query = this.options.db.selectFrom('audit_log').selectAll();
    if (options.siteKey) query = query.where('site_key', '=', options.siteKey);
    if (options.commentId) query = query.where('comment_id', '=', options.commentId);
    const before = options.cursor ? decodeCursor(options.cursor) : undefined;
    if (before) {
      query = query.where((eb) =>
        eb.or([eb('at', '<', before.createdAt), eb.and([eb('at', '=', before.createdAt), eb('id', '<', before.id)])]),
      );
    }
    const rows = await query
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .limit(options.limit + 1)
      .execute();
    const page = rows.slice(0, options.limit);
    const last = page[page.length - 1];
    return {
      entries: page.map(toEntry),
      nextCursor: rows.length > options.limit ? encodeCursor({ createdAt: Number(last.at), id: last.id }) : null,
    };
  }
}
