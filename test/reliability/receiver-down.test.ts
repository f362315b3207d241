import { waitFor } from '../helpers/services';
import { startWebhookReceiver } from '../helpers/webhook-receiver';
import { offer, reportNothingLost, type Stack, startStack, verifyDecidedOnce } from './stack';

const OFFERED = 200;

describe('a webhook receiver down for a while, then back', () => {
  let stack: Stack;
  afterEach(() => stack?.close());

  it('gets every event once it is back', async () => {
    stack = await startStack({ dialect: 'sqlite' });
    await stack.startApi();
    // First answers with errors, then is not there at all (connections refused), then is back.
    stack.receiver.state.answer = () => 503;
    await stack.addEndpoint();
    await stack.startWorker();

    const first = await offer(OFFERED / 2, 8, (i) => stack.submit(i));
    await waitFor(async () => (stack.receiver.received.length >= 50 ? true : undefined), {
      what: 'refused deliveries',
    });
    const port = Number(new URL(stack.receiver.url).port);
    await stack.receiver.close();
    const second = await offer(OFFERED / 2, 8, (i) => stack.submit(OFFERED / 2 + i));
    await new Promise((r) => setTimeout(r, 5000));
    // Back on the same address; what it gets from now on is what counts.
    stack.receiver = await startWebhookReceiver({ port });
    const accepted = [...first, ...second].filter((r) => r.status === 202).map((r) => r.id!);
    expect(accepted).toHaveLength(OFFERED);

    const end = await verifyDecidedOnce(stack, accepted, { timeoutMs: 120_000 });
    reportNothingLost(
      'webhook receiver down',
      {
        offered: OFFERED,
        accepted: accepted.length,
      },
      end,
    );
  });
});
