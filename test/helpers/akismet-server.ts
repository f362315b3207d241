import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AkismetRequest {
  method: string;
  fields: Record<string, string>;
}

/**
 * A local server speaking Akismet's REST protocol (form-encoded POSTs to
 * /1.1/comment-check, /1.1/submit-spam, /1.1/submit-ham), following its documented
 * test values: author `akismet-guaranteed-spam` is spam. `failing` makes every call
 * answer 500, as an outage would.
 */
export async function startAkismetServer(options: { apiKey: string }) {
  const requests: AkismetRequest[] = [];
  const state = { failing: false };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const method = (req.url ?? '').replace(/^\/1\.1\//, '');
      const fields = Object.fromEntries(new URLSearchParams(body));
      requests.push({ method, fields });
      if (state.failing) {
        res.writeHead(500).end('oops');
      } else if (req.method !== 'POST' || req.headers['content-type'] !== 'application/x-www-form-urlencoded') {
        res.writeHead(400).end('invalid');
      } else if (fields.api_key !== options.apiKey) {
        res.writeHead(200, { 'X-akismet-debug-help': 'Invalid API key.' }).end('invalid');
      } else if (method === 'comment-check') {
        if (!fields.blog || !fields.user_ip)
          res.writeHead(200, { 'X-akismet-debug-help': 'Empty "blog" or "user_ip"' }).end('invalid');
        else if (fields.comment_author === 'akismet-guaranteed-spam')
          res.writeHead(200, { 'X-akismet-pro-tip': 'discard' }).end('true');
        else res.writeHead(200).end('false');
      } else if (method === 'submit-spam' || method === 'submit-ham') {
        res.writeHead(200).end('Thanks for making the web a better place.');
      } else {
        res.writeHead(404).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    state,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // keep-alive sockets of fetch() would hold close() open
      }),
  };
}
