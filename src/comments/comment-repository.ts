import { type ExpressionBuilder, sql, type Transaction } from 'kysely';
import type { Db } from '../db/connect';
import type { Database } from '../db/schema';
import type { Finding } from '../moderation/finding';
import {
  type Comment,
  type CommentChanges,
  changedColumns,
  columnsOf,
  type FindingsParser,
  insertColumns,
  type NewComment,
  toRecord,
} from './comment-record';
import { decodeCursor, mergeByCreation, type Page, pageOf } from './cursor';
import { COMMENT_STATUSES, type CommentStatus, type DecisionStatus, type StatusCounts } from './status';

/** The fields the public thread shows: reading only these keeps the hot read path lean. */
const PUBLIC_FIELDS = [
  'id',
  'parentId',
  'pageId',
  'authorName',
  'authorWebsite',
  'authorHash',
  'html',
  'createdAt',
  'status',
] as const;
export type PublicFields = Pick<Comment, (typeof PUBLIC_FIELDS)[number]>;
const PUBLIC_COLUMNS = columnsOf(PUBLIC_FIELDS);

export interface AuthorHistory {
  approved: number;
  spam: number;
  /** The latest verdict on one of the author's comments: a moderator's word overrides older ones. */
  lastModerated: 'approved' | 'spam' | undefined;
  /**
   * Whether the comment proves its author wrote an earlier published comment of this
   * history (the author token of one of them). Without proof the history is only the
   * email's, and anyone can type an email.
   */
  proven: boolean;
}

/** What moderators filter the comment list by. */
export interface CommentFilters {
  siteKey?: string;
  pageId?: string;
  email?: string;
  /** Case-insensitive substring of the text. */
  search?: string;
}

/** The database or a transaction: what a statement runs on. */
type Executor = Db | Transaction<Database>;

