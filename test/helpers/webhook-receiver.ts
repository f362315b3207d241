import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  headers: Record<string, string>;
  body: string;
  /** The status this receiver answered. */
  answered: number;
}

/** A real HTTP receiver on 127.0.0.1 whose answers a test decides, recording every request. */
export async function startWebhookReceiver() {
  const received: ReceivedWebhook[] = [];
  const state: {
    answer: (request: { headers: Record<string, string>; body: string }) => number;
    /** How long the receiver takes to answer: a slow receiver. */
    delayMs: number;
  } = {
    answer: () => 200,
    delayMs: 0,
  };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const headers = req.headers as Record<string, string>;
      const answered = state.answer({ headers, body });
      setTimeout(() => {
        received.push({ headers, body, answered });
        res.writeHead(answered, { 'Content-Type': 'text/plain' }).end(answered < 300 ? 'ok' : 'not now');
      }, state.delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    received,
    state,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
