import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import type { Site } from '../../src/sites/site-repository';
import { startTestParley, type TestParley } from '../helpers/parley';
import { waitFor } from '../helpers/services';
import { blockOtherHosts, launchChromium } from './browser';
import { type DemoComment, DEMO_COMMENTS, DEMO_SITES } from './demo-data';

// The UI is built from source first, so the test checks what the source says even
// when run on its own (`npx jest test/e2e`) rather than after `npm run build`.
const { buildModeratorUi } = require('../../scripts/build-ui.js') as { buildModeratorUi(): Promise<unknown> };

const SCREENSHOT = path.join(__dirname, '..', '..', 'docs', 'moderation.png');
const HOST = '127.0.0.1';

describe('moderator UI in a real browser', () => {
  let parley: TestParley;
  let server: Server;
  let base: string;
  let sites: Record<keyof typeof DEMO_SITES, Site>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let offHost: string[];
  let token: string;
  const dialogs: string[] = [];
  const posted = new Map<string, DemoComment>();

  /** Posts through the public API, as the widget would, and waits for the worker's decision. */
  async function postAndDecide(comment: DemoComment): Promise<{ id: string; status: string }> {
    const site = sites[comment.site];
    const { site: _site, ip, ...body } = comment;
    const res = await fetch(`${base}/v1/sites/${site.key}/comments`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: site.origins[0], 'X-Forwarded-For': ip },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(202);
    const { comment: created } = (await res.json()) as { comment: { id: string } };
    posted.set(created.id, comment);
    const status = await waitFor(
      async () => {
        const row = await parley.runtime.commentRepository.find(created.id);
        return row && row.status !== 'pending' ? row.status : undefined;
      },
      { what: `a decision on ${comment.name}'s comment` },
    );
    return { id: created.id, status };
  }

  const cards = () => page.locator('ol.queue > li.card');
  const card = (id: string) => page.locator(`ol.queue > li.card[data-id="${id}"]`);
  const focusedCardId = () =>
    page.evaluate("document.activeElement?.closest('li.card')?.dataset.id ?? null") as Promise<string | null>;
  const tabCount = (label: string) =>
    page
      .getByRole('navigation', { name: 'Comment status' })
      .getByRole('link', { name: new RegExp(`^${label}`) })
      .locator('.count');

  beforeAll(async () => {
    await buildModeratorUi();
    // Readers' addresses come through X-Forwarded-For from the (loopback) test client.
    parley = await startTestParley({ dialect: 'sqlite', env: { PARLEY_TRUST_PROXY: 'loopback' } });
    server = await new Promise<Server>((resolve, reject) => {
      const s = parley.app.listen(0, HOST, () => resolve(s));
      s.once('error', reject);
    });
    base = `http://${HOST}:${(server.address() as AddressInfo).port}`;
    sites = {
      notes: await parley.createSite({ ...DEMO_SITES.notes, moderation: 'first-time' }),
      kitchen: await parley.createSite({ ...DEMO_SITES.kitchen, moderation: 'first-time' }),
    };
    for (const comment of DEMO_COMMENTS) expect((await postAndDecide(comment)).status).toBe('held');

    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, reducedMotion: 'reduce' });
    offHost = await blockOtherHosts(context, HOST);
    page = await context.newPage();
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    // Time in the page runs normally, but the test can jump it ahead to the next poll.
    await page.clock.install();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    await parley?.close();
  });

  it('serves the page and its assets with ETags, a CSP and long-lived hashed assets', async () => {
    const html = await fetch(`${base}/moderation`);
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html.headers.get('cache-control')).toBe('no-cache');
    expect(html.headers.get('content-security-policy')).toContain("default-src 'none'");
    const etag = html.headers.get('etag')!;
    expect(etag).toMatch(/^"/);
    // (fetch adds "Cache-Control: no-cache" to a conditional request unless told otherwise.)
    const revalidated = await fetch(`${base}/moderation`, {
      headers: { 'If-None-Match': etag, 'Cache-Control': 'max-age=0' },
    });
    expect(revalidated.status).toBe(304);

    const script = /src="(\/moderation\/app\.js\?v=[0-9a-f]+)"/.exec(await html.text())?.[1];
    expect(script).toBeDefined();
    const js = await fetch(`${base}${script}`);
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(js.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(`${base}/moderation/app.js?v=old`)).headers.get('cache-control')).toBe('no-cache');
  });

  it('signs in with a token kept in sessionStorage, after refusing a wrong one', async () => {
    ({ token } = await parley.runtime.tokenService.create({ role: 'moderator', label: 'Dana' }));
    await page.goto(`${base}/moderation`);
    const tokenField = page.getByLabel('Moderator token');
    await tokenField.fill('tok_wrongwrongwr.wrong');
    await tokenField.press('Enter');
    await expectText(page.getByRole('alert'), /not accepted/);

    await tokenField.fill(token);
    await tokenField.press('Enter');
    await cards().first().waitFor();
    expect(await page.evaluate('sessionStorage.length')).toBe(1);
    expect(await page.evaluate('localStorage.length')).toBe(0);
    await expectText(page.locator('.whoami'), /Dana · moderator · all sites/);
    await expectText(tabCount('Held'), String(DEMO_COMMENTS.length));
  });

  it('shows each held comment with its author, page, published HTML and reasons', async () => {
    expect(await cards().count()).toBe(DEMO_COMMENTS.length);
    const [club] = [...posted].find(([, c]) => c.name === 'Coastal Birding Club')!;
    const clubCard = card(club);
    await expectText(clubCard.locator('.author-name'), 'Coastal Birding Club');
    await expectText(clubCard, 'hello@coastalbirding.example');
    await expectText(clubCard.locator('.ip'), 'IP 203.0.113.57');
    await expectText(clubCard.locator('.page'), 'Winter birding on the coast');
    await expectText(clubCard.getByRole('heading', { name: 'Why it was held' }), 'Why it was held');
    // Other checks may add findings of their own; these two are certain.
    expect(await clubCard.locator('.finding').allTextContents()).toContain(
      "hold link-count: 3 links, more than the site's limit of 2 (score 3)",
    );
    expect(await clubCard.locator('.published a').count()).toBe(3);
    const [ann] = [...posted].find(([, c]) => c.name === 'Ann Reader')!;
    expect(await card(ann).locator('.finding').allTextContents()).toContain(
      "hold site-policy: the author's first comment on this site",
    );

    // Markup in a name or text is shown as text, and nothing in it runs.
    const [jo] = [...posted].find(([, c]) => c.email === 'jo@example.net')!;
    await expectText(card(jo).locator('.author-name'), 'Jo <script>alert(1)</script>');
    await expectText(card(jo).locator('.published'), /<img src=x onerror=alert\(1\)>/);
    expect(await card(jo).locator('.published img, .published b, script').count()).toBe(0);

    // The newest is first, and it has the focus after signing in.
    await expectText(cards().first().locator('.author-name'), 'Ann Reader');
    expect(await focusedCardId()).toBe(await cards().first().getAttribute('data-id'));
    // PARLEY_SCREENSHOTS=1 refreshes the README's picture of the queue, as the widget test does its own.
    if (process.env.PARLEY_SCREENSHOTS === '1') await page.screenshot({ path: SCREENSHOT });
  });

  it('opens the shortcuts with ?', async () => {
    await page.keyboard.press('?');
    const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await dialog.waitFor();
    await expectText(dialog, /Approve/);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
  });

  it('approves the current comment with a, moves focus to the next, and publishes it', async () => {
    const first = (await cards().nth(0).getAttribute('data-id'))!;
    const second = (await cards().nth(1).getAttribute('data-id'))!;
    await card(first).locator('article').focus();
    await page.keyboard.press('a');
    await card(first).waitFor({ state: 'detached' });
    await expectText(page.getByRole('status').locator('.toast'), /Approved: comment by Ann Reader/);
    expect(await focusedCardId()).toBe(second);
    await expectText(tabCount('Held'), String(DEMO_COMMENTS.length - 1));

    const { pageId } = posted.get(first)!;
    const thread = await waitFor(
      async () => {
        const res = await fetch(`${base}/v1/sites/${sites.notes.key}/pages/${encodeURIComponent(pageId)}/comments`);
        const body = (await res.json()) as { comments: { id: string; html: string }[] };
        return body.comments.find((c) => c.id === first);
      },
      { what: 'the approved comment in the public thread' },
    );
    expect(thread.html).toBe(
      '<p>Lovely write-up! The <em>dunlin</em> photo is my favourite. Which lens did you use?</p>',
    );
  });

  it('marks the next one as spam with s, and undoes that from the toast', async () => {
    const id = (await focusedCardId())!;
    expect(posted.get(id)!.name).toBe('Coastal Birding Club');
    await page.keyboard.press('s');
    await card(id).waitFor({ state: 'detached' });
    expect((await parley.runtime.commentRepository.find(id))!.status).toBe('spam');

    await page.getByRole('status').getByRole('button', { name: 'Undo' }).click();
    await card(id).waitFor();
    expect((await parley.runtime.commentRepository.find(id))!.status).toBe('held');
    expect(await focusedCardId()).toBe(id);

    await page.keyboard.press('s');
    await card(id).waitFor({ state: 'detached' });
    expect((await parley.runtime.commentRepository.find(id))!.status).toBe('spam');
    await expectText(tabCount('Spam'), '1');
  });

  it('shows a newly held comment, and drops one decided elsewhere, at the next poll', async () => {
    const elsewhere = (await cards().last().getAttribute('data-id'))!;
    const approved = await fetch(`${base}/v1/moderation/comments/${elsewhere}/actions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify({ action: 'approve' }),
    });
    expect(approved.status).toBe(200);

    const { id, status } = await postAndDecide({
      site: 'kitchen',
      pageId: 'sourdough-starter',
      pageUrl: 'https://kitchentable.example/sourdough-starter',
      pageTitle: 'Keeping a sourdough starter alive',
      name: 'Late Arrival',
      email: 'late@example.org',
      text: 'Just found this. Rye flour revived mine in two days.',
      ip: '192.0.2.31',
    });
    expect(status).toBe('held');
    expect(await card(id).count()).toBe(0);
    await page.clock.fastForward(10_000);
    await card(id).waitFor();
    await expectText(cards().first().locator('.author-name'), 'Late Arrival');
    await card(elsewhere).waitFor({ state: 'detached' });
  });

  it('acts on a selection (x selects) and undoes it as a whole', async () => {
    const [one, two] = await Promise.all([0, 1].map(async (i) => (await cards().nth(i).getAttribute('data-id'))!));
    await card(one).locator('article').focus();
    await page.keyboard.press('x');
    await page.keyboard.press('j');
    await page.keyboard.press('x');
    await expectText(page.locator('.selected-count'), '2 selected');
    await page.getByRole('button', { name: 'Reject selected' }).click();
    await card(one).waitFor({ state: 'detached' });
    await card(two).waitFor({ state: 'detached' });
    await expectText(page.getByRole('status').locator('.toast'), /Rejected: 2 comments/);
    expect((await parley.runtime.commentRepository.find(one))!.status).toBe('rejected');

    await page.keyboard.press('u');
    await card(one).waitFor();
    await card(two).waitFor();
    expect((await parley.runtime.commentRepository.find(two))!.status).toBe('held');
    expect(await cards().nth(0).getAttribute('data-id')).toBe(one);
  });

  it('fits a 360 px wide screen', async () => {
    await page.setViewportSize({ width: 360, height: 740 });
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    await page.setViewportSize({ width: 1280, height: 1000 });
  });

  it('made no request to any host but 127.0.0.1, and ran no script from a comment', () => {
    expect(offHost).toEqual([]);
    expect(dialogs).toEqual([]);
  });
});

/** Waits (up to 5 s) for a locator's text to match. */
async function expectText(locator: Locator, expected: string | RegExp): Promise<void> {
  const deadline = Date.now() + 5000;
  let text = '';
  for (;;) {
    text = (await locator.first().textContent({ timeout: 5000 })) ?? '';
    if (typeof expected === 'string' ? text.includes(expected) : expected.test(text)) return;
    if (Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`expected ${String(expected)} in ${JSON.stringify(text)}`);
}
