import type { CommentsTable } from '../db/schema';
import { isoTime } from '../db/timestamps';

/** What anyone may see of a comment: never the email, its plain hash, or the IP. */
export interface PublicComment {
  id: string;
  parentId: string | null;
  pageId: string;
  name: string;
  website: string | null;
  avatar: string;
  html: string;
  createdAt: string;
  /** Present on the tombstone of a deleted comment that has published replies. */
  deleted?: true;
}

type PublicFields = Pick<
  CommentsTable,
  'id' | 'parent_id' | 'page_id' | 'author_name' | 'author_website' | 'author_hash' | 'html' | 'created_at' | 'status'
>;

export function toPublicComment(row: PublicFields): PublicComment {
  const comment: PublicComment = {
    id: row.id,
    parentId: row.parent_id,
    pageId: row.page_id,
    name: row.author_name,
    website: row.author_website,
    avatar: row.author_hash,
    html: row.html,
    createdAt: isoTime(row.created_at),
  };
  return row.status === 'deleted' ? { ...comment, deleted: true } : comment;
}