function filterConditions(eb: ExpressionBuilder<Database, 'comments'>, filters: CommentFilters) {
  const conditions = [];
  if (filters.siteKey) conditions.push(eb('site_key', '=', filters.siteKey));
  if (filters.pageId) conditions.push(eb('page_id', '=', filters.pageId));
  if (filters.email) conditions.push(eb('author_email', '=', filters.email.trim().toLowerCase()));
  if (filters.search) {
    // Escaped so that % and _ typed by a moderator match themselves.
    const pattern = `%${filters.search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conditions.push(sql<boolean>`lower(text) like ${pattern} escape '\\'`);
  }
  return eb.and(conditions);
}

export interface CommentRepositoryOptions {
  db: Db;
  /** Reads a decision's stored findings: the moderation module's schema (comments/ must not import it). */
  parseFindings: FindingsParser;
  /**
   * Told of every change that may alter a page's published thread (the caches of the
   * read path drop it). Called when the statement ran, which may be before its
   * transaction commits: the caches' expiry covers a read in between.
   */
  onPageChange?: (page: { siteKey: string; pageId: string }) => void;
}

export class CommentRepository {
  private readonly db: Db;

  constructor(private readonly options: CommentRepositoryOptions) {
    this.db = options.db;
  }

  /** Inserts comments with one statement. */
  async insertMany(comments: NewComment[], db: Executor = this.db): Promise<void> {
    if (comments.length > 0) await db.insertInto('comments').values(comments.map(insertColumns)).execute();
  }

  async find(id: string, db: Executor = this.db): Promise<Comment | undefined> {
    const row = await db.selectFrom('comments').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toRecord(row, this.options.parseFindings);
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

  /**
   * A page's published thread, oldest first, `limit` at a time: approved comments,
   * and the tombstones of deleted ones that have approved replies, so those still thread.
   * Each status is read on its own, in the order of the thread index, and the two are
   * merged: one query with `approved OR (deleted AND EXISTS ...)` read every row of the
   * page and sorted them.
   */
  async approvedThread(options: {
    siteKey: string;
    pageId: string;
    cursor?: string;
    limit: number;
  }): Promise<Page<PublicFields>> {
    const after = options.cursor ? decodeCursor(options.cursor) : undefined;
    const inStatus = (status: 'approved' | 'deleted') => {
      let query = this.db
        .selectFrom('comments')
        .select(PUBLIC_COLUMNS)
        .where('site_key', '=', options.siteKey)
        .where('page_id', '=', options.pageId)
        .where('status', '=', status);
      if (after) {
        query = query.where((eb) =>
          eb.or([
            eb('created_at', '>', after.createdAt),
            eb.and([eb('created_at', '=', after.createdAt), eb('id', '>', after.id)]),
          ]),
        );
      }
      return query
        .orderBy('created_at')
        .orderBy('id')
        .limit(options.limit + 1);
    };
    const [approved, tombstones] = await Promise.all([
      inStatus('approved').execute(),
      inStatus('deleted')
        .where((eb) =>
          eb.exists(
            eb
              .selectFrom('comments as reply')
              .select('reply.id')
              .whereRef('reply.parent_id', '=', 'comments.id')
              .where('reply.status', '=', 'approved'),
          ),
        )
        .execute(),
    ]);
    const rows = tombstones.length === 0 ? approved : mergeByCreation(approved, tombstones);
    return pageOf(
      rows
        .slice(0, options.limit + 1)
        .map((row) => toRecord<(typeof PUBLIC_FIELDS)[number]>(row, this.options.parseFindings)),
      options.limit,
    );
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

  /** Several comments by id, in one statement; ids that do not exist are left out. */
  async findMany(ids: readonly string[], db: Executor = this.db): Promise<Comment[]> {
    if (ids.length === 0) return [];
    const rows = await db.selectFrom('comments').selectAll().where('id', 'in', ids).execute();
    return rows.map((row) => toRecord(row, this.options.parseFindings));
  }

  /**
   * How each author (by email) has fared on its site so far, for a batch of pending
   * comments, in two statements. Only decided comments count (approved, spam), so the
   * pending comments being judged never count themselves.
   */
  async authorHistories(
    authors: ReadonlyArray<{
      siteKey: string;
      email: string;
      /** The hash of the author token the comment came with, if any. */
      proofHash?: string;
    }>,
  ): Promise<AuthorHistory[]> {
    if (authors.length === 0) return [];
    const sites = [...new Set(authors.map((a) => a.siteKey))];
    const emails = [...new Set(authors.map((a) => a.email))];
    const proofHashes = [...new Set(authors.flatMap((a) => (a.proofHash ? [a.proofHash] : [])))];
    // The author index (site, email, status) narrows both; the pairs are matched below.
    const decided = this.db
      .selectFrom('comments')
      .where('site_key', 'in', sites)
      .where('author_email', 'in', emails)
      .where('status', 'in', ['approved', 'spam']);
    const [rows, proofs] = await Promise.all([
      decided
        .select([
          'site_key',
          'author_email',
          'status',
          (eb) => eb.fn.countAll<number>().as('n'),
          (eb) => eb.fn.max('decided_at').as('last'),
        ])
        .groupBy(['site_key', 'author_email', 'status'])
        .execute(),
      proofHashes.length === 0
        ? []
        : decided
            .select(['site_key', 'author_email', 'author_token_hash'])
            .where('status', '=', 'approved')
            .where('author_token_hash', 'in', proofHashes)
            .execute(),
    ]);
    const pair = (siteKey: string, email: string) => `${siteKey}\n${email}`;
    const byAuthor = new Map<string, typeof rows>();
    for (const row of rows) {
      const key = pair(row.site_key, row.author_email);
      byAuthor.set(key, [...(byAuthor.get(key) ?? []), row]);
    }
    const proven = new Set(proofs.map((p) => `${pair(p.site_key, p.author_email)}\n${p.author_token_hash}`));
    return authors.map(({ siteKey, email, proofHash }) => {
      const own = byAuthor.get(pair(siteKey, email)) ?? [];
      const count = (status: CommentStatus) => Number(own.find((r) => r.status === status)?.n ?? 0);
      // The status of the latest decision: a moderator's word overrides older ones.
      const latest = own.reduce<(typeof own)[number] | undefined>(
        (best, row) => (best === undefined || Number(row.last ?? 0) > Number(best.last ?? 0) ? row : best),
        undefined,
      );
      return {
        approved: count('approved'),
        spam: count('spam'),
        lastModerated: latest?.status as AuthorHistory['lastModerated'],
        proven: proofHash !== undefined && proven.has(`${pair(siteKey, email)}\n${proofHash}`),
      };
    });
  }

  /**
   * For each comment of a batch, the id of an earlier comment by the same author on the
   * same page with the same text, if any, in one statement. "Earlier" matters: of two
   * identical posts only the second is the duplicate.
   */
  async earlierDuplicates(
    comments: ReadonlyArray<Pick<Comment, 'id' | 'siteKey' | 'authorEmail' | 'textHash' | 'pageId' | 'createdAt'>>,
  ): Promise<Array<string | undefined>> {
    if (comments.length === 0) return [];
    const rows = await this.db
      .selectFrom('comments')
      .select(['id', 'site_key', 'author_email', 'text_hash', 'page_id', 'created_at'])
      .where('site_key', 'in', [...new Set(comments.map((c) => c.siteKey))])
      .where('author_email', 'in', [...new Set(comments.map((c) => c.authorEmail))])
      .where('text_hash', 'in', [...new Set(comments.map((c) => c.textHash))])
      .where('status', '!=', 'deleted')
      .execute();
    return comments.map(
      (c) =>
        rows.find(
          (row) =>
            row.site_key === c.siteKey &&
            row.author_email === c.authorEmail &&
            row.text_hash === c.textHash &&
            row.page_id === c.pageId &&
            (Number(row.created_at) < c.createdAt || (Number(row.created_at) === c.createdAt && row.id < c.id)),
        )?.id,
    );
  }

  /**
   * Stores a decision for a pending comment: status, rendered HTML and every finding
   * in one statement. Returns false when the comment was no longer pending (another
   * worker, or a moderator, decided it first).
   */
  async saveDecision(
    options: { id: string; version: number; status: DecisionStatus; findings: Finding[]; html: string; at: number },
    db: Executor = this.db,
  ): Promise<boolean> {
    const result = await db
      .updateTable('comments')
      .set({
        status: options.status,
        findings: JSON.stringify(options.findings),
        html: options.html,
        decided_at: options.at,
        updated_at: options.at,
        version: sql<number>`version + 1`,
      })
      .where('id', '=', options.id)
      .where('status', '=', 'pending')
      // The version the worker read: a moderator's edit in the meantime is not overwritten.
      .where('version', '=', options.version)
      .returning(['site_key', 'page_id'])
      .executeTakeFirst();
    if (result && options.status === 'approved') this.pageChanged(result);
    return result !== undefined;
  }

  /** One page of comments in a status, for moderators. */
  async moderationPage(
    options: CommentFilters & { status: CommentStatus; order: 'newest' | 'oldest'; cursor?: string; limit: number },
  ): Promise<Page<Comment>> {
    const after = options.cursor ? decodeCursor(options.cursor) : undefined;
    const newest = options.order === 'newest';
    const direction = newest ? 'desc' : 'asc';
    let query = this.db
      .selectFrom('comments')
      .selectAll()
      .where((eb) => filterConditions(eb, options))
      .where('status', '=', options.status);
    if (after) {
      const beyond = newest ? '<' : '>';
      query = query.where((eb) =>
        eb.or([
          eb('created_at', beyond, after.createdAt),
          eb.and([eb('created_at', '=', after.createdAt), eb('id', beyond, after.id)]),
        ]),
      );
    }
    const rows = await query
      .orderBy('created_at', direction)
      .orderBy('id', direction)
      .limit(options.limit + 1)
      .execute();
    return pageOf(
      rows.map((row) => toRecord(row, this.options.parseFindings)),
      options.limit,
    );
  }

  /** How many comments match the filters in each status: the moderator's tab bar. */
  async statusCounts(filters: CommentFilters): Promise<StatusCounts> {
    const rows = await this.db
      .selectFrom('comments')
      .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
      .where((eb) => filterConditions(eb, filters))
      .groupBy('status')
      .execute();
    const counts = Object.fromEntries(COMMENT_STATUSES.map((s) => [s, 0])) as StatusCounts;
    for (const row of rows) counts[row.status] = Number(row.n);
    return counts;
  }

  /**
   * The decided comments accepted since `since` (of one site, or all), `batch` at a
   * time in acceptance order: their current status and the findings of their decision.
   */
  async *decisions(options: {
    siteKey?: string;
    since: number;
    batch?: number;
  }): AsyncGenerator<Pick<Comment, 'status' | 'findings'>> {
    let after: { createdAt: number; id: string } | undefined;
    const batch = options.batch ?? 5000;
    for (;;) {
      let query = this.db
        .selectFrom('comments')
        .select(['id', 'created_at', 'status', 'findings'])
        .where('created_at', '>=', options.since)
        .where('decided_at', 'is not', null);
      if (options.siteKey) query = query.where('site_key', '=', options.siteKey);
      if (after) {
        const { createdAt, id } = after;
        query = query.where((eb) =>
          eb.or([eb('created_at', '>', createdAt), eb.and([eb('created_at', '=', createdAt), eb('id', '>', id)])]),
        );
      }
      const rows = await query.orderBy('created_at').orderBy('id').limit(batch).execute();
      for (const row of rows) yield toRecord<'status' | 'findings'>(row, this.options.parseFindings);
      if (rows.length < batch) return;
      const last = rows[rows.length - 1];
      after = { createdAt: Number(last.created_at), id: last.id };
    }
  }

  /** The author's latest comments on a site, newest first. */
  async recentByAuthor(options: {
    siteKey: string;
    email: string;
    excludeId: string;
    limit: number;
  }): Promise<Comment[]> {
    const rows = await this.db
      .selectFrom('comments')
      .selectAll()
      .where('site_key', '=', options.siteKey)
      .where('author_email', '=', options.email)
      .where('id', '!=', options.excludeId)
      .orderBy('created_at', 'desc')
      .limit(options.limit)
      .execute();
    return rows.map((row) => toRecord(row, this.options.parseFindings));
  }

  /**
   * Changes a comment only if it is still at `version` (what the caller read), and
   * bumps the version. False means someone else changed it first: read again.
   */
  async updateIfVersion(
    trx: Transaction<Database>,
    options: { id: string; version: number; changes: CommentChanges },
  ): Promise<boolean> {
    const result = await trx
      .updateTable('comments')
      .set({ ...changedColumns(options.changes), version: options.version + 1 })
      .where('id', '=', options.id)
      .where('version', '=', options.version)
      .returning(['site_key', 'page_id'])
      .executeTakeFirst();
    if (result) this.pageChanged(result);
    return result !== undefined;
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

  private pageChanged(row: { site_key: string; page_id: string }): void {
    this.options.onPageChange?.({ siteKey: row.site_key, pageId: row.page_id });
  }
}
