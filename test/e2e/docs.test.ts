import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { routesOf } from '../../src/http/app';
import { startTestParley, type TestParley } from '../helpers/parley';
import { blockOtherHosts, launchChromium } from './browser';

const HOST = '127.0.0.1';

describe('API documentation and queue dashboard in a real browser', () => {
  let parley: TestParley;
  let server: Server;
  let base: string;
  let browser: Browser;
  let context: BrowserContext;
  let offHost: string[];
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    parley = await startTestParley({ dialect: 'sqlite' });
    server = await new Promise<Server>((resolve, reject) => {
      const s = parley.app.listen(0, HOST, () => resolve(s));
      s.once('error', reject);
    });
    base = `http://${HOST}:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    offHost = await blockOtherHosts(context, HOST);
    page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`${page.url()}: ${message.text()}`);
    });
    page.on('pageerror', (err) => problems.push(`${page.url()}: ${err.message}`));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    await parley?.close();
  });

  it('renders /docs from this server alone: every operation, with its examples', async () => {
    await page.goto(`${base}/docs`);
    await page.locator('.swagger-ui .info .title').filter({ hasText: 'Parley' }).waitFor({ timeout: 15_000 });
    const summaries = page.locator('.opblock-summary-description');
    await summaries.first().waitFor();
    const shown = await summaries.allTextContents();
    const documented = routesOf(parley.app)
      .operations()
      .map((op) => op.summary);
    expect(shown.length).toBe(documented.length);
    expect(shown).toEqual(
      expect.arrayContaining(['Submit a comment', 'The review queue', 'Prometheus metrics of this process']),
    );

    // Open one operation: its request example and the shared error answers are there.
    await page.locator('.opblock-summary', { hasText: 'Submit a comment' }).click();
    const operation = page.locator('.opblock.is-open');
    await operation.locator('.opblock-section-request-body').waitFor();
    expect(await operation.textContent()).toContain('ann@example.com');
    expect(await operation.locator('.responses-table').textContent()).toMatch(/415/);

    expect(offHost).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('shows the queue dashboard after the sign-in form, without a request leaving this server', async () => {
    const { token } = await parley.runtime.tokenService.create({ role: 'admin', label: 'browser' });
    await page.goto(`${base}/admin/queues`);
    expect(new URL(page.url()).pathname).toBe('/admin/queues/login');
    await page.getByLabel('Admin token').fill('tok_AAAAAAAAAAAA.' + 'x'.repeat(43));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'not valid' }).waitFor();
    await page.getByLabel('Admin token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}/admin/queues`);
    for (const queue of ['moderation', 'feedback']) {
      await page.getByText(queue, { exact: true }).first().waitFor({ timeout: 15_000 });
    }
    // The cookie is invisible to scripts.
    expect(await page.evaluate('document.cookie')).toBe('');
    // Bull Board's own page links Google Fonts: Parley serves it without that link.
    expect(offHost).toEqual([]);
    // (The wrong token's answer is a 401, which the browser reports.)
    expect(problems.filter((p) => !/\/admin\/queues\/login: .*status of 401/.test(p))).toEqual([]);
  });
});
