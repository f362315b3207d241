import { execFileSync } from 'node:child_process';
import type { Server } from 'node:http';
import { createServer } from 'node:net';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import type { Site } from '../../src/sites/site-repository';
import { startTestParley, type TestParley } from '../helpers/parley';
import { waitFor } from '../helpers/services';
import { type SmtpReceiver, startSmtpReceiver } from '../helpers/smtp-receiver';
import { blockOtherHosts, launchChromium } from './browser';

const ROOT = path.join(__dirname, '..', '..');
const HOST = '127.0.0.1';
/** The time trap (site policy minSubmitSeconds, 3 s by default): the test waits like a person. */
const FORM_MIN_MS = 3500;

jest.setTimeout(60_000);

/** A port nobody listens on, so PARLEY_PUBLIC_URL can name the server before it starts. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, HOST, () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

describe('the widget’s "Notify me of replies by email" checkbox in Chromium', () => {
  let smtp: SmtpReceiver;
  let parley: TestParley;
  let server: Server;
  let origin: string;
  let site: Site;
  let browser: Browser;

  beforeAll(async () => {
    execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build-widget.js')], { cwd: ROOT, encoding: 'utf8' });
    smtp = await startSmtpReceiver();
    const port = await freePort();
    origin = `http://${HOST}:${port}`;
    parley = await startTestParley({
      dialect: 'sqlite',
      env: { PARLEY_SMTP_URL: smtp.url, PARLEY_PUBLIC_URL: origin, PARLEY_TRUST_PROXY: 'loopback' },
    });
    server = await new Promise<Server>((resolve, reject) => {
      const s = parley.app.listen(port, HOST, () => resolve(s));
      s.once('error', reject);
    });
    site = await parley.createSite({ origins: [origin], moderation: 'none', name: 'Bird blog' });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
    await parley?.close();
    await smtp?.stop();
  });

  test('is off by default; ticked, it asks the address to confirm, through a page whose button POSTs', async () => {
    const context = await browser.newContext();
    const offHost = await blockOtherHosts(context, HOST);
    const page = await context.newPage();
    const posted: Record<string, unknown>[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().includes('/comments')) posted.push(JSON.parse(r.postData() ?? '{}'));
    });
    await page.goto(`${origin}/demo?site=${site.key}&page=birds`);
    const form = page.locator('form').first();
    await form.getByLabel('Name', { exact: true }).waitFor();
    const shownAt = Date.now();
    const notify = form.getByLabel('Notify me of replies by email');
    await expect(notify.isChecked()).resolves.toBe(false);

    const reader = 'ann@readers.example';
    await form.getByLabel('Name', { exact: true }).fill('Ann');
    await form.getByLabel('Email', { exact: true }).fill(reader);
    await form.getByLabel('Comment', { exact: true }).fill('Three snow buntings at the pier this morning.');
    await notify.check();
    await new Promise((r) => setTimeout(r, Math.max(0, shownAt + FORM_MIN_MS - Date.now())));
    await form.getByRole('button', { name: 'Post comment' }).click();
    await waitFor(async () => (posted.length > 0 ? true : undefined));
    expect(posted[0].notifyReplies).toBe(true);
    // Unticked again once the comment is posted: every opt-in is asked for.
    await waitFor(async () => ((await notify.isChecked()) ? undefined : true), { what: 'the checkbox unticked' });

    const [mail] = await smtp.waitFor(reader);
    expect(mail.parsed.subject).toBe('Confirm your address for replies on Bird blog');
    const link = new RegExp(`${origin}/mail/confirm/\\S+`).exec(mail.parsed.text ?? '')![0];

    const confirmPage = await context.newPage();
    await confirmPage.goto(link);
    const address = await parley.runtime.db.selectFrom('mail_addresses').selectAll().executeTakeFirstOrThrow();
    expect(address.confirmed_at).toBeNull();
    await confirmPage.getByRole('button', { name: 'Confirm my address' }).click();
    await confirmPage.getByText('your address is confirmed').waitFor();
    const confirmed = await parley.runtime.db.selectFrom('mail_addresses').selectAll().executeTakeFirstOrThrow();
    expect(confirmed.confirmed_at).not.toBeNull();
    expect(offHost).toEqual([]);
    await context.close();
  });
});
