import type { Comment } from '../comments/comment-record';
import { type PublicComment, toPublicComment } from '../comments/public-comment';
import type { CommentStatus } from '../comments/status';
import type { Finding } from '../moderation/finding';

export const EVENT_TYPES = [
  'comment.created',
  'comment.approved',
  'comment.held',
  'comment.spam',
  'comment.rejected',
  'comment.edited',
  'comment.deleted',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** The event a status reports: an approval, a hold, and so on. */
export const STATUS_EVENT: Partial<Record<CommentStatus, EventType>> = {
  approved: 'comment.approved',
  held: 'comment.held',
  spam: 'comment.spam',
  rejected: 'comment.rejected',
  deleted: 'comment.deleted',
};

/**
 * What receivers get: the comment exactly as the public API shows it, plus its
 * status and the checks' reasons. Never the email or the IP.
 */
export interface EventPayload {
  type: EventType | 'webhook.test';
  timestamp: string;
  data: {
    comment: PublicComment & { status: CommentStatus; reasons: Pick<Finding, 'check' | 'verdict'>[] };
    site: { key: string };
    page: { id: string; url: string | null; title: string | null };
  };
}

export interface NewEvent {
  /** Stable for the change it reports (comment id and version), and so the `webhook-id` of every delivery. */
  id: string;
  type: EventType;
  siteKey: string;
  commentId: string;
  /** Orders a comment's events: its version after the change. */
  sequence: number;
  payload: EventPayload;
}

/** The event for a comment as it is now (after the change it reports). */
export function commentEvent(options: { type: EventType; comment: Comment; at: number }): NewEvent {
  const { comment } = options;
  const { version } = comment;
  return {
    id: `evt_${comment.id}_${version}`,
    type: options.type,
    siteKey: comment.siteKey,
    commentId: comment.id,
    sequence: version,
    payload: {
      type: options.type,
      timestamp: new Date(options.at).toISOString(),
      data: {
        comment: {
          ...toPublicComment(comment),
          status: comment.status,
          // Which checks said what, without their free text: a reason can quote an email
          // domain or a moderator's ban note, and payloads never carry personal data.
          reasons: comment.findings.map(({ check, verdict }) => ({ check, verdict })),
        },
        site: { key: comment.siteKey },
        page: { id: comment.pageId, url: comment.pageUrl, title: comment.pageTitle },
      },
    },
  };
}
