import type { CommentRow } from '../comments/comment-repository';
import { isoTime, isoTimeOrNull } from '../db/timestamps';
import type { CommentStatus } from '../comments/status';
import type { Finding } from './finding';

/** A comment as moderators see it: everything, including the email and IP the public never sees. */
export interface ModeratorComment {
  id: string;
  siteKey: string;
  pageId: string;
  pageUrl: string | null;
  pageTitle: string | null;
  parentId: string | null;
  status: CommentStatus;
  text: string;
  originalText: string | null;
  html: string;
  author: {
    name: string;
    email: string;
    website: string | null;
    ip: string | null;
    userAgent: string | null;
    avatar: string;
  };
  findings: Finding[];
  createdAt: string;
  decidedAt: string | null;
  editedAt: string | null;
  version: number;
}

export function toModeratorComment(row: CommentRow): ModeratorComment {
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
