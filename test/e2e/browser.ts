import fs from 'node:fs';
import { type Browser, type BrowserContext, chromium } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`); never a downloaded browser build. */
export const CHROMIUM_PATH = process.env.PARLEY_TEST_CHROMIUM ?? '/usr/bin/chromium';

/** Headless Chromium with everything that would phone home turned off. */
export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `No Chromium at ${CHROMIUM_PATH}: install it with "apt-get install -y chromium" (or set PARLEY_TEST_CHROMIUM).`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * Records every http(s)/ws(s) request the pages of `context` make to a host other than
 * `allowedHost`, and aborts it, so a test can assert the list stays empty.
 */
export async function blockOtherHosts(context: BrowserContext, allowedHost: string): Promise<string[]> {
  const offHost: string[] = [];
  const isOffHost = (url: URL) => /^(https?|wss?):$/.test(url.protocol) && url.hostname !== allowedHost;
  await context.route(isOffHost, (route) => {
    offHost.push(route.request().url());
    return route.abort('blockedbyclient');
  });
  context.on('request', (request) => {
    const url = new URL(request.url());
    if (isOffHost(url) && !offHost.includes(url.href)) offHost.push(url.href);
  });
  return offHost;
}
