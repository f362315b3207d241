// Browser code: what the queue tells the moderator: after an action and after its undo, when new
// comments arrive, and when the list is empty.
import type { Action, Filters, Status } from './api';
import { ACTION_LABEL } from './comment-card';
import type { Changed } from './queue-state';
import { STATUS_LABEL } from './status-tabs';
import type { ToastOptions } from './toast';

const DONE_LABEL: Record<Action, string> = {
  approve: 'Approved',
  reject: 'Rejected',
  spam: 'Marked as spam',
  hold: 'Held',
};

/** What an action changed and how many it could not; an error when it changed nothing. */
export function actionNotice(options: {
  action: Action;
  done: readonly Changed[];
  failures: readonly string[];
}): Pick<ToastOptions, 'message' | 'kind'> {
  const { action, done, failures } = options;
  if (done.length === 0)
    return { message: `${ACTION_LABEL[action]} failed: ${failures[0] ?? 'no comment was changed'}`, kind: 'error' };
  const subject = done.length === 1 ? `comment by ${done[0].comment.author.name}` : `${done.length} comments`;
  const failed = failures.length > 0 ? ` ${failures.length} could not be changed: ${failures[0]}` : '';
  return { message: `${DONE_LABEL[action]}: ${subject}.${failed}`, kind: failures.length > 0 ? 'error' : 'info' };
}

/** The failures if there were any, with the first one's reason; else how many came back, if any did. */
export function undoNotice(options: {
  restored: readonly Changed[];
  failures: readonly string[];
}): ToastOptions | null {
  const { restored, failures } = options;
  if (failures.length > 0) return { message: `Undo failed for ${failures.length}: ${failures[0]}`, kind: 'error' };
  if (restored.length === 0) return null;
  return { message: restored.length === 1 ? 'Undone.' : `Undone for ${restored.length} comments.`, durationMs: 3000 };
}

export function newCommentsMessage({ count, status }: { count: number; status: Status }): string {
  return `${count} new ${STATUS_LABEL[status].toLowerCase()} ${count === 1 ? 'comment' : 'comments'}.`;
}

export function emptyListMessage(filters: Filters): string {
  const filtered = filters.site || filters.pageId || filters.email || filters.q;
  if (filters.status === 'held' && !filtered)
    return 'Nothing is waiting for review. New held comments show up here by themselves.';
  return `No ${STATUS_LABEL[filters.status].toLowerCase()} comments${filtered ? ' match these filters' : ''}.`;
}
