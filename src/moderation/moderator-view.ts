import { z } from 'zod';
import type { Comment } from '../comments/comment-record';
import { commentStatusSchema } from '../comments/status';
import { isoTime, isoTimeOrNull, isoTimestamp } from '../db/timestamps';
import { findingSchema } from './finding';

/** A comment as moderators see it: everything, including the email and IP the public never sees. */
export const moderatorViewSchema = z
  .object({
    id: z.uuid(),
    siteKey: z.string(),
    pageId: z.string(),
    pageUrl: z.string().nullable(),
    pageTitle: z.string().nullable(),
    parentId: z.uuid().nullable(),
    status: commentStatusSchema,
    text: z.string(),
    originalText: z.string().nullable(),
    html: z.string(),
    author: z.object({
      name: z.string(),
      email: z.string(),
      website: z.string().nullable(),
      ip: z.string().nullable(),
      userAgent: z.string().nullable(),
      avatar: z.string(),
    }),
    findings: z.array(findingSchema),
    createdAt: isoTimestamp,
    decidedAt: isoTimestamp.nullable(),
    editedAt: isoTimestamp.nullable(),
    version: z.number().int(),
  })
  // The document has called it ModeratorComment since the first release.
  .meta({ id: 'ModeratorComment' });

export type ModeratorView = z.infer<typeof moderatorViewSchema>;

export function toModeratorView(comment: Comment): ModeratorView {
  return {
    id: comment.id,
    siteKey: comment.siteKey,
    pageId: comment.pageId,
    pageUrl: comment.pageUrl,
    pageTitle: comment.pageTitle,
    parentId: comment.parentId,
    status: comment.status,
    text: comment.text,
    originalText: comment.originalText,
    html: comment.html,
    author: {
      name: comment.authorName,
      email: comment.authorEmail,
      website: comment.authorWebsite,
      ip: comment.ip,
      userAgent: comment.userAgent,
      avatar: comment.authorHash,
    },
    findings: comment.findings,
    createdAt: isoTime(comment.createdAt),
    decidedAt: isoTimeOrNull(comment.decidedAt),
    editedAt: isoTimeOrNull(comment.editedAt),
    version: comment.version,
  };
}
