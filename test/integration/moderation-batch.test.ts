import { type ChildProcess, spawn } from 'node:child_process';
import { sql } from 'kysely';
import type { Site } from '../../src/sites/site-repository';
import { startTestParley, type TestParley } from '../helpers/parley';
import { DIALECTS, waitFor } from '../helpers/services';
import { PARLEY_MAIN } from '../helpers/parley-command';

describe.each(DIALECTS)('the batching moderation worker on %s', (dialect) => {
  let parley: TestParley;
  let site: Site;
  let counter = 0;

  beforeAll(async () => {
    // A short lock, so that the jobs of a killed worker run again within the test.
    parley = await startTestParley({ dialect, worker: false, env: { PARLEY_JOB_LOCK_MS: '1000' } });
    site = await parley.createSite({ moderation: 'none' });
  });
  afterAll(() => parley.close());

  /** Stores a pending comment (and queues its job) as the API does; each from its own author and IP unless given. */
  async function submit(overrides: { email?: string; text?: string; pageId?: string } = {}): Promise<string> {
    counter += 1;
    const { comment } = await parley.runtime.commentService.submit({
      site,
      input: {
        pageId: overrides.pageId ?? 'batch',
        name: `Reader ${counter}`,
        email: overrides.email ?? `batch${counter}@example.com`,
        text: overrides.text ?? `A plain remark about the harbour, number ${counter}.`,
      },
      ip: `203.0.113.${counter % 250}`,
      userAgent: 'Mozilla/5.0 (test)',
    });
    return comment.id;
  }

  const rowsOf = (ids: string[]) =>
    parley.runtime.db.selectFrom('comments').select(['id', 'status', 'version']).where('id', 'in', ids).execute();

  /** Each comment's webhook events, by type: how many times each was written. */
  async function eventsOf(ids: string[]): Promise<Map<string, Record<string, number>>> {
    const rows = await parley.runtime.db
      .selectFrom('webhook_events')
      .select(['comment_id', 'type', (eb) => eb.fn.countAll<number>().as('n')])
      .where('comment_id', 'in', ids)
      .groupBy(['comment_id', 'type'])
      .execute();
    const events = new Map(ids.map((id) => [id, {} as Record<string, number>]));
    for (const row of rows) events.get(row.comment_id)![row.type] = Number(row.n);
    return events;
  }

  /** Makes the database refuse to decide one comment: a write that fails inside the batch's transaction. */
  async function refuseDecision(id: string): Promise<() => Promise<void>> {
    const { db } = parley.runtime;
    if (dialect === 'sqlite') {
      await sql`create trigger refuse_decision before update on comments when new.id = ${sql.lit(id)}
        begin select raise(abort, 'refused by the test'); end`.execute(db);
      return async () => void (await sql`drop trigger refuse_decision`.execute(db));
    }
    await sql`create or replace function refuse_decision() returns trigger language plpgsql as
      $$ begin raise exception 'refused by the test'; end $$`.execute(db);
    await sql`create trigger refuse_decision before update on comments for each row
      when (new.id = ${sql.lit(id)}) execute function refuse_decision()`.execute(db);
    return async () => void (await sql`drop trigger refuse_decision on comments`.execute(db));
  }

  it('moderates several comments in one batch, each with its own findings and one event', async () => {
    const repeat = { email: 'repeat@example.com', text: 'Same words, posted twice on one page.' };
    const ids = [
      await submit(),
      await submit(repeat),
      await submit({ text: 'Visit https://a.example https://b.example https://c.example https://d.example now' }),
      await submit(repeat),
      await submit(),
    ];
    const results = await parley.runtime.commentModerator.moderateMany(ids);
    expect(results.map((r) => !(r instanceof Error) && r.outcome)).toEqual(Array(5).fill('decided'));
    const statuses = results.map((r) => !(r instanceof Error) && r.outcome === 'decided' && r.decision.status);
    expect(statuses).toEqual(['approved', 'approved', 'spam', 'rejected', 'approved']);
    const checks = (i: number) =>
      (results[i] as { decision: { findings: Array<{ check: string }> } }).decision.findings.map((f) => f.check);
    // Of two identical comments in one batch, only the later is the duplicate.
    expect(checks(1)).not.toContain('duplicate');
    expect(checks(3)).toContain('duplicate');
    expect(checks(2)).toContain('link-count');

    const stored = await rowsOf(ids);
    for (const row of stored) expect(row.version).toBe(1);
    const events = await eventsOf(ids);
    ids.forEach((id, i) => expect(events.get(id)).toEqual({ 'comment.created': 1, [`comment.${statuses[i]}`]: 1 }));

    // The same batch again (a retried job, an overlapping worker) changes nothing.
    const again = await parley.runtime.commentModerator.moderateMany(ids);
    expect(again).toEqual(Array(5).fill({ outcome: 'skipped', reason: 'already-decided' }));
    expect(await eventsOf(ids)).toEqual(events);
    expect(await rowsOf(ids)).toEqual(stored);
  });

  it('stores the rest of a batch when one comment cannot be stored', async () => {
    const ids = [await submit(), await submit(), await submit()];
    const allow = await refuseDecision(ids[1]);
    try {
      const results = await parley.runtime.commentModerator.moderateMany(ids);
      expect(results[0]).toMatchObject({ outcome: 'decided' });
      expect(results[1]).toBeInstanceOf(Error);
      expect((results[1] as Error).message).toMatch(/refused by the test/);
      expect(results[2]).toMatchObject({ outcome: 'decided' });
      const statuses = Object.fromEntries((await rowsOf(ids)).map((r) => [r.id, r.status]));
      expect(statuses).toEqual({ [ids[0]]: 'approved', [ids[1]]: 'pending', [ids[2]]: 'approved' });
      expect((await eventsOf(ids)).get(ids[1])).toEqual({ 'comment.created': 1 });
    } finally {
      await allow();
    }
    expect(await parley.runtime.commentModerator.moderateMany([ids[1]])).toEqual([
      expect.objectContaining({ outcome: 'decided' }),
    ]);
  });

  it("fails only the failing comment's job, and BullMQ runs it again", async () => {
    const ids = [await submit(), await submit(), await submit(), await submit()];
    const allow = await refuseDecision(ids[2]);
    const worker = parley.startWorker();
    try {
      const others = ids.filter((_, i) => i !== 2);
      await waitFor(async () => ((await rowsOf(others)).every((r) => r.status === 'approved') ? true : undefined), {
        what: 'the other comments of the batch to be decided',
      });
      const failed = await waitFor(
        async () => {
          const job = await parley.runtime.moderationQueue.queue.getJob(ids[2]);
          return job && job.attemptsMade > 0 ? job : undefined;
        },
        { what: 'the refused comment to fail its job' },
      );
      expect(failed.failedReason).toMatch(/refused by the test/);
      expect((await rowsOf([ids[2]]))[0].status).toBe('pending');
      await allow();
      // Its retry (after BullMQ's backoff) decides it.
      const status = await waitFor(
        async () => {
          const [row] = await rowsOf([ids[2]]);
          return row.status === 'pending' ? undefined : row.status;
        },
        { what: 'the retried job to decide the comment', timeoutMs: 15_000 },
      );
      expect(status).toBe('approved');
    } finally {
      await worker.close();
    }
  });

  it('loses nothing and decides nothing twice when a worker process is killed mid-run', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 500; i++) ids.push(await submit({ pageId: `kill-${i % 7}` }));

    let child: ChildProcess | undefined;
    let stderr = '';
    try {
      child = spawn(process.execPath, [PARLEY_MAIN, 'worker'], { env: { PATH: process.env.PATH, ...parley.env } });
      child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      // Killed as soon as it has stored its first decisions, while it holds the jobs of further batches.
      await waitFor(async () => ((await rowsOf(ids)).some((r) => r.status !== 'pending') ? true : undefined), {
        what: `the worker process to decide some comments (its stderr: ${stderr})`,
        timeoutMs: 30_000,
      });
      child.kill('SIGKILL');
      await exited;
    } finally {
      if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    const left = (await rowsOf(ids)).filter((r) => r.status === 'pending').length;
    expect(left).toBeGreaterThan(0);

    const worker = parley.startWorker();
    try {
      await waitFor(async () => ((await rowsOf(ids)).every((r) => r.status !== 'pending') ? true : undefined), {
        what: "the killed worker's comments to be decided again",
        timeoutMs: 60_000,
      });
    } finally {
      await worker.close();
    }
    // One decision each: one version bump, one status event, and its job completed.
    const stored = await rowsOf(ids);
    expect(stored.filter((r) => r.version !== 1)).toEqual([]);
    const events = await eventsOf(ids);
    for (const row of stored)
      expect(events.get(row.id)).toEqual({ 'comment.created': 1, [`comment.${row.status}`]: 1 });
    const states = await Promise.all(ids.map((id) => parley.runtime.moderationQueue.queue.getJobState(id)));
    expect(new Set(states)).toEqual(new Set(['completed']));
  });
});
