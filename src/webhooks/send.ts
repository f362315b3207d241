import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { TargetPolicy } from './target-policy';

export interface SendResult {
  statusCode: number | null;
  latencyMs: number;
  /** The first 1 KB of the answer. */
  responseBody: string | null;
  error: string | null;
}

const KEEP_BYTES = 1024;
/** Read no more than this of an answer: a receiver cannot make a worker buffer megabytes. */
const READ_LIMIT = 64 * 1024;

/**
 * POSTs a webhook: no redirects followed, a hard timeout, the answer read up to a cap.
 * The connection goes to the address the target policy resolved and checked, so a DNS
 * answer that changes between check and connect cannot reach a private address.
 */
export async function sendWebhook(options: {
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
  targetPolicy: TargetPolicy;
}): Promise<SendResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let target: URL;
  let resolved: { address: string; family: number };
  try {
    target = options.targetPolicy.checkUrl(options.url);
    resolved = await options.targetPolicy.resolve(target);
  } catch (err) {
    return { statusCode: null, latencyMs: elapsed(), responseBody: null, error: (err as Error).message };
  }
  const pinned: LookupFunction = (_host, lookupOptions, callback) => {
    if ((lookupOptions as { all?: boolean }).all)
      (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [resolved]);
    else callback(null, resolved.address, resolved.family);
  };
  const transport = target.protocol === 'https:' ? https : http;
  return new Promise<SendResult>((resolve) => {
    const req = transport.request(
      target,
      {
        method: 'POST',
        lookup: pinned,
        headers: { 'Content-Type': 'application/json', 'User-Agent': 'Parley-Webhooks/1', ...options.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let read = 0;
        res.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read <= KEEP_BYTES) chunks.push(chunk);
          else if (read - chunk.length < KEEP_BYTES) chunks.push(chunk.subarray(0, KEEP_BYTES - (read - chunk.length)));
          if (read > READ_LIMIT) res.destroy();
        });
        const done = () =>
          resolve({
            statusCode: res.statusCode ?? null,
            latencyMs: elapsed(),
            responseBody: Buffer.concat(chunks).toString('utf8'),
            error: null,
          });
        res.on('end', done);
        res.on('close', done);
      },
    );
    // A hard deadline for the whole exchange: a receiver trickling bytes cannot hold a worker.
    const deadline = setTimeout(
      () => req.destroy(new Error(`no complete answer within ${options.timeoutMs} ms`)),
      options.timeoutMs,
    );
    req.on('close', () => clearTimeout(deadline));
    req.on('error', (err) =>
      resolve({ statusCode: null, latencyMs: elapsed(), responseBody: null, error: err.message }),
    );
    req.end(options.body);
  });
}
