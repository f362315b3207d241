import {
  actionOutcome,
  actionTargets,
  countsAfterAction,
  countsAfterUndo,
  currentAfterRemoval,
  insertionIndex,
  mergePolledPage,
  moveCount,
  reinsertions,
  selectComment,
  selectedInListOrder,
  selectionSummary,
  selectionWithout,
  toggleSelectAll,
  undoOutcome,
  undoPlan,
  unlistedComments,
} from '../../src/moderator-ui/queue-state';
import { changed, failedResult, modComment, okResult } from '../helpers/moderator-comments';

const ids = (comments: { id: string }[]) => comments.map((c) => c.id);

describe('insertionIndex', () => {
  const newestFirst = [modComment('c', 30), modComment('b', 20), modComment('a', 10)];
  const oldestFirst = [...newestFirst].reverse();

  it('keeps a newest-first list newest first', () => {
    expect(insertionIndex({ list: newestFirst, comment: modComment('x', 40), order: 'newest' })).toBe(0);
    expect(insertionIndex({ list: newestFirst, comment: modComment('x', 25), order: 'newest' })).toBe(1);
    expect(insertionIndex({ list: newestFirst, comment: modComment('x', 5), order: 'newest' })).toBe(3);
  });

  it('keeps an oldest-first list oldest first', () => {
    expect(insertionIndex({ list: oldestFirst, comment: modComment('x', 5), order: 'oldest' })).toBe(0);
    expect(insertionIndex({ list: oldestFirst, comment: modComment('x', 25), order: 'oldest' })).toBe(2);
    expect(insertionIndex({ list: oldestFirst, comment: modComment('x', 40), order: 'oldest' })).toBe(3);
  });

  it('puts a comment after the ones as old as it', () => {
    expect(insertionIndex({ list: newestFirst, comment: modComment('x', 20), order: 'newest' })).toBe(2);
    expect(insertionIndex({ list: oldestFirst, comment: modComment('x', 20), order: 'oldest' })).toBe(2);
    expect(insertionIndex({ list: [], comment: modComment('x', 20), order: 'newest' })).toBe(0);
  });
});

describe('unlistedComments', () => {
  it('keeps only the comments of a further page that are not listed yet, each once', () => {
    const list = [modComment('a', 50), modComment('b', 40)];
    const page = [modComment('b', 40), modComment('c', 30), modComment('c', 30), modComment('d', 20)];
    expect(ids(unlistedComments({ list, page }))).toEqual(['c', 'd']);
  });
});

