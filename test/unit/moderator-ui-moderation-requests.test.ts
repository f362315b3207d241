import { type Action, ApiError, type BulkResult, type ModComment, type Status } from '../../src/moderator-ui/api';
import { requestAction, requestUndo } from '../../src/moderator-ui/moderation-requests';
import { changed, failedResult, modComment, okResult } from '../helpers/moderator-comments';

/** A moderation API that answers from `statuses` (the status each comment has) and records the requests. */
function fakeApi(
  statuses: Record<string, Status>,
  options: { failing?: Record<string, string>; throwOn?: Action } = {},
) {
  const requests: string[] = [];
  const after: Record<Action, Status> = { approve: 'approved', reject: 'rejected', spam: 'spam', hold: 'held' };
  const apply = (id: string, action: Action): BulkResult => {
    const message = options.failing?.[id];
    if (message) return failedResult(id, message);
    const previousStatus = statuses[id];
    statuses[id] = after[action];
    return okResult(id, after[action], previousStatus);
  };
  return {
    requests,
    async act(id: string, action: Action): Promise<{ comment: ModComment; previousStatus: Status }> {
      requests.push(`act ${id} ${action}`);
      if (options.throwOn === action) throw new ApiError(500, 'internal', 'Something went wrong on our side.');
      const result = apply(id, action);
      if (!result.ok) throw new ApiError(409, result.error.code, result.error.message);
      return {
        comment: { ...modComment(id, 0), status: result.status, version: 2 },
        previousStatus: result.previousStatus,
      };
    },
    async actOnMany(ids: string[], action: Action): Promise<BulkResult[]> {
      requests.push(`bulk ${ids.join(',')} ${action}`);
      if (options.throwOn === action) throw new ApiError(500, 'internal', 'Something went wrong on our side.');
      return ids.map((id) => apply(id, action));
    },
  };
}

describe('requestAction', () => {
  it('sends one comment through the single-comment route, answering as a bulk result', async () => {
    const api = fakeApi({ a: 'held' });
    expect(await requestAction({ api, ids: ['a'], action: 'approve' })).toEqual([okResult('a', 'approved', 'held')]);
    expect(api.requests).toEqual(['act a approve']);
  });

  it('sends several through one bulk request, in the order given', async () => {
    const api = fakeApi({ a: 'held', b: 'pending' }, { failing: { c: 'c was deleted' } });
    expect(await requestAction({ api, ids: ['b', 'a', 'c'], action: 'spam' })).toEqual([
      okResult('b', 'spam', 'pending'),
      okResult('a', 'spam', 'held'),
      failedResult('c', 'c was deleted'),
    ]);
    expect(api.requests).toEqual(['bulk b,a,c spam']);
  });
});

describe('requestUndo', () => {
  it('puts a single comment back with the action leading to its previous status, keeping the fresh comment', async () => {
    const api = fakeApi({ a: 'spam' });
    const { restored, failures } = await requestUndo({ api, done: [changed(modComment('a', 1), 3, 'held', 'spam')] });
    expect(api.requests).toEqual(['act a hold']);
    expect(failures).toEqual([]);
    expect(restored.map((r) => [r.comment.id, r.comment.status, r.comment.version, r.index])).toEqual([
      ['a', 'held', 2, 3],
    ]);
  });

  it('undoes a bulk action with one request per previous status', async () => {
    const api = fakeApi({ a: 'rejected', b: 'rejected', c: 'rejected' });
    const done = [
      changed(modComment('a', 3), 0, 'held', 'reject'),
      changed(modComment('b', 2, 'spam'), 1, 'spam', 'reject'),
      changed(modComment('c', 1), 2, 'held', 'reject'),
    ];
    const { restored, failures } = await requestUndo({ api, done });
    expect(api.requests).toEqual(['bulk a,c hold', 'act b spam']);
    expect(failures).toEqual([]);
    expect(restored.map((r) => [r.comment.id, r.comment.status])).toEqual([
      ['a', 'held'],
      ['c', 'held'],
      ['b', 'spam'],
    ]);
  });

  it('after a partial failure, reports what did not come back and keeps what did', async () => {
    const api = fakeApi({ a: 'approved', b: 'approved' }, { failing: { b: 'b was deleted meanwhile' } });
    const done = [changed(modComment('a', 2), 0, 'held', 'approve'), changed(modComment('b', 1), 1, 'held', 'approve')];
    const { restored, failures } = await requestUndo({ api, done });
    expect(restored.map((r) => [r.comment.id, r.comment.status])).toEqual([['a', 'held']]);
    expect(failures).toEqual(['b was deleted meanwhile']);
  });

  it('does not ask for what no action can undo, and says so', async () => {
    const api = fakeApi({ a: 'approved', b: 'approved' });
    const done = [
      changed(modComment('a', 2), 0, 'pending', 'approve'),
      changed(modComment('b', 1), 1, 'held', 'approve'),
    ];
    const { restored, failures } = await requestUndo({ api, done });
    expect(api.requests).toEqual(['act b hold']);
    expect(ids(restored)).toEqual(['b']);
    expect(failures).toEqual(['a pending comment cannot be put back']);
  });

  it('stops at a request that throws, keeping what earlier steps put back', async () => {
    const api = fakeApi({ a: 'rejected', b: 'rejected' }, { throwOn: 'spam' });
    const done = [changed(modComment('a', 2), 0, 'held', 'reject'), changed(modComment('b', 1), 1, 'spam', 'reject')];
    const { restored, failures } = await requestUndo({ api, done });
    expect(ids(restored)).toEqual(['a']);
    expect(failures).toEqual(['Something went wrong on our side.']);
  });

  it('does not report a 401 as a failure: the page has signed out', async () => {
    const api = fakeApi({ a: 'spam' });
    api.act = async () => {
      throw new ApiError(401, 'unauthorized', 'Sign in again.');
    };
    expect(await requestUndo({ api, done: [changed(modComment('a', 1), 0, 'held', 'spam')] })).toEqual({
      restored: [],
      failures: [],
    });
  });
});

function ids(items: { comment: { id: string } }[]): string[] {
  return items.map((i) => i.comment.id);
}
