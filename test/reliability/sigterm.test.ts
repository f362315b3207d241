import { waitFor } from '../helpers/services';
import { offer, reportNothingLost, type Stack, startStack, verifyDecidedOnce } from './stack';

const OFFERED = 600;

describe('SIGTERM during load', () => {
  let stack: Stack;
  afterEach(() => stack?.close());

  it('completes the requests in flight, returns or finishes active jobs, and loses nothing', async () => {
    stack = await startStack({ dialect: 'postgres' });
    const api = await stack.startApi();
    await stack.addEndpoint();

    // The API is told to stop while submissions pour in: each one either gets its answer (a
    // 202 that is stored) or finds the port closed, never a cut-off answer.
    let apiExit: Promise<number | null> | undefined;
    const results = await offer(OFFERED, 16, async (i) => {
      if (i === 300) {
        api.signal('SIGTERM');
        apiExit = api.exited;
      }
      return stack.submit(i);
    });
    expect(await apiExit).toBe(0);
    const accepted = results.filter((r) => r.status === 202).map((r) => r.id!);
    const unanswered = results.filter((r) => r.status === 0).length;
    expect(results.filter((r) => r.status !== 202 && r.status !== 0)).toEqual([]);
    expect(accepted.length).toBeGreaterThanOrEqual(300);
    expect(await stack.storedCount()).toBe(accepted.length);

    // A backlog for the worker, through a new API process.
    await stack.startApi();
    const more = await offer(1000, 16, (i) => stack.submit(OFFERED + i));
    expect(more.every((r) => r.status === 202)).toBe(true);
    accepted.push(...more.map((r) => r.id!));

    // The worker is told to stop while it has jobs in hand; a new one finishes the rest.
    const worker = await stack.startWorker();
    await waitFor(async () => ((await stack.pending(accepted)) < accepted.length ? true : undefined), {
      what: 'the worker to start deciding',
    });
    worker.signal('SIGTERM');
    expect(await worker.exited).toBe(0);
    const pendingAtStop = await stack.pending(accepted);
    expect(pendingAtStop).toBeGreaterThan(0);
    await stack.startWorker();

    const end = await verifyDecidedOnce(stack, accepted, { timeoutMs: 120_000 });
    reportNothingLost(
      'SIGTERM during load',
      {
        offered: OFFERED + 1000,
        accepted: accepted.length,
        refusedAfterStop: unanswered,
        pendingAtWorkerStop: pendingAtStop,
      },
      end,
    );
  });
});
