import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Request, Response } from 'express';
import { ApiError } from '../errors';
import { html, type Route, route } from './route';

export interface WidgetRoutesOptions {
  /** Where scripts/build-widget.js wrote the bundle (default: dist/widget in the package). */
  assetDir?: string;
}

interface Bundle {
  body: Buffer;
  gzip: Buffer;
  hash: string;
  mtimeMs: number;
}

/**
 * Caching of the widget script, two URLs for two kinds of embedders:
 *
 * - `/embed.js`, the URL of the documented snippet, must pick up a new release without
 *   anyone editing their pages: browsers may use their copy for 5 minutes, then
 *   revalidate it with the ETag (a 304 costs a few hundred bytes).
 * - `/embed.<hash>.js` (hash in dist/widget/embed.json) never changes: a year,
 *   `immutable`. Another hash than the current build's is a 404, never other bytes
 *   under that name.
 */
const SHORT = 'public, max-age=300';
const IMMUTABLE = 'public, max-age=31536000, immutable';

/** The demo page: its own script and styles only, plus the API on this same server. */
function demoPolicy(nonce: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    `style-src 'nonce-${nonce}'`,
    "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The same function as scripts/build-widget.js uses for embed.<hash>.js. */
export function widgetHash(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex').slice(0, 16);
}

/** The package root (the folder with package.json), from src/http or dist/src/http alike. */
function packageRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(from, '..', '..');
  }
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

const SITE_KEY = /^[A-Za-z0-9_-]{1,100}$/;

/**
 * The comment widget: `GET /embed.js`, `GET /embed.<hash>.js` (both gzipped when the
 * browser accepts it; CORS-open, so `<script crossorigin integrity=...>` works) and
 * `GET /demo?site=KEY[&page=ID&lang=fr&theme=dark]`, a sample article with the widget.
 * The bundle is re-read when a rebuild changes it.
 */
export function widgetRoutes(options: WidgetRoutesOptions = {}): Route[] {
  const assetDir = options.assetDir ?? path.join(packageRoot(__dirname), 'dist', 'widget');
  let cached: Bundle | undefined;

  async function load(): Promise<Bundle> {
    const file = path.join(assetDir, 'embed.js');
    let stat;
    try {
      stat = await fs.stat(file);
    } catch {
      throw ApiError.unavailable('widget_not_built');
    }
    if (cached?.mtimeMs === stat.mtimeMs) return cached;
    const body = await fs.readFile(file);
    cached = { body, gzip: gzipSync(body), hash: widgetHash(body), mtimeMs: stat.mtimeMs };
    return cached;
  }

  function sendScript(req: Request, res: Response, bundle: Bundle, cacheControl: string): void {
    const gzip = req.acceptsEncodings('gzip', 'identity') === 'gzip';
    res.vary('Accept-Encoding');
    res.set({
      'Content-Type': 'text/javascript; charset=utf-8',
      'Cache-Control': cacheControl,
      // One strong ETag per representation: the gzipped bytes are other bytes.
      ETag: `"${bundle.hash}${gzip ? '-gz' : ''}"`,
      'X-Content-Type-Options': 'nosniff',
      'Access-Control-Allow-Origin': '*',
      'Cross-Origin-Resource-Policy': 'cross-origin',
    });
    if (gzip) res.set('Content-Encoding', 'gzip');
    // res.send answers 304 when If-None-Match matches the ETag set above.
    res.send(gzip ? bundle.gzip : bundle.body);
  }

  const script = { tag: 'Browser pages', errors: [503] } as const;
  return [
    route({
      ...script,
      method: 'get',
      path: '/embed.js',
      summary: 'The widget script',
      description: 'Cached for 5 minutes, then revalidated with its ETag.',
      responses: { 200: { description: 'The script.', contentType: 'text/javascript' } },
      handler: async ({ req, res }) => sendScript(req, res, await load(), SHORT),
    }),
    route({
      ...script,
      method: 'get',
      path: '/embed.:hash.js',
      summary: 'One build of the widget script, immutable',
      responses: { 200: { description: 'The script, cacheable for a year.', contentType: 'text/javascript' } },
      errors: [404, 503],
      handler: async ({ req, res, params }) => {
        const bundle = await load();
        if (params.hash !== bundle.hash) throw ApiError.notFound('Widget version');
        sendScript(req, res, bundle, IMMUTABLE);
      },
    }),
    route({
      method: 'get',
      path: '/demo',
      tag: 'Browser pages',
      summary: 'A sample article with the widget (`?site=KEY`)',
      responses: { 200: html('The page.') },
      handler: ({ req, res }) => {
        const nonce = randomBytes(16).toString('base64');
        res.set({
          'Content-Type': 'text/html; charset=utf-8',
          'Cache-Control': 'no-store',
          'Content-Security-Policy': demoPolicy(nonce),
          'X-Content-Type-Options': 'nosniff',
          'Referrer-Policy': 'no-referrer',
        });
        res.send(demoPage(req, nonce));
      },
    }),
  ];
}

