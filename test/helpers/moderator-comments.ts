import type { Action, BulkResult, ModComment, Status } from '../../src/moderator-ui/api';
import type { Changed } from '../../src/moderator-ui/queue-state';

/** A comment as the moderation API lists it, created `minute` minutes after 10:00. */
export function modComment(id: string, minute: number, status: Status = 'held'): ModComment {
  return {
    id,
    siteKey: 'notes',
    pageId: 'page',
    pageUrl: null,
    pageTitle: null,
    parentId: null,
    status,
    text: `text of ${id}`,
    originalText: null,
    html: `<p>text of ${id}</p>`,
    author: { name: `Author ${id}`, email: `${id}@example.org`, website: null, ip: null, userAgent: null, avatar: '' },
    findings: [],
    createdAt: new Date(Date.UTC(2025, 0, 1, 10, minute)).toISOString(),
    decidedAt: null,
    editedAt: null,
    version: 1,
  };
}

export const okResult = (id: string, status: Status, previousStatus: Status): BulkResult => ({
  id,
  ok: true,
  status,
  previousStatus,
});

export const failedResult = (id: string, message: string): BulkResult => ({
  id,
  ok: false,
  error: { code: 'conflict', message },
});

/** What an action changed: `comment` was at `index` and `previousStatus` before `action`. */
export const changed = (comment: ModComment, index: number, previousStatus: Status, action: Action): Changed => ({
  comment,
  index,
  action,
  previousStatus,
});