describe('mergePolledPage', () => {
  const base = { order: 'newest' as const, listComplete: true, currentId: null, busyIds: new Set<string>() };

  it('adds new comments in order to a complete list, each at its place in the merged list', () => {
    const list = [modComment('c', 30), modComment('a', 10)];
    const polled = {
      comments: [modComment('d', 40), modComment('c', 30), modComment('b', 20), modComment('a', 10)],
      nextCursor: null,
    };
    const merge = mergePolledPage({ ...base, list, polled });
    expect(merge.gone).toEqual([]);
    expect(merge.added.map(({ comment: c, index }) => [c.id, index])).toEqual([
      ['d', 0],
      ['b', 2],
    ]);
  });

  it('never adds a comment the list already shows', () => {
    const list = [modComment('b', 20), modComment('a', 10)];
    const polled = { comments: [modComment('b', 20), modComment('a', 10)], nextCursor: null };
    expect(mergePolledPage({ ...base, list, polled })).toEqual({ gone: [], added: [] });
  });

  it('drops listed comments the poll covers but no longer shows, but not the current one or a busy one', () => {
    const list = [
      modComment('e', 50),
      modComment('d', 40),
      modComment('c', 30),
      modComment('b', 20),
      modComment('a', 10),
    ];
    const polled = { comments: [modComment('e', 50), modComment('a', 10)], nextCursor: null };
    const merge = mergePolledPage({ ...base, list, polled, currentId: 'c', busyIds: new Set(['b']) });
    expect(merge.gone).toEqual(['d']);
  });

  it('keeps listed comments older than a partial poll reaches', () => {
    const list = [modComment('d', 40), modComment('c', 30), modComment('b', 20), modComment('a', 10)];
    // The poll window ends at c: whether b and a are still held, it cannot tell; d has been decided.
    const polled = { comments: [modComment('c', 30)], nextCursor: 'next' };
    expect(mergePolledPage({ ...base, list, polled }).gone).toEqual(['d']);
  });

  it('adds to a list with more pages only what is no older than its last comment, newest first', () => {
    const list = [modComment('e', 50), modComment('c', 30)];
    const polled = {
      comments: [
        modComment('f', 60),
        modComment('e', 50),
        modComment('d', 40),
        modComment('c', 30),
        modComment('b', 20),
      ],
      nextCursor: null,
    };
    const merge = mergePolledPage({ ...base, listComplete: false, list, polled });
    expect(merge.added.map(({ comment: c, index }) => [c.id, index])).toEqual([
      ['f', 0],
      ['d', 2],
    ]);
  });

  it('adds to a list with more pages a comment as old as its last one', () => {
    const list = [modComment('c', 30), modComment('b', 20)];
    const polled = {
      comments: [modComment('c', 30), modComment('b', 20), modComment('x', 20), modComment('a', 10)],
      nextCursor: 'next',
    };
    const merge = mergePolledPage({ ...base, listComplete: false, list, polled });
    expect(merge.added.map(({ comment: c, index }) => [c.id, index])).toEqual([['x', 2]]);
  });

  it('adds nothing to an oldest-first list with more pages: new comments belong at its far end', () => {
    const list = [modComment('a', 10), modComment('b', 20)];
    const polled = { comments: [modComment('c', 30), modComment('b', 20), modComment('a', 10)], nextCursor: null };
    expect(mergePolledPage({ ...base, order: 'oldest', listComplete: false, list, polled }).added).toEqual([]);
    const complete = mergePolledPage({ ...base, order: 'oldest', list, polled });
    expect(complete.added.map(({ comment: c, index }) => [c.id, index])).toEqual([['c', 2]]);
  });

  it('places new comments among those that stay once the gone ones are out', () => {
    const list = [modComment('d', 40), modComment('b', 20), modComment('a', 10)];
    const polled = { comments: [modComment('c', 30), modComment('a', 10)], nextCursor: null };
    const merge = mergePolledPage({ ...base, list, polled });
    expect(merge.gone).toEqual(['d', 'b']);
    expect(merge.added.map(({ comment: c, index }) => [c.id, index])).toEqual([['c', 0]]);
  });
});

describe('the tab counts', () => {
  it('moves one comment between two known counts, without touching the ones given', () => {
    const counts = { held: 3, approved: 7 };
    expect(moveCount({ counts, from: 'held', to: 'approved' })).toEqual({ held: 2, approved: 8 });
    expect(counts).toEqual({ held: 3, approved: 7 });
  });

  it('leaves unknown counts unknown and never goes below zero', () => {
    expect(moveCount({ counts: { held: 0 }, from: 'held', to: 'spam' })).toEqual({ held: 0 });
    expect(moveCount({ counts: { spam: 2 }, from: 'held', to: 'spam' })).toEqual({ spam: 3 });
  });

  it('moves every comment an action changed, from the status each had', () => {
    const counts = { held: 5, pending: 1, rejected: 0, approved: 2 };
    const done = [
      changed(modComment('a', 1), 0, 'held', 'reject'),
      changed(modComment('b', 2), 1, 'pending', 'reject'),
    ];
    expect(countsAfterAction({ counts, done })).toEqual({ held: 4, pending: 0, rejected: 2, approved: 2 });
  });

  it('gives the counts back when the action is undone', () => {
    const counts = { held: 5, approved: 2, spam: 0 };
    const done = [changed(modComment('a', 1), 0, 'held', 'approve'), changed(modComment('b', 2), 1, 'held', 'approve')];
    const after = countsAfterAction({ counts, done });
    expect(after).toEqual({ held: 3, approved: 4, spam: 0 });
    const restored = done.map((c) => ({ ...c, comment: { ...c.comment, status: 'held' as const } }));
    expect(countsAfterUndo({ counts: after, restored })).toEqual(counts);
  });

  it('counts an undone comment in the status it now has', () => {
    const restored = [changed(modComment('a', 1, 'held'), 0, 'pending', 'spam')];
    expect(countsAfterUndo({ counts: { held: 1, pending: 4, spam: 3 }, restored })).toEqual({
      held: 2,
      pending: 4,
      spam: 2,
    });
  });
});

