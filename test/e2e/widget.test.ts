import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import express, { type Express } from 'express';
import type { Browser, BrowserContext, Locator, Page, Response } from 'playwright-core';
import request from 'supertest';
import type { Site } from '../../src/sites/site-repository';
import { startTestParley, type TestParley } from '../helpers/parley';
import { waitFor } from '../helpers/services';
import { blockOtherHosts, launchChromium } from './browser';
import { allowlistViolationsIn, FLAG_PAYLOADS, firedIn, pageProblems, XSS_TRAP, xssSample } from './widget-harness';

const ROOT = path.join(__dirname, '..', '..');
const HOST = '127.0.0.1';
const BUDGET = 12 * 1024;
const ADMIN_TOKEN = 'widget-test-admin-token-0123456789';
/**
 * The time trap files a comment sent sooner than this after its form loaded as a bot's
 * (site policy minSubmitSeconds, default 3), so the browser tests wait like a person.
 */
const FORM_MIN_MS = 3500;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Waits until a form shown at `shownAt` is old enough to send. */
const formAged = (shownAt: number) => sleep(Math.max(0, shownAt + FORM_MIN_MS - Date.now()));
/** PARLEY_SCREENSHOTS=1 refreshes docs/widget.png (a comment awaiting moderation) and docs/widget-dark.png (a thread). */
const SCREENSHOTS = process.env.PARLEY_SCREENSHOTS === '1';

jest.setTimeout(60_000);

// The tests' tsconfig has no DOM types: code run in the page names none (or is a string).
/** Whether the element has the focus (inside the widget's shadow root). */
const hasFocus = (locator: Locator) =>
  locator.evaluate((el) => el === (el.getRootNode() as unknown as { activeElement: unknown }).activeElement);

