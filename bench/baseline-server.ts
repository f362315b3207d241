/**
 * The floor Parley is compared against, run as a process of its own like `parley api`:
 * bare Express 5 doing only what no comment server can skip.
 * - POST: Parley's JSON parser and its zod schema for the body, then a 202 whose body
 *   has the size and shape of Parley's answer (serialized per request, as Parley does).
 * - GET: the very bytes of Parley's thread page, from memory, with their ETag.
 * Usage: node baseline-server.js <port> <samples.json> (samples: {submitAnswer, threadJson}).
 */
import fs from 'node:fs';
import { createHash } from 'node:crypto';
import express from 'express';
import { submitCommentSchema } from '../src/comments/submit-schema';
import { jsonBody } from '../src/http/json-body';

const [port, samplesFile] = process.argv.slice(2);
const samples = JSON.parse(fs.readFileSync(samplesFile, 'utf8')) as {
  submitAnswer: unknown;
  threadJson: string;
  maxCommentLength: number;
  bodyLimit: number;
};
const schema = submitCommentSchema({ maxLength: samples.maxCommentLength });
// Bytes, encoded once, as Parley's thread cache keeps them: the ceiling of the stack, not a string to encode per request.
const threadBody = Buffer.from(samples.threadJson);
const threadEtag = `"${createHash('sha1').update(threadBody).digest('base64url')}"`;

const app = express();
app.disable('x-powered-by');
app.post('/v1/sites/:siteKey/comments', jsonBody({ limit: samples.bodyLimit }), (req, res) => {
  const parsed = schema.safeParse(req.body);
  if (!parsed.success) {
    res.status(400).json({ error: { code: 'validation_failed', message: parsed.error.message } });
    return;
  }
  res.status(202).json(samples.submitAnswer);
});
app.get('/v1/sites/:siteKey/pages/:pageId/comments', (_req, res) => {
  res.set({ ETag: threadEtag, 'Content-Type': 'application/json; charset=utf-8' });
  res.send(threadBody);
});
app.get('/healthz', (_req, res) => {
  res.json({ status: 'ok' });
});
const server = app.listen(Number(port), '127.0.0.1');
process.once('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
