import { z } from 'zod';
import type { CommentsTable } from '../db/schema';
import { isoTime, isoTimestamp } from '../db/timestamps';

/** What anyone may see of a comment: never the email, its plain hash, or the IP. */
export const publicCommentSchema = z
  .object({
    id: z.uuid(),
    parentId: z.uuid().nullable(),
    pageId: z.string(),
    name: z.string(),
    website: z.string().nullable(),
    avatar: z
      .string()
      .describe('A keyed hash of the email: the same author gets the same avatar, and it cannot be reversed.'),
    html: z.string().describe('Rendered and sanitized Markdown.'),
    createdAt: isoTimestamp,
    deleted: z
      .literal(true)
      .optional()
      .describe('Only on the tombstone of a deleted comment that has published replies.'),
  })
  .meta({ id: 'PublicComment' });

export type PublicComment = z.infer<typeof publicCommentSchema>;

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
