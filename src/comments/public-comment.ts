import { z } from 'zod';
import type { Comment } from './comment-record';
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
  Comment,
  'id' | 'parentId' | 'pageId' | 'authorName' | 'authorWebsite' | 'authorHash' | 'html' | 'createdAt' | 'status'
>;

export function toPublicComment(record: PublicFields): PublicComment {
  const comment: PublicComment = {
    id: record.id,
    parentId: record.parentId,
    pageId: record.pageId,
    name: record.authorName,
    website: record.authorWebsite,
    avatar: record.authorHash,
    html: record.html,
    createdAt: isoTime(record.createdAt),
  };
  return record.status === 'deleted' ? { ...comment, deleted: true } : comment;
}