describe('the selection', () => {
  const shown = ['a', 'b', 'c'];

  it('selects and unselects one comment, returning a new set', () => {
    const selection = new Set(['a']);
    expect([...selectComment({ selection, id: 'c', selected: true })]).toEqual(['a', 'c']);
    expect([...selectComment({ selection, id: 'a', selected: false })]).toEqual([]);
    expect([...selection]).toEqual(['a']);
  });

  it('selects all shown unless all are selected, then none', () => {
    expect([...toggleSelectAll({ selection: new Set(), shown })]).toEqual(shown);
    expect([...toggleSelectAll({ selection: new Set(['b']), shown })]).toEqual(shown);
    expect([...toggleSelectAll({ selection: new Set(shown), shown })]).toEqual([]);
  });

  it('drops the comments that left the list', () => {
    expect([...selectionWithout({ selection: new Set(['a', 'b', 'c']), removed: ['b', 'x'] })]).toEqual(['a', 'c']);
  });

  it('lists the selection in list order, not in the order it was selected', () => {
    expect(selectedInListOrder({ selection: new Set(['c', 'a']), shown })).toEqual(['a', 'c']);
  });

  it('acts on the selection if there is one, else on the current comment', () => {
    expect(actionTargets({ selection: new Set(['c', 'a']), shown, currentId: 'b' })).toEqual(['a', 'c']);
    expect(actionTargets({ selection: new Set(['c']), shown, currentId: 'b' })).toEqual(['c']);
    expect(actionTargets({ selection: new Set(), shown, currentId: 'b' })).toEqual(['b']);
    expect(actionTargets({ selection: new Set(), shown, currentId: null })).toEqual([]);
  });

  it('summarises the selection for the select-all box and the count', () => {
    expect(selectionSummary({ selected: 0, shown: 3 })).toEqual({
      allChecked: false,
      allIndeterminate: false,
      label: '',
    });
    expect(selectionSummary({ selected: 2, shown: 3 })).toEqual({
      allChecked: false,
      allIndeterminate: true,
      label: '2 selected',
    });
    expect(selectionSummary({ selected: 3, shown: 3 })).toEqual({
      allChecked: true,
      allIndeterminate: false,
      label: '3 selected',
    });
    expect(selectionSummary({ selected: 0, shown: 0 }).allChecked).toBe(false);
  });
});

describe('currentAfterRemoval', () => {
  const shown = ['a', 'b', 'c', 'd'];

  it('keeps the current comment when it stays', () => {
    expect(currentAfterRemoval({ shown, removed: ['a', 'c'], currentId: 'b' })).toBe('b');
  });

  it('moves to the comment that took the current one’s place', () => {
    expect(currentAfterRemoval({ shown, removed: ['b'], currentId: 'b' })).toBe('c');
    expect(currentAfterRemoval({ shown, removed: ['b', 'c'], currentId: 'b' })).toBe('d');
    expect(currentAfterRemoval({ shown, removed: ['c', 'b'], currentId: 'b' })).toBe('d');
  });

  it('moves back to the last comment before when none after stays', () => {
    expect(currentAfterRemoval({ shown, removed: ['c', 'd'], currentId: 'd' })).toBe('b');
    expect(currentAfterRemoval({ shown, removed: ['b', 'c', 'd'], currentId: 'b' })).toBe('a');
  });

  it('has no current comment once the list is empty', () => {
    expect(currentAfterRemoval({ shown, removed: shown, currentId: 'c' })).toBeNull();
  });

  it('makes the first comment that stays current when there was none', () => {
    expect(currentAfterRemoval({ shown, removed: ['a'], currentId: null })).toBe('b');
    expect(currentAfterRemoval({ shown: [], removed: [], currentId: null })).toBeNull();
  });
});

