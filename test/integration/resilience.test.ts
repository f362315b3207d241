import { fork } from 'node:child_process';
import path from 'node:path';
import { startTestParley, type TestParley } from '../helpers/parley';
import { DIALECTS, TEST_REDIS_URL, waitFor } from '../helpers/services';

const comment = (text: string) => ({ pageId: 'resilience', name: 'Rita', email: 'rita@example.com', text });

describe.each(DIALECTS)('no accepted comment is lost, on %s', (dialect) => {
  const instances: TestParley[] = [];
  const start = async (...args: Parameters<typeof startTestParley>) => {
    const parley = await startTestParley(...args);
    instances.unshift(parley); // closed in reverse order: sharers before the owner of the database
    return parley;
  };
  afterEach(async () => {
    for (const parley of instances.splice(0)) await parley.close();
  });

  it('accepts comments while Redis is down, and the sweep queues them when it is back', async () => {
    const offline = await start({ dialect, worker: false, env: { REDIS_URL: 'redis://127.0.0.1:1' } });
    const site = await offline.createSite();

    const started = Date.now();
    const res = await offline.http.post(`/v1/sites/${site.key}/comments`).send(comment('written during an outage'));
    expect(res.status).toBe(202);
    expect(Date.now() - started).toBeLessThan(5000);
    const id = res.body.comment.id as string;
    const stored = await offline.runtime.commentRepository.find(id);
    expect(stored?.status).toBe('pending');
    // Rendered at once, so a moderator who approves it before any worker runs publishes real HTML.
    expect(stored?.html).toBe('<p>written during an outage</p>');
    const ready = await offline.http.get('/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body.checks.redis).toBe('down');

    // Redis is back: a worker (which sweeps on start and then periodically) finds the comment.
    const online = await start({
      dialect,
      shareWith: offline,
      env: { REDIS_URL: TEST_REDIS_URL, PARLEY_SWEEP_INTERVAL_MS: '300' },
    });
    const status = await waitFor(
      async () => {
        const row = await online.runtime.commentRepository.find(id);
        return row?.status === 'pending' ? undefined : row?.status;
      },
      { what: 'the swept comment to be moderated' },
    );
    expect(status).toBe('approved');
  });

  it("runs a killed worker's job again once its lock expires", async () => {
    const lockMs = 1000;
    const parley = await start({ dialect, worker: false, env: { PARLEY_JOB_LOCK_MS: String(lockMs) } });
    const site = await parley.createSite();
    const res = await parley.http.post(`/v1/sites/${site.key}/comments`).send(comment('interrupted mid-job'));
    const id = res.body.comment.id as string;

    const child = fork(
      path.join(__dirname, '../fixtures/stuck-worker.js'),
      [TEST_REDIS_URL, parley.env.PARLEY_REDIS_PREFIX, String(lockMs)],
      {
        stdio: 'ignore',
      },
    );
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const taken = await new Promise((resolve) => child.once('message', resolve));
    expect(taken).toEqual({ taken: id });
    child.kill('SIGKILL');
    await exited;
    expect(await parley.runtime.moderationQueue.queue.getJobState(id)).toBe('active');
    expect((await parley.runtime.commentRepository.find(id))?.status).toBe('pending');

    parley.startWorker();
    const status = await waitFor(
      async () => {
        const row = await parley.runtime.commentRepository.find(id);
        return row?.status === 'pending' ? undefined : row?.status;
      },
      { what: 'the stalled job to be run again', timeoutMs: 15_000 },
    );
    expect(status).toBe('approved');
  });

  it('does nothing harmful when a job runs again for a decided comment', async () => {
    const parley = await start({ dialect });
    const site = await parley.createSite({ moderation: 'first-time' });
    const res = await parley.http.post(`/v1/sites/${site.key}/comments`).send(comment('decided once'));
    const id = res.body.comment.id as string;
    const first = await waitFor(async () => {
      const row = await parley.runtime.commentRepository.find(id);
      return row?.status === 'pending' ? undefined : row;
    });
    expect(first.status).toBe('held');

    // A moderator approves it; then a duplicate job (say, from a sweep race) arrives.
    await parley.runtime.db.updateTable('comments').set({ status: 'approved' }).where('id', '=', id).execute();
    const outcome = await parley.runtime.commentModerator.moderate(id);
    expect(outcome).toEqual({ outcome: 'skipped', reason: 'already-decided' });
    const after = await parley.runtime.commentRepository.find(id);
    expect(after?.status).toBe('approved');
    expect(after?.findings).toEqual(first.findings);
  });
});
