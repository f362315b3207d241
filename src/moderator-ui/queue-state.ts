// Browser code, but pure: the review queue's state as plain data, with no DOM, fetch or timers, so that
// it runs (and is unit-tested) in Node too. queue.ts owns the DOM, events and timers, and makes the API
// calls (through moderation-requests.ts); it asks these functions what the list, the counts, the
// selection, the current comment and undo become.
import {
  type Action,
  actionLeadingTo,
  type BulkResult,
  type Counts,
  type Filters,
  type ModComment,
  STATUS_AFTER,
  type Status,
} from './api';

/** What ordering and merging need of a comment. */
type Dated = Pick<ModComment, 'id' | 'createdAt'>;
type Order = Filters['order'];

// --- ordering and merging ----------------------------------------------

/** Where `comment` goes to keep `list` in `order`: after the comments as old as it. */
export function insertionIndex({ list, comment, order }: { list: readonly Dated[]; comment: Dated; order: Order }) {
  const index = list.findIndex((c) =>
    order === 'newest' ? c.createdAt < comment.createdAt : c.createdAt > comment.createdAt,
  );
  return index === -1 ? list.length : index;
}

/**
 * The comments of a further page that the list does not show yet, each once: comments can move up a
 * page (when ones above them are decided) between two requests.
 */
export function unlistedComments<T extends Dated>({ list, page }: { list: readonly Dated[]; page: readonly T[] }): T[] {
  const listed = new Set(list.map((c) => c.id));
  return page.filter((c) => {
    if (listed.has(c.id)) return false;
    listed.add(c.id);
    return true;
  });
}

export interface PollMerge<T> {
  /** Listed comments the poll no longer shows: decided elsewhere (by another moderator). */
  gone: string[];
  /** New comments with their places in the merged list, top first: inserted in this order, each lands in its place. */
  added: { comment: T; index: number }[];
}

/**
 * Merges a poll (the newest comments of the current filters) into the list. A listed comment is gone
 * when the poll covers its time and does not show it, unless it is the current one (it stays until the
 * moderator moves on) or an action on it is under way. A polled comment is added when it falls inside
 * what the list shows: anywhere when the list is complete; else only in a newest-first list, and no
 * older than its last comment (in an oldest-first list, new comments belong to pages not loaded yet).
 */
export function mergePolledPage<T extends Dated>(options: {
  list: readonly T[];
  polled: { comments: readonly T[]; nextCursor: string | null };
  order: Order;
  /** The list has no further page to load. */
  listComplete: boolean;
  currentId: string | null;
  busyIds: ReadonlySet<string>;
}): PollMerge<T> {
  const { polled, order, currentId, busyIds } = options;
  const seen = new Set(polled.comments.map((c) => c.id));
  const oldestSeen = polled.comments[polled.comments.length - 1]?.createdAt ?? '';
  const covered = (c: T) => polled.nextCursor === null || c.createdAt > oldestSeen;
  const gone = options.list.filter((c) => !seen.has(c.id) && covered(c) && c.id !== currentId && !busyIds.has(c.id));

  const goneIds = new Set(gone.map((c) => c.id));
  const list = options.list.filter((c) => !goneIds.has(c.id));
  const listed = new Set(list.map((c) => c.id));
  const last = list[list.length - 1]?.createdAt;
  const fresh = polled.comments.filter(
    (c) =>
      !listed.has(c.id) && (options.listComplete || (order === 'newest' && last !== undefined && c.createdAt >= last)),
  );
  for (const comment of [...fresh].reverse()) list.splice(insertionIndex({ list, comment, order }), 0, comment);
  const added = new Set<T>(fresh);
  return {
    gone: [...goneIds],
    added: list.flatMap((comment, index) => (added.has(comment) ? [{ comment, index }] : [])),
  };
}

// --- the counts in the tabs --------------------------------------------

/** Moves one comment from one status's count to another's; a count the server did not send stays unknown. */
export function moveCount({
  counts,
  from,
  to,
}: {
  counts: Partial<Counts>;
  from: Status;
  to: Status;
}): Partial<Counts> {
  const next = { ...counts };
  if (next[from] !== undefined) next[from] = Math.max(0, next[from] - 1);
  if (next[to] !== undefined) next[to] = next[to] + 1;
  return next;
}

/** The counts once an action has moved `done` from their previous statuses to the one it leads to. */
export function countsAfterAction({ counts, done }: { counts: Partial<Counts>; done: readonly Changed[] }) {
  return done.reduce((n, c) => moveCount({ counts: n, from: c.previousStatus, to: STATUS_AFTER[c.action] }), counts);
}

/** The counts once undo has put `restored` back to the statuses it gave them. */
export function countsAfterUndo({ counts, restored }: { counts: Partial<Counts>; restored: readonly Changed[] }) {
  return restored.reduce(
    (n, c) => moveCount({ counts: n, from: STATUS_AFTER[c.action], to: c.comment.status }),
    counts,
  );
}

// --- the selection -----------------------------------------------------
// `shown` is the ids in the list, in list order; the selection is always a part of it.

