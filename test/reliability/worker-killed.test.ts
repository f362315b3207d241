import { DIALECTS, waitFor } from '../helpers/services';
import { offer, reportNothingLost, type Stack, startStack, verifyDecidedOnce } from './stack';

const OFFERED = 2000;

describe.each(DIALECTS)('a worker killed with SIGKILL in the middle of a batch, on %s', (dialect) => {
  let stack: Stack;
  afterEach(() => stack?.close());

  it(`decides each of ${OFFERED} accepted comments exactly once and delivers every event`, async () => {
    stack = await startStack({ dialect });
    await stack.startApi();
    await stack.addEndpoint();
    const first = await stack.startWorker();

    const results = await offer(OFFERED, 16, (i) => stack.submit(i));
    const accepted = results.filter((r) => r.status === 202).map((r) => r.id!);
    expect(accepted).toHaveLength(OFFERED);

    // Kill it mid-batch: some comments decided, the rest queued or in its hands.
    await waitFor(async () => ((await stack.pending(accepted)) <= OFFERED - 400 ? true : undefined), {
      what: 'the first 400 decisions',
      timeoutMs: 120_000,
    });
    first.signal('SIGKILL');
    await first.exited;
    const pendingAtKill = await stack.pending(accepted);
    await new Promise((r) => setTimeout(r, 2000));
    await stack.startWorker();

    const end = await verifyDecidedOnce(stack, accepted, { timeoutMs: 150_000 });
    reportNothingLost(
      `worker SIGKILL (${dialect})`,
      {
        offered: OFFERED,
        accepted: accepted.length,
        pendingAtKill,
      },
      end,
    );
    expect(pendingAtKill).toBeGreaterThan(0);
  });
});