describe('actionOutcome', () => {
  const [a, b, c] = [modComment('a', 3), modComment('b', 2), modComment('c', 1)];
  const offered = [
    { comment: a, index: 0 },
    { comment: b, index: 1 },
    { comment: c, index: 2 },
  ];

  it('records a single action with the status the comment had and its place', () => {
    const outcome = actionOutcome({
      action: 'approve',
      offered: [offered[1]],
      results: [okResult('b', 'approved', 'held')],
    });
    expect(outcome).toEqual({ done: [changed(b, 1, 'held', 'approve')], failures: [] });
  });

  it('records only the comments a bulk action changed, and why the others failed', () => {
    const results = [
      okResult('a', 'spam', 'held'),
      failedResult('b', 'b was deleted'),
      okResult('c', 'spam', 'pending'),
    ];
    expect(actionOutcome({ action: 'spam', offered, results })).toEqual({
      done: [changed(a, 0, 'held', 'spam'), changed(c, 2, 'pending', 'spam')],
      failures: ['b was deleted'],
    });
  });

  it('ignores answers for comments it did not offer', () => {
    const results = [okResult('a', 'spam', 'held'), okResult('z', 'spam', 'held')];
    expect(actionOutcome({ action: 'spam', offered: [offered[0]], results }).done).toEqual([
      changed(a, 0, 'held', 'spam'),
    ]);
  });
});

describe('undoPlan', () => {
  it('reverts a single action with the action leading back to the status it had', () => {
    const done = [changed(modComment('a', 1), 4, 'held', 'approve')];
    expect(undoPlan(done)).toEqual([{ status: 'held', action: 'hold', items: done }]);
  });

  it('reverts a bulk action with one request per previous status, in the order met', () => {
    const [a, b, c, d] = [modComment('a', 4), modComment('b', 3), modComment('c', 2), modComment('d', 1)];
    const done = [
      changed(a, 0, 'spam', 'reject'),
      changed(b, 1, 'approved', 'reject'),
      changed(c, 2, 'spam', 'reject'),
      changed(d, 3, 'pending', 'reject'),
    ];
    const plan = undoPlan(done);
    expect(plan.map((s) => [s.status, s.action, ids(s.items.map((i) => i.comment))])).toEqual([
      ['spam', 'spam', ['a', 'c']],
      ['approved', 'approve', ['b']],
      ['pending', undefined, ['d']],
    ]);
  });

  it('after a partial bulk failure, plans to revert only what changed', () => {
    const offered = [modComment('a', 3), modComment('b', 2), modComment('c', 1)].map((c, index) => ({
      comment: c,
      index,
    }));
    const results = [okResult('a', 'approved', 'held'), failedResult('b', 'gone'), okResult('c', 'approved', 'held')];
    const { done } = actionOutcome({ action: 'approve', offered, results });
    expect(undoPlan(done).map((s) => [s.action, s.items.map((i) => [i.comment.id, i.index])])).toEqual([
      [
        'hold',
        [
          ['a', 0],
          ['c', 2],
        ],
      ],
    ]);
  });
});

describe('undoOutcome', () => {
  it('keeps the comments a bulk undo put back, with their new status, and why others failed', () => {
    const items = [
      changed(modComment('a', 2, 'approved'), 0, 'held', 'approve'),
      changed(modComment('b', 1, 'approved'), 3, 'held', 'approve'),
    ];
    const outcome = undoOutcome({
      items,
      results: [failedResult('a', 'a was deleted'), okResult('b', 'held', 'approved')],
    });
    expect(outcome.failures).toEqual(['a was deleted']);
    expect(outcome.restored.map((r) => [r.comment.id, r.comment.status, r.index])).toEqual([['b', 'held', 3]]);
    expect(items[1].comment.status).toBe('approved'); // the step's items are not changed
  });
});

describe('reinsertions', () => {
  it('puts undone comments of the shown status back at their places, top first', () => {
    const restored = [
      changed(modComment('c', 1, 'held'), 4, 'held', 'reject'),
      changed(modComment('a', 3, 'held'), 0, 'held', 'reject'),
      changed(modComment('b', 2, 'spam'), 2, 'spam', 'reject'),
    ];
    const back = reinsertions({ restored, shownStatus: 'held', shown: ['x', 'y'] });
    expect(back.map(({ comment: c, index }) => [c.id, index])).toEqual([
      ['a', 0],
      ['c', 4],
    ]);
  });

  it('does not put back a comment the list shows again already', () => {
    const restored = [changed(modComment('a', 3, 'held'), 0, 'held', 'approve')];
    expect(reinsertions({ restored, shownStatus: 'held', shown: ['a'] })).toEqual([]);
  });
});
