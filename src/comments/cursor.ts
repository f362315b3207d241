import type { Comment } from './comment-record';

/** One page of a list, and the cursor of the next one (null on the last page). */
export interface Page<Row> {
  rows: Row[];
  nextCursor: string | null;
}

/** Cursor of the read path: the (created_at, id) of the last comment shown. */
export function encodeCursor(comment: Pick<Comment, 'createdAt' | 'id'>): string {
  return Buffer.from(`${comment.createdAt}:${comment.id}`).toString('base64url');
}

export function decodeCursor(cursor: string): { createdAt: number; id: string } | undefined {
  const match = /^(\d{1,16}):(.{1,100})$/.exec(Buffer.from(cursor, 'base64url').toString());
  return match ? { createdAt: Number(match[1]), id: match[2] } : undefined;
}

/** Two lists in (created_at, id) order, merged in that order. */
export function mergeByCreation<Row extends { created_at: number; id: string }>(a: Row[], b: Row[]): Row[] {
  return [...a, ...b].sort(
    (x, y) => Number(x.created_at) - Number(y.created_at) || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0),
  );
}

/** The first `limit` of `rows` (which holds one more when there is a next page) and the cursor after them. */
export function pageOf<T extends Pick<Comment, 'createdAt' | 'id'>>(rows: T[], limit: number): Page<T> {
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  return { rows: pageRows, nextCursor: hasMore ? encodeCursor(pageRows[pageRows.length - 1]) : null };
}
