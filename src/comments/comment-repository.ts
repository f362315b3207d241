import type { Db } from '../db/connect';
import type { CommentsTable } from '../db/schema';
import type { Finding } from '../moderation/finding';
import type { CommentStatus, DecisionStatus } from './status';

export type CommentRow = CommentsTable;

export interface ThreadPage {
  rows: CommentRow[];
  nextCursor: string | null;
}

export interface AuthorHistory {
  approved: number;
  spam: number;
}

/** Cursor of the read path: the (created_at, id) of the last comment shown. */
export function encodeCursor(row: Pick<CommentRow, 'created_at' | 'id'>): string {
  return Buffer.from(`${row.created_at}:${row.id}`).toString('base64url');
}

export function decodeCursor(cursor: string): { createdAt: number; id: string } | undefined {
  const match = /^(\d{1,16}):(.{1,100})$/.exec(Buffer.from(cursor, 'base64url').toString());
  return match ? { createdAt: Number(match[1]), id: match[2] } : undefined;
}

export class CommentRepository {
  constructor(private readonly db: Db) {}

  async insert(row: CommentRow): Promise<void> {
    await this.db.insertInto('comments').values(row).execute();
  }

  async find(id: string): Promise<CommentRow | undefined> {
    return this.db.selectFrom('comments').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async isApprovedOnPage(options: { id: string; siteKey: string; pageId: string }): Promise<boolean> {
    const row = await this.db
      .selectFrom('comments')
      .select('id')
      .where('id', '=', options.id)
      .where('site_key', '=', options.siteKey)
      .where('page_id', '=', options.pageId)
      .where('status', '=', 'approved')
      .executeTakeFirst();
    return row !== undefined;
  }

  /** A page's approved comments, oldest first, `limit` at a time. */
  async approvedThread(options: { siteKey: string; pageId: string; cursor?: string; limit: number }): Promise<ThreadPage> {
    const after = options.cursor ? decodeCursor(options.cursor) : undefined;
    let query = this.db
      .selectFrom('comments')
      .selectAll()
      .where('site_key', '=', options.siteKey)
      .where('page_id', '=', options.pageId)
      .where('status', '=', 'approved');
    if (after) {
      query = query.where((eb) =>
        eb.or([
          eb('created_at', '>', after.createdAt),
          eb.and([eb('created_at', '=', after.createdAt), eb('id', '>', after.id)]),
        ]),
      );
    }
    const rows = await query.orderBy('created_at').orderBy('id').limit(options.limit + 1).execute();
    const hasMore = rows.length > options.limit;
    const pageRows = hasMore ? rows.slice(0, options.limit) : rows;
    return { rows: pageRows, nextCursor: hasMore ? encodeCursor(pageRows[pageRows.length - 1]) : null };
  }

  async countApproved(options: { siteKey: string; pageId: string }): Promise<number> {
    const row = await this.db
      .selectFrom('comments')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('site_key', '=', options.siteKey)
      .where('page_id', '=', options.pageId)
      .where('status', '=', 'approved')
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** How the author (by email) has fared on this site so far, this comment excluded. */
  async authorHistory(options: { siteKey: string; email: string; excludeId: string }): Promise<AuthorHistory> {
    const rows = await this.db
      .selectFrom('comments')
      .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
      .where('site_key', '=', options.siteKey)
      .where('author_email', '=', options.email)
      .where('status', 'in', ['approved', 'spam'])
      .where('id', '!=', options.excludeId)
      .groupBy('status')
      .execute();
    const count = (status: CommentStatus) => Number(rows.find((r) => r.status === status)?.n ?? 0);
    return { approved: count('approved'), spam: count('spam') };
  }

  /**
   * The id of an earlier comment by the same author on the same page with the same
   * text, if any. "Earlier" matters: of two identical posts only the second is the duplicate.
   */
  async findEarlierDuplicate(comment: CommentRow): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('comments')
      .select('id')
      .where('site_key', '=', comment.site_key)
      .where('author_email', '=', comment.author_email)
      .where('text_hash', '=', comment.text_hash)
      .where('page_id', '=', comment.page_id)
      .where('status', '!=', 'deleted')
      .where((eb) =>
        eb.or([
          eb('created_at', '<', comment.created_at),
          eb.and([eb('created_at', '=', comment.created_at), eb('id', '<', comment.id)]),
        ]),
      )
      .limit(1)
      .executeTakeFirst();
    return row?.id;
  }

  /**
   * Stores a decision for a pending comment: status, rendered HTML and every finding
   * in one statement. Returns false when the comment was no longer pending (another
   * worker, or a moderator, decided it first).
   */
  async saveDecision(options: { id: string; status: DecisionStatus; findings: Finding[]; html: string; at: number }): Promise<boolean> {
    const result = await this.db
      .updateTable('comments')
      .set({
        status: options.status,
        findings: JSON.stringify(options.findings),
        html: options.html,
        decided_at: options.at,
        updated_at: options.at,
      })
      .where('id', '=', options.id)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Pending comments accepted before `before`: candidates for the sweep. */
  async pendingIds(options: { before: number; limit: number }): Promise<string[]> {
    const rows = await this.db
      .selectFrom('comments')
      .select('id')
      .where('status', '=', 'pending')
      .where('created_at', '<', options.before)
      .orderBy('created_at')
      .limit(options.limit)
      .execute();
    return rows.map((r) => r.id);
  }
}
