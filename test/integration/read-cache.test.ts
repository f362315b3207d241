import { sql } from 'kysely';
import { ApiError } from '../../src/errors';
import type { Site } from '../../src/sites/site-repository';
import { startTestParley, type TestParley } from '../helpers/parley';
import { DIALECTS, waitFor } from '../helpers/services';

/**
 * The read path's caches (a thread's first page, sites) across two API replicas on one
 * database and one Redis, and the submit path's group commit. Both replicas keep
 * entries for a minute here, so only the change feed can make a change show in time.
 */
describe.each(DIALECTS)('read caches and group commit on %s', (dialect) => {
  let a: TestParley;
  let b: TestParley;
  let site: Site;
  let admin: string;
  const cacheEnv = { PARLEY_CACHE_MS: '60000' };

  beforeAll(async () => {
    a = await startTestParley({ dialect, env: cacheEnv });
    b = await startTestParley({ dialect, worker: false, shareWith: a, env: cacheEnv });
    site = await a.createSite({ moderation: 'none', policy: { floodPerMinute: 1000 } });
    admin = (await a.runtime.tokenService.create({ role: 'admin', label: 'test admin' })).token;
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  const threadPath = (pageId: string) => `/v1/sites/${site.key}/pages/${pageId}/comments`;
  const idsOn = async (replica: TestParley, pageId: string) =>
    ((await replica.http.get(threadPath(pageId))).body.comments as Array<{ id: string }>).map((c) => c.id);

  async function publish(pageId: string, text: string): Promise<string> {
    const res = await a.http
      .post(`/v1/sites/${site.key}/comments`)
      .set('Content-Type', 'application/json')
      .send({ pageId, name: 'Ann', email: 'ann@example.com', text });
    expect(res.status).toBe(202);
    const id = res.body.comment.id as string;
    await waitFor(
      async () => ((await a.runtime.commentRepository.find(id))?.status === 'approved' ? true : undefined),
      {
        what: `approval of ${id}`,
      },
    );
    return id;
  }

  /** Waits until `replica` shows `pageId` as `expected`: the other replica's change reached it. */
  const showsOn = (replica: TestParley, pageId: string, expected: string[]) =>
    waitFor(
      async () => {
        const ids = await idsOn(replica, pageId);
        return JSON.stringify(ids) === JSON.stringify(expected) ? ids : undefined;
      },
      { what: `${pageId} showing ${expected.length} comment(s)` },
    );

  it('answers a matching If-None-Match with 304, and a removal on another replica drops the cached page', async () => {
    const first = await publish('cached', 'first');
    const second = await publish('cached', 'second');
    // Both replicas hold the page with both comments.
    await showsOn(a, 'cached', [first, second]);
    await showsOn(b, 'cached', [first, second]);

    const cached = await b.http.get(threadPath('cached'));
    expect(cached.headers.etag).toMatch(/^"[\w-]+"$/);
    const revalidated = await b.http.get(threadPath('cached')).set('If-None-Match', cached.headers.etag);
    expect(revalidated.status).toBe(304);

    const removed = await a.http
      .delete(`/v1/moderation/comments/${first}`)
      .set('Authorization', `Bearer ${admin}`)
      .send({});
    expect(removed.status).toBe(200);
    // On the replica that removed it, at once; on the other, once the message arrives.
    expect(await idsOn(a, 'cached')).toEqual([second]);
    await showsOn(b, 'cached', [second]);
    const stale = await b.http.get(threadPath('cached')).set('If-None-Match', cached.headers.etag);
    expect(stale.status).toBe(200);
    expect(stale.headers.etag).not.toBe(cached.headers.etag);
  });

  it('answers a cached first page from memory exactly as the route does, and leaves other queries to the route', async () => {
    const ids = [await publish('memory', 'from memory'), await publish('memory', 'and another')];
    await showsOn(a, 'memory', ids);
    const origin = 'https://blog.example';
    const fromRoute = await a.http.get(`${threadPath('memory')}?limit=1`).set('Origin', origin);
    const loads = jest.spyOn(a.runtime.commentService, 'serializedThread');
    try {
      const fromMemory = await a.http.get(`${threadPath('memory')}?limit=1`).set('Origin', origin);
      expect(loads).not.toHaveBeenCalled();
      expect(fromMemory.status).toBe(200);
      expect(fromMemory.text).toBe(fromRoute.text);
      for (const header of ['etag', 'cache-control', 'content-type', 'vary', 'access-control-allow-origin'])
        expect([header, fromMemory.headers[header]]).toEqual([header, fromRoute.headers[header]]);
      expect(fromMemory.headers['access-control-allow-origin']).toBe(origin);
      // The page of the default size is another page, with an ETag of its own.
      expect((await a.http.get(threadPath('memory')).set('If-None-Match', fromRoute.headers.etag)).status).toBe(200);
      expect(
        (await a.http.get(`${threadPath('memory')}?limit=1`).set('If-None-Match', fromRoute.headers.etag)).status,
      ).toBe(304);
      expect((await a.http.get(`${threadPath('memory')}?limit=1`).set('Origin', 'https://evil.example')).status).toBe(
        403,
      );
      const head = await a.http.head(`${threadPath('memory')}?limit=1`);
      expect([head.status, head.headers.etag]).toEqual([200, fromRoute.headers.etag]);
      loads.mockClear();
      // What the route must judge still reaches it: a bad limit is its 400, a cursor its page.
      const bad = await a.http.get(`${threadPath('memory')}?limit=0`);
      expect([bad.status, bad.body.error.code]).toEqual([400, 'validation_failed']);
      expect((await a.http.get(`${threadPath('memory')}?limit=1&cursor=x`)).status).toBe(400);
      expect((await a.http.get(`/v1/sites/nope/pages/memory/comments?limit=1`)).status).toBe(404);
    } finally {
      loads.mockRestore();
    }
  });

  it("shows a moderator's approval on the other replica", async () => {
    const shown = await publish('approvals', 'visible');
    await showsOn(b, 'approvals', [shown]);
    const held = await b.http
      .post(`/v1/moderation/comments/${shown}/actions`)
      .set('Authorization', `Bearer ${admin}`)
      .send({ action: 'reject' });
    expect(held.status).toBe(200);
    await showsOn(a, 'approvals', []);
    const back = await b.http
      .post(`/v1/moderation/comments/${shown}/actions`)
      .set('Authorization', `Bearer ${admin}`)
      .send({ action: 'approve' });
    expect(back.status).toBe(200);
    await showsOn(a, 'approvals', [shown]);
  });

  it("applies a site's new origins on the other replica", async () => {
    const origin = 'https://news.example';
    const refused = await b.http.get(threadPath('origins')).set('Origin', origin);
    expect(refused.status).toBe(403);
    const changed = await a.http
      .patch(`/v1/admin/sites/${site.key}`)
      .set('Authorization', `Bearer ${admin}`)
      .send({ origins: ['https://blog.example', origin] });
    expect(changed.status).toBe(200);
    await waitFor(
      async () => ((await b.http.get(threadPath('origins')).set('Origin', origin)).status === 200 ? true : undefined),
      {
        what: 'the new origin allowed on the other replica',
      },
    );
  });

  describe('group commit', () => {
    const trigger = 'parley_test_refuse_boom';

    beforeAll(async () => {
      // A real failure of the database inside the batch's transaction: it refuses the text "boom".
      if (dialect === 'sqlite') {
        await sql
          .raw(
            `create trigger ${trigger} before insert on comments when new.text = 'boom' begin select raise(abort, 'boom'); end`,
          )
          .execute(a.runtime.db);
      } else {
        await sql
          .raw(
            `create function ${trigger}() returns trigger language plpgsql as $$ begin if new.text = 'boom' then raise exception 'boom'; end if; return new; end $$`,
          )
          .execute(a.runtime.db);
        await sql
          .raw(`create trigger ${trigger} before insert on comments for each row execute function ${trigger}()`)
          .execute(a.runtime.db);
      }
    });

    const submit = (text: string) =>
      a.runtime.commentService.submit({
        site,
        input: { pageId: 'batch', name: 'Bo', email: 'bo@example.com', text },
        ip: '203.0.113.9',
        userAgent: 'test',
      });

    it('stores submissions of one turn together, and fails all of a failed batch with nothing stored', async () => {
      const stored = await Promise.all([submit('one'), submit('two'), submit('three')]);
      expect(new Set(stored.map((s) => s.comment.id)).size).toBe(3);
      for (const { comment } of stored) expect(await a.runtime.commentRepository.find(comment.id)).toBeDefined();

      const outcomes = await Promise.allSettled([submit('four'), submit('boom'), submit('five')]);
      for (const outcome of outcomes) {
        expect(outcome.status).toBe('rejected');
        const err = (outcome as PromiseRejectedResult).reason as ApiError;
        expect(err).toBeInstanceOf(ApiError);
        expect(err.code).toBe('database_unavailable');
      }
      const texts = await a.runtime.db
        .selectFrom('comments')
        .select('text')
        .where('page_id', '=', 'batch')
        .where('site_key', '=', site.key)
        .execute();
      expect(texts.map((t) => t.text).sort()).toEqual(['one', 'three', 'two']);
    });

    it('answers 503 with the documented error when the database refuses the comment', async () => {
      const res = await b.http
        .post(`/v1/sites/${site.key}/comments`)
        .set('Content-Type', 'application/json')
        .send({ pageId: 'batch', name: 'Bo', email: 'bo@example.com', text: 'boom' });
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('database_unavailable');
      expect(JSON.stringify(res.body)).not.toMatch(/trigger|raise|at .*\.ts/);
    });
  });
});