export function selectComment(options: { selection: ReadonlySet<string>; id: string; selected: boolean }) {
  const selection = new Set(options.selection);
  if (options.selected) selection.add(options.id);
  else selection.delete(options.id);
  return selection;
}

/** "Select all shown": selects every comment unless all are selected already, then none. */
export function toggleSelectAll({ selection, shown }: { selection: ReadonlySet<string>; shown: readonly string[] }) {
  return new Set(selection.size < shown.length ? shown : []);
}

/** What stays selected once comments left the list. */
export function selectionWithout({
  selection,
  removed,
}: {
  selection: ReadonlySet<string>;
  removed: readonly string[];
}) {
  const gone = new Set(removed);
  return new Set([...selection].filter((id) => !gone.has(id)));
}

export function selectedInListOrder({
  selection,
  shown,
}: {
  selection: ReadonlySet<string>;
  shown: readonly string[];
}) {
  return shown.filter((id) => selection.has(id));
}

/** What a keyboard action acts on: the selection, or else the current comment. */
export function actionTargets(options: {
  selection: ReadonlySet<string>;
  shown: readonly string[];
  currentId: string | null;
}): string[] {
  if (options.selection.size > 0) return selectedInListOrder(options);
  return options.currentId ? [options.currentId] : [];
}

/** The bulk bar: the "select all shown" box and the selected count. */
export function selectionSummary({ selected, shown }: { selected: number; shown: number }) {
  return {
    allChecked: selected > 0 && selected === shown,
    allIndeterminate: selected > 0 && selected < shown,
    label: selected === 0 ? '' : `${selected} selected`,
  };
}

// --- the current comment -----------------------------------------------

/**
 * The current comment once `removed` left the list: the current one if it stays; if it left, the
 * next comment that stays (the one that took its place), or else the last before it; with no
 * current comment, the first that stays.
 */
export function currentAfterRemoval(options: {
  shown: readonly string[];
  removed: readonly string[];
  currentId: string | null;
}): string | null {
  const removed = new Set(options.removed);
  const stays = (id: string) => !removed.has(id);
  const at = options.currentId === null ? -1 : options.shown.indexOf(options.currentId);
  if (at === -1) return options.shown.find(stays) ?? null;
  return options.shown.slice(at).find(stays) ?? options.shown.slice(0, at).reverse().find(stays) ?? null;
}

// --- actions and undo --------------------------------------------------

/** A comment an action changed: what undo needs to put it back (its status then, and its place in the list). */
export interface Changed {
  comment: ModComment;
  index: number;
  action: Action;
  previousStatus: Status;
}

/** A comment as it was listed when an action was asked for. */
export interface Offered {
  comment: ModComment;
  index: number;
}

/** What an action changed, from the API's answers (a single action's answer counts as one ok result). */
export function actionOutcome(options: {
  action: Action;
  offered: readonly Offered[];
  results: readonly BulkResult[];
}) {
  const done: Changed[] = [];
  const failures: string[] = [];
  for (const result of options.results) {
    const offered = options.offered.find((o) => o.comment.id === result.id);
    if (result.ok && offered) done.push({ ...offered, action: options.action, previousStatus: result.previousStatus });
    else if (!result.ok) failures.push(result.error.message);
  }
  return { done, failures };
}

/** One request of an undo: the comments that go back to `status`, by `action` (no action leads back to pending). */
export interface UndoStep {
  status: Status;
  action: Action | undefined;
  items: Changed[];
}

/** How to revert an action: one step per status the comments had, in the order the action met them. */
export function undoPlan(done: readonly Changed[]): UndoStep[] {
  const steps = new Map<Status, UndoStep>();
  for (const item of done) {
    const step = steps.get(item.previousStatus);
    if (step) step.items.push(item);
    else
      steps.set(item.previousStatus, {
        status: item.previousStatus,
        action: actionLeadingTo(item.previousStatus),
        items: [item],
      });
  }
  return [...steps.values()];
}

/** What a bulk undo step put back, from the API's answers: the comments with the status they now have. */
export function undoOutcome({ items, results }: { items: readonly Changed[]; results: readonly BulkResult[] }) {
  const restored: Changed[] = [];
  const failures: string[] = [];
  for (const result of results) {
    const item = items.find((i) => i.comment.id === result.id);
    if (result.ok && item) restored.push({ ...item, comment: { ...item.comment, status: result.status } });
    else if (!result.ok) failures.push(result.error.message);
  }
  return { restored, failures };
}

/**
 * Where undone comments go back into the list: the ones the shown tab holds and the list lacks, at the
 * places they left, top first (so each place is counted among those already back). The first gets focus.
 */
export function reinsertions(options: {
  restored: readonly Changed[];
  shownStatus: Status;
  shown: readonly string[];
}): Offered[] {
  const listed = new Set(options.shown);
  const back: Offered[] = [];
  for (const { comment, index } of [...options.restored].sort((a, b) => a.index - b.index)) {
    if (comment.status !== options.shownStatus || listed.has(comment.id)) continue;
    listed.add(comment.id);
    back.push({ comment, index });
  }
  return back;
}
