// Browser code, without DOM: the requests behind an action on comments and behind its undo. What
// the answers mean for the list is queue-state.ts's part; showing it is queue.ts's.
import { type Action, ApiError, type BulkResult, type ModerationApi } from './api';
import { type Changed, undoOutcome, undoPlan } from './queue-state';

type ActingApi = Pick<ModerationApi, 'act' | 'actOnMany'>;

/**
 * One comment through the single-comment route (its answer has the whole comment), more through the
 * bulk route; the answers as bulk results either way. Throws what the API throws.
 */
export async function requestAction(options: { api: ActingApi; ids: string[]; action: Action }): Promise<BulkResult[]> {
  const { api, ids, action } = options;
  if (ids.length !== 1) return api.actOnMany(ids, action);
  const answer = await api.act(ids[0], action);
  return [{ id: ids[0], ok: true, status: answer.comment.status, previousStatus: answer.previousStatus }];
}

/**
 * Puts comments back to the statuses they had, one request per step of the undo plan: what came
 * back, and why the rest did not. A request that throws ends the undo; a 401 is not reported as a
 * failure, since it has already signed out.
 */
export async function requestUndo(options: { api: ActingApi; done: readonly Changed[] }) {
  const { api } = options;
  const restored: Changed[] = [];
  const failures: string[] = [];
  try {
    for (const { status, action, items } of undoPlan(options.done)) {
      if (!action) {
        failures.push(`a ${status} comment cannot be put back`);
        continue;
      }
      if (items.length === 1) {
        const answer = await api.act(items[0].comment.id, action);
        restored.push({ ...items[0], comment: answer.comment });
      } else {
        const results = await api.actOnMany(
          items.map((i) => i.comment.id),
          action,
        );
        const outcome = undoOutcome({ items, results });
        restored.push(...outcome.restored);
        failures.push(...outcome.failures);
      }
    }
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 401)) failures.push((err as Error).message);
  }
  return { restored, failures };
}