describe('comment widget in a real browser', () => {
  let parley: TestParley;
  let app: Express;
  let server: Server;
  let origin: string;
  let site: Site;
  let browser: Browser;
  let buildOutput: string;
  const contexts: BrowserContext[] = [];

  async function newPage(
    options: { bypassCSP?: boolean } = {},
  ): Promise<{ page: Page; offHost: string[]; problems: string[] }> {
    const context = await browser.newContext({
      viewport: { width: 900, height: 1000 },
      reducedMotion: 'reduce',
      ...options,
    });
    contexts.push(context);
    const offHost = await blockOtherHosts(context, HOST);
    await context.addInitScript(XSS_TRAP);
    const problems = pageProblems(context);
    const page = await context.newPage();
    return { page, offHost, problems };
  }

  let ipCount = 0;
  /**
   * Posts like a server would (no Origin, an address of its own so flood limits stay out
   * of the way), waits for the worker's decision, and approves through the moderation API
   * whatever a check held or filed: these tests are about showing published comments.
   */
  async function publish(body: Record<string, unknown>): Promise<{ id: string; decided: string }> {
    ipCount++;
    const res = await fetch(`${origin}/v1/sites/${site.key}/comments`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-Forwarded-For': `198.51.${100 + Math.floor(ipCount / 250)}.${ipCount % 250}`,
      },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(202);
    const { comment } = (await res.json()) as { comment: { id: string } };
    const decided = await waitFor(async () => {
      const row = await parley.runtime.commentRepository.find(comment.id);
      return row && row.status !== 'pending' ? row.status : undefined;
    });
    if (decided !== 'approved') {
      const approve = await fetch(`${origin}/v1/moderation/comments/${comment.id}/actions`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${ADMIN_TOKEN}` },
        body: JSON.stringify({ action: 'approve' }),
      });
      expect(approve.status).toBe(200);
    }
    return { id: comment.id, decided };
  }

  const demo = (page: string, extra = '') => `${origin}/demo?site=${site.key}&page=${page}${extra}`;
  const shadowHtml = (page: Page) =>
    page.evaluate(
      'document.documentElement.outerHTML + document.querySelector("#parley-comments").shadowRoot.innerHTML',
    ) as Promise<string>;

  beforeAll(async () => {
    buildOutput = execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build-widget.js')], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    // Readers' addresses come through X-Forwarded-For from the (loopback) test client.
    parley = await startTestParley({
      dialect: 'sqlite',
      env: { PARLEY_TRUST_PROXY: 'loopback', PARLEY_ADMIN_TOKEN: ADMIN_TOKEN },
    });
    app = parley.app;
    server = await new Promise<Server>((resolve, reject) => {
      const s = app.listen(0, HOST, () => resolve(s));
      s.once('error', reject);
    });
    origin = `http://${HOST}:${(server.address() as AddressInfo).port}`;
    // The browser's requests come from the demo page, so the site allows this server's own origin.
    site = await parley.createSite({ origins: [origin], moderation: 'none', linkLimit: 50 });
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
    await parley?.close();
  });

  test('the build prints the gzipped size and keeps the bundle within 12 KB gzipped', () => {
    const js = fs.readFileSync(path.join(ROOT, 'dist', 'widget', 'embed.js'));
    const gzipped = gzipSync(js).length;
    console.info(`embed.js: ${js.length} bytes, ${gzipped} bytes gzipped (budget ${BUDGET})`);
    expect(buildOutput).toMatch(new RegExp(`${gzipped} of ${BUDGET} bytes budget`));
    expect(gzipped).toBeLessThanOrEqual(BUDGET);
    // Over the budget, the build fails.
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-widget-'));
    const over = spawnSync(
      process.execPath,
      [path.join(ROOT, 'scripts', 'build-widget.js'), '--out', out, '--budget', '1000'],
      { encoding: 'utf8' },
    );
    fs.rmSync(out, { recursive: true, force: true });
    expect(over.status).not.toBe(0);
    expect(over.stderr).toMatch(/over the budget of 1000 bytes/);
  });

  test('/embed.js revalidates with its ETag; /embed.<hash>.js is immutable', async () => {
    const { hash } = JSON.parse(fs.readFileSync(path.join(ROOT, 'dist', 'widget', 'embed.json'), 'utf8')) as {
      hash: string;
    };
    const built = fs.readFileSync(path.join(ROOT, 'dist', 'widget', 'embed.js'));
    const plain = await request(app).get('/embed.js').set('Accept-Encoding', 'identity').buffer(true);
    expect(plain.status).toBe(200);
    expect(plain.headers['cache-control']).toBe('public, max-age=300');
    expect(plain.headers['content-type']).toMatch(/^text\/javascript/);
    expect(plain.headers.etag).toBe(`"${hash}"`);
    expect(Buffer.from(plain.text).equals(built)).toBe(true);
    const again = await request(app)
      .get('/embed.js')
      .set('Accept-Encoding', 'identity')
      .set('If-None-Match', plain.headers.etag);
    expect(again.status).toBe(304);

    // Sent gzipped to browsers that accept it: the size the budget is about.
    const gzipped = await request(app).get('/embed.js').set('Accept-Encoding', 'gzip, deflate, br');
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gzipped.headers.etag).toBe(`"${hash}-gz"`);
    expect(Number(gzipped.headers['content-length'])).toBeLessThanOrEqual(BUDGET);
    expect(gzipped.headers.vary).toMatch(/Accept-Encoding/);

    const hashed = await request(app).get(`/embed.${hash}.js`);
    expect(hashed.status).toBe(200);
    expect(hashed.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect((await request(app).get('/embed.0123456789abcdef.js')).status).toBe(404);

    // /demo: a strict CSP; without a usable site key, how to get one; query values escaped.
    const help = await request(app).get('/demo');
    expect(help.headers['content-security-policy']).toMatch(/script-src 'self'/);
    expect(help.text).toContain('npx parley sites create --name Demo --origin http://127.0.0.1');
    expect(help.text).not.toContain('<script src="/embed.js"');
    const hostile = await request(app).get('/demo').query({ site: site.key, page: '"><script>alert(1)</script>' });
    expect(hostile.text).toContain('data-page-id="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(hostile.text).not.toContain('<script>alert(1)');
  });

  test('posts a comment, sees it pending then published, replies; the email shows nowhere', async () => {
    const annEmail = 'ann.reader.7f3a@example.org';
    const boEmail = 'bo.replies.91c2@example.net';
    const { page, offHost, problems } = await newPage();
    const bodies: Promise<string>[] = [];
    const collect = (response: Response) =>
      bodies.push(
        response.body().then(
          (b) => b.toString('utf8'),
          () => '',
        ),
      );
    page.on('response', collect);

    await page.goto(demo('flow'));
    await page.getByRole('heading', { name: 'No comments yet' }).waitFor();
    const shownAt = Date.now();
    // Hold the worker, so "awaiting moderation" can be seen for as long as needed.
    await parley.worker!.worker.pause();
    const main = page.locator('form').first();
    await main.getByLabel('Name', { exact: true }).fill('Ann Reader');
    await main.getByLabel('Email', { exact: true }).fill(annEmail);
    await main.getByLabel('Comment', { exact: true }).fill('Saw *three* snow buntings on the wall this morning.');
    await expect(main.locator('.cnt').textContent()).resolves.toBe('51 / 5000 characters');
    await formAged(shownAt);
    await main.getByRole('button', { name: 'Post comment' }).click();

    const mine = page.locator('li.c', { hasText: 'three snow buntings' });
    await mine.getByText('Awaiting moderation').waitFor();
    await page.getByRole('status').getByText('Thanks! Your comment is awaiting moderation.').waitFor();
    await expect(main.getByLabel('Comment', { exact: true }).inputValue()).resolves.toBe('');
    await expect(mine.locator('em').textContent()).resolves.toBe('three');
    if (SCREENSHOTS) await page.locator('#parley-comments').screenshot({ path: path.join(ROOT, 'docs', 'widget.png') });
    // Only its author sees it: another reader's browser shows nothing yet...
    const { page: other } = await newPage();
    other.on('response', collect);
    await other.goto(demo('flow'));
    await other.getByRole('heading', { name: 'No comments yet' }).waitFor();
    expect(await other.locator('li.c').count()).toBe(0);
    // ...and the author still sees it after a reload (kept in localStorage with its authorToken, not the email).
    await page.reload();
    await mine.getByText('Awaiting moderation').waitFor();
    const stored = (await page.evaluate('JSON.stringify(localStorage)')) as string;
    expect(stored).toContain('three');
    expect(stored).not.toContain(annEmail);

    parley.worker!.worker.resume();
    await page.getByRole('status').getByText('Your comment has been published.').waitFor({ timeout: 15_000 });
    await page.getByRole('heading', { name: '1 comment' }).waitFor();
    expect(await mine.getByText('Awaiting moderation').count()).toBe(0);
    // The published comment's author token stays, as this browser's proof of authorship on the site.
    const proofs = (await page.evaluate(
      'Object.keys(localStorage).filter((k) => k.startsWith("parley:proof:"))',
    )) as string[];
    expect(proofs).toHaveLength(1);
    const posted: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && /\/comments$/.test(r.url())) posted.push(r.postData() ?? '');
    });
    await other.reload();
    await other.locator('li.c', { hasText: 'three snow buntings' }).waitFor();

    expect(await page.getByText('The comments could not be loaded.').isVisible()).toBe(false);

    // A reply, from a reader who ticks "remember me"; by keyboard: Enter opens, Escape closes.
    const replyButton = page.getByRole('button', { name: 'Reply to Ann Reader' });
    await replyButton.focus();
    await page.keyboard.press('Enter');
    const reply = page.locator('form.rf');
    await reply.waitFor();
    const replyShownAt = Date.now();
    await expect(replyButton.getAttribute('aria-expanded')).resolves.toBe('true');
    await page.keyboard.press('Escape');
    await reply.waitFor({ state: 'detached' });
    await expect(hasFocus(replyButton)).resolves.toBe(true);
    await page.keyboard.press('Enter');
    // Focus moves into the reply form, to the first field left to fill.
    await expect(hasFocus(reply.getByLabel('Name', { exact: true }))).resolves.toBe(true);
    await reply.getByLabel('Name', { exact: true }).fill('Bo');
    await reply.getByLabel('Email', { exact: true }).fill(boEmail);
    await reply.getByLabel('Website (optional)').fill('https://bo.example/birds');
    await reply.getByLabel('Comment', { exact: true }).fill('Lucky! I only got a distant flock.');
    await reply.getByLabel(/Remember my name/).check();
    await formAged(replyShownAt);
    await reply.getByRole('button', { name: 'Post reply' }).click();
    const nested = mine.locator('ul.rep > li.c', { hasText: 'distant flock' });
    await nested.waitFor();
    expect(JSON.parse(posted[posted.length - 1]).authorProof).toEqual(expect.stringMatching(/^[\w-]{20,}$/));
    await page.getByRole('heading', { name: '2 comments' }).waitFor({ timeout: 15_000 });
    await expect(nested.getByRole('link', { name: 'Bo' }).getAttribute('rel')).resolves.toBe('nofollow ugc noopener');
    expect(await page.locator('form.rf').count()).toBe(0);
    const identity = JSON.parse((await page.evaluate('localStorage.getItem("parley:identity")')) as string);
    expect(identity).toEqual({ name: 'Bo', email: boEmail, website: 'https://bo.example/birds' });

    await page.reload();
    await page.getByRole('heading', { name: '2 comments' }).waitFor();
    await expect(page.locator('form').first().getByLabel('Name', { exact: true }).inputValue()).resolves.toBe('Bo');
    await other.reload();
    await other.getByRole('heading', { name: '2 comments' }).waitFor();

    for (const p of [page, other]) {
      const html = await shadowHtml(p);
      const text = (await p.evaluate(
        'document.body.innerText + document.querySelector("#parley-comments").shadowRoot.textContent',
      )) as string;
      for (const email of [annEmail, boEmail]) {
        expect(html).not.toContain(email);
        expect(text).not.toContain(email);
      }
    }
    const responses = await Promise.all(bodies);
    expect(responses.length).toBeGreaterThan(10);
    for (const body of responses) {
      expect(body).not.toContain(annEmail);
      expect(body).not.toContain(boEmail);
    }
    expect(await firedIn(page)).toEqual([]);
    expect(problems).toEqual([]);
    expect(offHost).toEqual([]);

    // Usable at 320 px: nothing sticks out sideways.
    await page.setViewportSize({ width: 320, height: 800 });
    await expect(page.evaluate('document.documentElement.scrollWidth')).resolves.toBeLessThanOrEqual(320);
    await expect(page.locator('section.r').evaluate((el) => el.scrollWidth <= el.clientWidth)).resolves.toBe(true);
    await page.setViewportSize({ width: 900, height: 1000 });

    if (SCREENSHOTS) {
      await page.emulateMedia({ colorScheme: 'dark' });
      await page.locator('#parley-comments').screenshot({ path: path.join(ROOT, 'docs', 'widget-dark.png') });
    }
  });

  test('API errors show next to the form in plain words and the typed text stays', async () => {
    const { page } = await newPage();
    // The thread cannot be loaded: say so, offer to try again.
    await page.route('**/pages/errors/comments*', (route) => route.abort('connectionrefused'));
    await page.goto(demo('errors'));
    await page.getByText('The comments could not be loaded.').waitFor();
    await page.unroute('**/pages/errors/comments*');
    await page.getByRole('button', { name: 'Try again' }).click();
    await page.getByText('The comments could not be loaded.').waitFor({ state: 'hidden' });
    await page.getByRole('heading', { name: 'No comments yet' }).waitFor();
    const form = page.locator('form').first();
    const text = 'A long thought I would hate to type twice.';
    await form.getByLabel('Name', { exact: true }).fill('Cy');
    await form.getByLabel('Email', { exact: true }).fill('not-an-email');
    await form.getByLabel('Website (optional)').fill('ftp://cy.example');
    await form.getByLabel('Comment', { exact: true }).fill(text);
    const post = form.getByRole('button', { name: 'Post comment' });

    // A real 400 from the API: each field's message under that field.
    await post.click();
    await form.getByText('Enter a valid email address, like ann@example.com.').waitFor();
    await form.getByText('Enter a full web address starting with http:// or https://, or leave it empty.').waitFor();
    await expect(form.getByRole('alert').textContent()).resolves.toBe(
      'Some fields need a change; see the messages below them.',
    );
    const email = form.getByLabel('Email', { exact: true });
    await expect(email.getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(form.getByLabel('Name', { exact: true }).getAttribute('aria-invalid')).resolves.toBe('false');
    await expect(hasFocus(email)).resolves.toBe(true);
    await expect(form.getByLabel('Comment', { exact: true }).inputValue()).resolves.toBe(text);

    // A 429 with Retry-After (the API may add rate limits): the wait, in words.
    await page.route('**/comments', (route) =>
      route.request().method() === 'POST'
        ? route.fulfill({
            status: 429,
            headers: { 'Retry-After': '7', 'Content-Type': 'application/json' },
            body: JSON.stringify({ error: { code: 'rate_limited', message: 'Too many requests.' } }),
          })
        : route.continue(),
    );
    await email.fill('cy@example.com');
    await form.getByLabel('Website (optional)').fill('');
    await post.click();
    await form
      .getByRole('alert')
      .getByText('You are posting too quickly. Please wait 7 seconds and send again.')
      .waitFor();
    await expect(post.isDisabled()).resolves.toBe(true);
    await expect(email.getAttribute('aria-invalid')).resolves.toBe('false');
    await expect(form.getByLabel('Comment', { exact: true }).inputValue()).resolves.toBe(text);
    await page.unroute('**/comments');

    // The server cannot be reached.
    await page.route('**/comments', (route) =>
      route.request().method() === 'POST' ? route.abort('connectionrefused') : route.continue(),
    );
    await page.evaluate(
      'document.querySelector("#parley-comments").shadowRoot.querySelector("form .bt").disabled = false',
    );
    await post.click();
    await form
      .getByRole('alert')
      .getByText(/could not be reached/)
      .waitFor();
    await expect(form.getByLabel('Comment', { exact: true }).inputValue()).resolves.toBe(text);
    await page.unroute('**/comments');

    // A real 403: a site that does not list this page's origin.
    const elsewhere = await parley.createSite({ origins: ['https://blog.example'], moderation: 'none' });
    await page.goto(`${origin}/demo?site=${elsewhere.key}&page=errors`);
    const other = page.locator('form').first();
    await other.getByLabel('Name', { exact: true }).fill('Cy');
    await other.getByLabel('Email', { exact: true }).fill('cy@example.com');
    await other.getByLabel('Comment', { exact: true }).fill(text);
    await other.getByRole('button', { name: 'Post comment' }).click();
    await other
      .getByRole('alert')
      .getByText(`This page (${origin}) is not allowed to post comments here.`, { exact: false })
      .waitFor();
    await expect(other.getByLabel('Comment', { exact: true }).inputValue()).resolves.toBe(text);
  });

  test('XSS payloads from the shared lists, published and rendered, run no script', async () => {
    const sample = [...xssSample(3), ...FLAG_PAYLOADS];
    expect(sample.length).toBeGreaterThanOrEqual(40);
    await Promise.all(
      sample.map((text, i) =>
        publish({
          pageId: 'xss',
          // Names refuse control and text-direction characters (a 400), so those become spaces.
          name:
            i % 2
              ? text
                  .replace(/[\p{Cc}\u200E\u200F\u202A-\u202E\u2066-\u2069\u061C]/gu, ' ')
                  .slice(0, 80)
                  .trim() || 'x'
              : `Tester ${i}`,
          email: `xss${i}@example.test`,
          text,
        }),
      ),
    );
    const approved = sample.length;

    const { page, offHost, problems } = await newPage({ bypassCSP: true }); // the sanitizers alone, not the demo's CSP
    await page.goto(demo('xss', '&theme=dark'));
    await page.getByRole('heading', { name: `${approved} comments` }).waitFor();
    const more = page.getByRole('button', { name: 'Load more comments' });
    while ((await page.locator('li.c').count()) < approved) {
      const shown = await page.locator('li.c').count();
      await more.click();
      await page.waitForFunction(
        `document.querySelector('#parley-comments').shadowRoot.querySelectorAll('li.c').length > ${shown}`,
      );
    }
    await expect(page.locator('li.c').count()).resolves.toBe(approved);
    await expect(more.isHidden()).resolves.toBe(true);
    // Give delayed handlers (load, error, focus, animation) a chance, and move over everything.
    await page.mouse.move(10, 10);
    for (let y = 0; y < 1000; y += 50) await page.mouse.move(450, y);
    await page.keyboard.press('Tab');
    await page.waitForTimeout(500);
    expect(await firedIn(page)).toEqual([]);
    expect(problems).toEqual([]);
    expect(offHost).toEqual([]);
    expect(await allowlistViolationsIn(page, '#parley-comments')).toEqual([]);
  });

  test('the widget alone holds when the server sends raw payloads as comment HTML', async () => {
    const sample = [...xssSample(3), ...FLAG_PAYLOADS];
    const { page, offHost, problems } = await newPage({ bypassCSP: true });
    await page.route('**/pages/raw/comments*', (route) =>
      route.fulfill({
        contentType: 'application/json',
        body: JSON.stringify({
          comments: sample.map((html, i) => ({
            id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
            parentId: i % 3 === 2 ? `00000000-0000-4000-8000-${String(i - 1).padStart(12, '0')}` : null,
            pageId: 'raw',
            name: html.slice(0, 80),
            website:
              i % 2
                ? 'javascript:window.__parleyXss="website"'
                : `https://example.com/"><img src=x onerror=window.__parleyXss=1>`,
            avatar: '"><svg onload=window.__parleyXss=1>',
            html,
            createdAt: new Date().toISOString(),
          })),
          total: sample.length,
          nextCursor: null,
        }),
      }),
    );
    await page.goto(demo('raw'));
    await page.getByRole('heading', { name: `${sample.length} comments` }).waitFor();
    await page.waitForTimeout(500);
    expect(await firedIn(page)).toEqual([]);
    expect(problems).toEqual([]);
    expect(offHost).toEqual([]);
    expect(await allowlistViolationsIn(page, '#parley-comments')).toEqual([]);
    // A javascript: website is shown as plain text, not as a link.
    expect(await page.locator('a.nm[href^="javascript"]').count()).toBe(0);
  });

  test('host-page CSS does not change the widget; custom properties theme it', async () => {
    const parent = await publish({
      pageId: 'css',
      name: 'Dee',
      email: 'dee@example.test',
      website: 'https://dee.example',
      text: 'Styled *text* with `code`.',
    });
    await publish({
      pageId: 'css',
      parentId: parent.id,
      name: 'Eli',
      email: 'eli@example.test',
      text: '> quoted\n\nA reply.',
    });
    const { page } = await newPage({ bypassCSP: true }); // the test adds a <style> the demo's CSP would refuse
    await page.goto(demo('css'));
    await page.getByRole('heading', { name: '2 comments' }).waitFor();
    const styles = () =>
      page.evaluate(`(() => {
        const root = document.querySelector('#parley-comments').shadowRoot;
        const props = ['color', 'background-color', 'font-family', 'font-size', 'font-weight', 'font-style', 'line-height',
          'letter-spacing', 'text-transform', 'text-align', 'text-decoration-line', 'border-top-width', 'border-top-style',
          'padding-top', 'margin-top', 'display', 'visibility', 'direction', 'color-scheme'];
        const out = {};
        for (const sel of ['.r', '.hd', '.nm', 'time', '.tx p', '.tx em', '.tx code', '.tx blockquote', 'textarea', 'input[type=email]', '.bt', '.lk', '.lb', '.nt', '.ls', 'li.c']) {
          const el = root.querySelector(sel);
          if (!el) { out[sel] = 'missing'; continue; }
          const cs = getComputedStyle(el);
          out[sel] = Object.fromEntries(props.map((p) => [p, cs.getPropertyValue(p)]));
        }
        return out;
      })()`) as Promise<Record<string, unknown>>;
    const before = await styles();
    expect(Object.values(before)).not.toContain('missing');
    await page.addStyleTag({
      content: `
        html { font-size: 40px; color-scheme: dark; direction: rtl; }
        * { color: red !important; background: yellow !important; font: italic 30px/3 "Comic Sans MS", cursive !important;
            letter-spacing: 5px !important; text-transform: uppercase !important; text-align: right !important;
            text-decoration: underline !important; visibility: visible !important; }
        #parley-comments { color: lime; font-size: 50px; line-height: 10; }
        section, h2, ul, li, p, form, input, button, textarea, a, time, label, span, div, article, em, code, blockquote {
          all: unset !important; display: inline !important; border: 4px dashed blue !important; padding: 9px !important; margin: 9px !important;
        }`,
    });
    await page.waitForTimeout(100);
    expect(await styles()).toEqual(before);

    // The theming API does pass: custom properties set on the host element.
    await page.addStyleTag({ content: '#parley-comments { --parley-accent: rgb(1, 2, 3); --parley-radius: 0px; }' });
    await expect(
      page
        .locator('.bt')
        .first()
        .evaluate((el) => el.ownerDocument.defaultView!.getComputedStyle(el).backgroundColor),
    ).resolves.toBe('rgb(1, 2, 3)');
  });

  test('embedded on another origin: CORS, preflights and the API found from the script URL', async () => {
    const host = await new Promise<Server>((resolve) => {
      const s = express()
        .get('/post.html', (_req, res) => {
          res.type('html').send(`<!doctype html><html lang="en"><head><title>Elsewhere</title>
            <link rel="canonical" href="https://elsewhere.example/posts/1"></head>
            <body><h1>A post elsewhere</h1><div id="parley-comments"></div>
            <script src="${origin}/embed.js" data-site="${elsewhere.key}" async></script></body></html>`);
        })
        .listen(0, HOST, () => resolve(s));
    });
    const hostOrigin = `http://${HOST}:${(host.address() as AddressInfo).port}`;
    // The site lists its public origin (the canonical URL's) and the origin the test serves it from.
    const elsewhere = await parley.createSite({
      origins: [hostOrigin, 'https://elsewhere.example'],
      moderation: 'none',
    });
    try {
      const { page, problems } = await newPage();
      await page.goto(`${hostOrigin}/post.html`);
      await page.getByRole('heading', { name: 'No comments yet' }).waitFor();
      const shownAt = Date.now();
      const form = page.locator('form').first();
      await form.getByLabel('Name', { exact: true }).fill('Fay');
      await form.getByLabel('Email', { exact: true }).fill('fay@example.test');
      await form.getByLabel('Comment', { exact: true }).fill('Hello from another origin.');
      await formAged(shownAt);
      await form.getByRole('button', { name: 'Post comment' }).click();
      await page.getByRole('status').getByText('Your comment has been published.').waitFor({ timeout: 15_000 });
      // The page id defaults to the canonical URL, and the page's URL and title go along.
      const thread = await fetch(
        `${origin}/v1/sites/${elsewhere.key}/pages/${encodeURIComponent('https://elsewhere.example/posts/1')}/comments`,
      );
      expect(((await thread.json()) as { total: number }).total).toBe(1);
      const [row] = await parley.runtime.db
        .selectFrom('comments')
        .select(['page_url', 'page_title'])
        .where('site_key', '=', elsewhere.key)
        .execute();
      expect(row).toEqual({ page_url: 'https://elsewhere.example/posts/1', page_title: 'Elsewhere' });
      expect(problems).toEqual([]);
    } finally {
      await new Promise((resolve) => host.close(resolve));
    }
  });

  test("the author's held comment shows as held, then as not published when a moderator rejects it", async () => {
    const strict = await parley.createSite({ origins: [origin], moderation: 'all' });
    const res = await fetch(`${origin}/v1/sites/${strict.key}/comments`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': '192.0.2.7' },
      body: JSON.stringify({ pageId: 'held', name: 'Gil', email: 'gil@example.test', text: 'Will this get through?' }),
    });
    const { comment, authorToken } = (await res.json()) as { comment: { id: string }; authorToken: string };
    await waitFor(async () =>
      (await parley.runtime.commentRepository.find(comment.id))?.status === 'held' ? true : undefined,
    );
    // As the widget left it in the author's browser after posting.
    const { page, problems } = await newPage();
    await page.goto(`${origin}/demo`);
    await page.evaluate(
      `localStorage.setItem(${JSON.stringify(`parley:own:${strict.key}:held`)}, ${JSON.stringify(
        JSON.stringify([{ comment, authorToken, postedAt: Date.now() }]),
      )})`,
    );
    await page.goto(`${origin}/demo?site=${strict.key}&page=held`);
    const mine = page.locator('li.c', { hasText: 'Will this get through?' });
    await mine.getByText('Held for a moderator to review. Only you can see it for now.').waitFor();
    await page.getByRole('heading', { name: 'No comments yet' }).waitFor();

    const reject = await fetch(`${origin}/v1/moderation/comments/${comment.id}/actions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${ADMIN_TOKEN}` },
      body: JSON.stringify({ action: 'reject' }),
    });
    expect(reject.status).toBe(200);
    await mine.getByText('This comment was not published.').waitFor({ timeout: 10_000 });
    await page.getByRole('status').getByText('Your comment was not published.').waitFor();
    // Forgotten once settled: nothing of it is left in localStorage.
    expect(await page.evaluate('Object.keys(localStorage).filter((k) => k.startsWith("parley:own:")).length')).toBe(0);
    expect(problems).toEqual([]);
  });

  test('deep threads collapse behind "Show N replies"', async () => {
    let parentId: string | undefined;
    for (let depth = 0; depth < 5; depth++) {
      parentId = (
        await publish({
          pageId: 'deep',
          parentId,
          name: `Level ${depth}`,
          email: `deep${depth}@example.test`,
          text: `At depth ${depth}`,
        })
      ).id;
    }
    const { page } = await newPage();
    await page.goto(demo('deep'));
    await page.getByRole('heading', { name: '5 comments' }).waitFor();
    for (const depth of [0, 1, 2]) expect(await page.getByText(`At depth ${depth}`).isVisible()).toBe(true);
    expect(await page.getByText('At depth 3').isVisible()).toBe(false);
    const toggle = page.getByRole('button', { name: 'Show 1 reply' });
    await expect(toggle.getAttribute('aria-expanded')).resolves.toBe('false');
    await toggle.click();
    await page.getByText('At depth 3').waitFor();
    await page.getByRole('button', { name: 'Show 1 reply' }).click();
    await page.getByText('At depth 4').waitFor();
    await expect(page.getByRole('button', { name: 'Hide replies' }).count()).resolves.toBe(2);
  });

  test('Parley.mount / unmount for single-page apps, bundled French, "load more" with the cursor', async () => {
    for (let i = 1; i <= 3; i++)
      await publish({ pageId: 'spa', name: `Reader ${i}`, email: `r${i}@example.test`, text: `Comment number ${i}` });
    const { page, problems } = await newPage();
    await page.goto(demo('spa'));
    await page.getByRole('heading', { name: '3 comments' }).waitFor();
    await page.evaluate(`(() => {
      const host = document.querySelector('#parley-comments');
      window.Parley.unmount(host);
      const spa = document.createElement('div');
      spa.id = 'spa';
      document.body.append(spa);
      window.Parley.mount(spa, { site: ${JSON.stringify(site.key)}, pageId: 'spa', lang: 'fr', pageSize: 2 });
    })()`);
    expect(await page.evaluate('document.querySelector("#parley-comments").shadowRoot.childElementCount')).toBe(0);
    const spa = page.locator('#spa');
    await spa.getByRole('heading', { name: '3 commentaires' }).waitFor();
    await expect(spa.locator('li.c').count()).resolves.toBe(2);
    await spa.getByRole('button', { name: 'Afficher plus de commentaires' }).click();
    await spa.locator('li.c', { hasText: 'Comment number 3' }).waitFor();
    await expect(spa.locator('li.c').allTextContents()).resolves.toEqual([
      expect.stringContaining('Comment number 1'),
      expect.stringContaining('Comment number 2'),
      expect.stringContaining('Comment number 3'),
    ]);
    await expect(spa.getByRole('button', { name: 'Afficher plus de commentaires' }).isHidden()).resolves.toBe(true);
    await expect(spa.getByLabel('E-mail', { exact: true }).count()).resolves.toBe(1);
    expect(problems).toEqual([]);
  });
});
