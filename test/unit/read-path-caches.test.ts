import { z } from 'zod';
import { newCommentId } from '../../src/comments/comment-id';
import { ThreadCache } from '../../src/comments/thread-cache';
import { GroupCommit } from '../../src/db/group-commit';

describe('ThreadCache', () => {
  const page = { siteKey: 'site_a', pageId: 'hello', limit: 50 };

  function cache(maxAgeMs = 1000) {
    let now = 0;
    const threads = new ThreadCache({ maxAgeMs, clock: () => now });
    return { threads, advance: (ms: number) => (now += ms) };
  }

  it('serves a page from memory until it is dropped or expires, with an ETag of its bytes', async () => {
    const { threads, advance } = cache();
    let loads = 0;
    const load = async () => ({ comments: [], total: (loads += 1) });
    const first = await threads.firstPage(page, load);
    expect(JSON.parse(first.body.toString())).toEqual({ comments: [], total: 1 });
    expect((await threads.firstPage(page, load)).etag).toBe(first.etag);
    expect(loads).toBe(1);

    threads.dropPage('site_a', 'hello');
    const second = await threads.firstPage(page, load);
    expect(loads).toBe(2);
    expect(second.etag).not.toBe(first.etag);

    advance(1000);
    await threads.firstPage(page, load);
    expect(loads).toBe(3);
  });

  it('keeps pages and page sizes apart, and drops every size of a page', async () => {
    const { threads } = cache();
    let loads = 0;
    const load = async () => ({ n: (loads += 1) });
    await threads.firstPage(page, load);
    await threads.firstPage({ ...page, limit: 10 }, load);
    await threads.firstPage({ ...page, pageId: 'other' }, load);
    expect(loads).toBe(3);
    threads.dropPage('site_a', 'hello');
    await threads.firstPage(page, load);
    await threads.firstPage({ ...page, limit: 10 }, load);
    await threads.firstPage({ ...page, pageId: 'other' }, load);
    expect(loads).toBe(5);
  });

  it('does not keep what it read while the page was dropped: that read may predate the change', async () => {
    const { threads } = cache();
    let release!: () => void;
    const slow = new Promise<void>((resolve) => (release = resolve));
    const reading = threads.firstPage(page, async () => {
      await slow;
      return { stale: true };
    });
    threads.dropPage('site_a', 'hello');
    release();
    expect(JSON.parse((await reading).body.toString())).toEqual({ stale: true });
    const fresh = await threads.firstPage(page, async () => ({ stale: false }));
    expect(JSON.parse(fresh.body.toString())).toEqual({ stale: false });
  });

  it('gives readers who miss together one load, but not a load that started before a drop', async () => {
    const { threads } = cache();
    let loads = 0;
    const releases: Array<() => void> = [];
    const load = () => {
      const n = (loads += 1);
      return new Promise<{ n: number }>((resolve) => releases.push(() => resolve({ n })));
    };
    const together = [threads.firstPage(page, load), threads.firstPage(page, load), threads.firstPage(page, load)];
    expect(loads).toBe(1);
    threads.dropPage('site_a', 'hello');
    // A reader after the drop must not get what was read before it.
    const after = threads.firstPage(page, load);
    expect(loads).toBe(2);
    releases.forEach((release) => release());
    const bodies = (await Promise.all(together)).map((p) => JSON.parse(p.body.toString()));
    expect(bodies).toEqual([{ n: 1 }, { n: 1 }, { n: 1 }]);
    expect(JSON.parse((await after).body.toString())).toEqual({ n: 2 });
    // The load after the drop was stored; the one before it was not.
    expect(JSON.parse((await threads.firstPage(page, load)).body.toString())).toEqual({ n: 2 });
    expect(loads).toBe(2);
  });

  it('lets a failed load fail its readers, and the next reader load again', async () => {
    const { threads } = cache();
    let loads = 0;
    const failing = async () => {
      loads += 1;
      throw new Error('database down');
    };
    const both = [threads.firstPage(page, failing), threads.firstPage(page, failing)];
    await expect(Promise.all(both)).rejects.toThrow('database down');
    expect(loads).toBe(1);
    await expect(threads.firstPage(page, failing)).rejects.toThrow('database down');
    expect(loads).toBe(2);
  });

  it('caches nothing at a max age of 0', async () => {
    const { threads } = cache(0);
    let loads = 0;
    await threads.firstPage(page, async () => (loads += 1));
    await threads.firstPage(page, async () => (loads += 1));
    expect(loads).toBe(2);
  });
});

describe('newCommentId', () => {
  it('is a UUIDv7 that sorts by creation time', () => {
    const ids = [1_700_000_000_000, 1_700_000_000_001, 1_800_000_000_000].map(newCommentId);
    for (const id of ids) {
      expect(z.uuid().safeParse(id).success).toBe(true);
      expect(id[14]).toBe('7');
      expect(['8', '9', 'a', 'b']).toContain(id[19]);
    }
    expect([...ids].sort()).toEqual(ids);
    expect(ids[0].replace(/-/g, '').slice(0, 12)).toBe((1_700_000_000_000).toString(16).padStart(12, '0'));
    expect(newCommentId(1)).not.toBe(newCommentId(1));
  });
});

describe('GroupCommit', () => {
  it('writes what is added in one turn as one batch, and a failed batch fails each of its items', async () => {
    const batches: number[][] = [];
    const group = new GroupCommit<number>({
      maxBatch: 3,
      commit: async (items) => {
        batches.push(items);
        if (items.includes(13)) throw new Error('refused');
      },
    });
    await Promise.all([1, 2, 3, 4].map((n) => group.add(n)));
    expect(batches).toEqual([[1, 2, 3], [4]]);
    const outcomes = await Promise.allSettled([group.add(12), group.add(13)]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    await expect(group.add(14)).resolves.toBeUndefined();
    expect(batches.slice(2)).toEqual([[12, 13], [14]]);
  });
});