function param(req: Request, name: string): string | undefined {
  const value = req.query[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function demoPage(req: Request, nonce: string): string {
  const site = param(req, 'site');
  const page = (param(req, 'page') ?? 'demo-article').slice(0, 500);
  const lang = param(req, 'lang');
  const theme = param(req, 'theme');
  const origin = `${req.protocol}://${req.get('host') ?? 'localhost'}`;
  const attrs = [
    `data-site="${escapeHtml(site ?? '')}"`,
    `data-page-id="${escapeHtml(page)}"`,
    lang && /^[a-z]{2}(-[A-Za-z]{2})?$/.test(lang) ? `data-lang="${lang}"` : '',
    theme && /^(auto|light|dark)$/.test(theme) ? `data-theme="${theme}"` : '',
  ].filter(Boolean);
  const snippet = `<div id="parley-comments"></div>\n<script src="${origin}/embed.js" ${attrs.join(' ')} async></script>`;
  const widget =
    site && SITE_KEY.test(site)
      ? `<div id="parley-comments"></div>\n<script src="/embed.js" ${attrs.join(' ')} async></script>`
      : `<p class="note">To see the widget here, create a site that allows this origin and open
      <code>/demo?site=KEY</code>:</p>
      <pre>npx parley sites create --name Demo --origin ${escapeHtml(origin)} --moderation none</pre>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Winter birding on the coast · Parley demo</title>
<style nonce="${nonce}">
  body { margin: 0; font: 18px/1.6 Georgia, "Times New Roman", serif; color: #222; background: #fbfaf7; }
  main { max-width: 42rem; margin: 0 auto; padding: 2rem 1rem 4rem; }
  h1 { font-size: 2.2rem; line-height: 1.2; margin: 0 0 .25rem; }
  .byline { color: #666; font-style: italic; margin: 0 0 2rem; }
  pre { background: #f0ede6; padding: .75rem; overflow-x: auto; font-size: .8rem; }
  .note { color: #555; }
  footer { margin-top: 3rem; border-top: 1px solid #ddd; padding-top: 1rem; }
  @media (prefers-color-scheme: dark) { body { color: #ddd; background: #111; } pre { background: #222; } .byline, .note { color: #aaa; } }
</style>
</head>
<body>
<main>
  <article>
    <h1>Winter birding on the coast</h1>
    <p class="byline">A sample article for trying the Parley comment widget.</p>
    <p>The best winter mornings on the coast start before sunrise, when the tide is
    turning and the mudflats are still wet enough to hold the light. Brent geese come
    in low over the water in long, untidy lines, and the waders work the tideline in
    small, nervous flocks.</p>
    <p>Bring a flask, dress for twice the cold you expect, and give the birds room: a
    flock put up by a careless walker spends energy it cannot spare in January.</p>
    <h2>Where to stand</h2>
    <p>The sea wall gives height without cover; the hide at the end of the spit gives
    cover without much of a view. On a rising tide, the wall wins.</p>
  </article>
  <section aria-label="Comments">
    ${widget}
  </section>
  <footer>
    <p>Embed it on a page of yours:</p>
    <pre>${escapeHtml(snippet)}</pre>
  </footer>
</main>
</body>
</html>
`;
}
