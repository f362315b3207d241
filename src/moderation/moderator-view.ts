import { z } from 'zod';
import type { CommentRow } from '../comments/comment-repository';
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

export function toModeratorView(row: CommentRow): ModeratorView {
  return {
    id: row.id,
    siteKey: row.site_key,
    pageId: row.page_id,
    pageUrl: row.page_url,
    pageTitle: row.page_title,
    parentId: row.parent_id,
    status: row.status,
    text: row.text,
    originalText: row.original_text,
    html: row.html,
    author: {
      name: row.author_name,
      email: row.author_email,
      website: row.author_website,
      ip: row.ip,
      userAgent: row.user_agent,
      avatar: row.author_hash,
    },
    findings: JSON.parse(row.findings),
    createdAt: isoTime(row.created_at),
    decidedAt: isoTimeOrNull(row.decided_at),
    editedAt: isoTimeOrNull(row.edited_at),
    version: Number(row.version),
  };
}
