import type { BatchResult, ModerationOutcome } from '../../src/moderation/comment-moderator';
import { ModerationBatcher } from '../../src/moderation/moderation-batcher';

const decided = (id: string): ModerationOutcome => ({
  outcome: 'decided',
  decision: { status: 'approved', findings: [{ check: 'length', verdict: 'approve', reason: id }] },
  acceptedAt: 1,
  decidedAt: 2,
});

/** A batcher over a moderateMany that records the batches it was given and takes a few ms over each. */
function recordingBatcher(maxBatch: number, answer: (id: string) => BatchResult = decided) {
  const batches: string[][] = [];
  const batcher = new ModerationBatcher({
    maxBatch,
    maxParallel: 1,
    moderateMany: async (ids) => {
      batches.push(ids);
      await new Promise((resolve) => setTimeout(resolve, 5));
      return ids.map(answer);
    },
  });
  return { batches, batcher };
}

describe('ModerationBatcher', () => {
  it('moderates the comments asked for in one turn together, and answers each its own result', async () => {
    const { batches, batcher } = recordingBatcher(10);
    const results = await Promise.all(['a', 'b', 'c'].map((id) => batcher.moderate(id)));
    expect(batches).toEqual([['a', 'b', 'c']]);
    expect(results.map((r) => r.outcome === 'decided' && r.decision.findings[0].reason)).toEqual(['a', 'b', 'c']);
  });

  it('cuts batches at maxBatch, and what arrives during a batch goes in the next one', async () => {
    const { batches, batcher } = recordingBatcher(2);
    const first = ['a', 'b', 'c'].map((id) => batcher.moderate(id));
    // Asked for while the first batch is being moderated.
    await Promise.resolve();
    const later = new Promise<ModerationOutcome>((resolve) => setImmediate(() => resolve(batcher.moderate('d'))));
    await Promise.all([...first, later]);
    expect(batches).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
  });

  it('starts another batch beside a running one only once a full batch is waiting', async () => {
    const log: string[] = [];
    let release: () => void = () => undefined;
    const batcher = new ModerationBatcher({
      maxBatch: 2,
      maxParallel: 2,
      moderateMany: async (ids) => {
        log.push(`start ${ids.join(',')}`);
        if (ids[0] === 'a') await new Promise<void>((resolve) => (release = resolve));
        log.push(`end ${ids.join(',')}`);
        return ids.map(decided);
      },
    });
    const first = ['a', 'b', 'c'].map((id) => batcher.moderate(id));
    await new Promise((resolve) => setImmediate(resolve));
    // c waits alone: half a batch does not start beside a running one.
    expect(log).toEqual(['start a,b']);
    const fourth = batcher.moderate('d');
    await new Promise((resolve) => setImmediate(resolve));
    expect(log).toEqual(['start a,b', 'start c,d', 'end c,d']);
    release();
    await Promise.all([...first, fourth]);
    expect(log).toEqual(['start a,b', 'start c,d', 'end c,d', 'end a,b']);
  });

  it('fails only the comment whose result is an error; a failed batch fails each of its comments', async () => {
    const { batcher } = recordingBatcher(10, (id) => (id === 'bad' ? new Error('refused') : decided(id)));
    const settled = await Promise.allSettled(['a', 'bad', 'c'].map((id) => batcher.moderate(id)));
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((settled[1] as PromiseRejectedResult).reason.message).toBe('refused');

    let calls = 0;
    const flaky = new ModerationBatcher({
      maxBatch: 10,
      maxParallel: 1,
      moderateMany: async (ids) => {
        calls += 1;
        if (calls === 1) throw new Error('database down');
        return ids.map(decided);
      },
    });
    const all = await Promise.allSettled(['x', 'y'].map((id) => flaky.moderate(id)));
    expect(all.map((s) => s.status === 'rejected' && s.reason.message)).toEqual(['database down', 'database down']);
    // The next batch runs as usual.
    await expect(flaky.moderate('z')).resolves.toMatchObject({ outcome: 'decided' });
  });
});
