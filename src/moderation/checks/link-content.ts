import { isIP } from 'node:net';
import type { CheckResult } from '../finding';

/** URL shorteners hide where a link goes; spam uses them to dodge domain lists. */
const SHORTENERS = new Set([
  'bit.ly',
  'bitly.com',
  'tinyurl.com',
  't.co',
  'goo.gl',
  'ow.ly',
  'is.gd',
  'buff.ly',
  'rebrand.ly',
  'cutt.ly',
  'shorturl.at',
  'tiny.cc',
  'rb.gy',
  's.id',
  'v.gd',
  't.ly',
  'bl.ink',
  'shorte.st',
  'adf.ly',
  'lnkd.in',
  'tr.im',
  'soo.gd',
  'clck.ru',
  'qr.ae',
  'bc.vc',
  'x.co',
  'po.st',
  'mcaf.ee',
  'su.pr',
  'u.to',
  'ouo.io',
  'linktr.ee',
]);

/** Whether `host` is `domain` or one of its subdomains. */
function within(host: string, domain: string): boolean {
  return host === domain || host.endsWith(`.${domain}`);
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname.toLowerCase().replace(/^\[|\]$/g, '');
  } catch {
    return undefined;
  }
}

/**
 * Where the links go: a blocked domain is spam; a shortener or a bare IP address is
 * held. Links to the site's own domains are never flagged.
 */
export function linkContent(input: {
  urls: string[];
  blockedDomains: string[];
  ownDomains: string[];
}): CheckResult | undefined {
  const problems: { verdict: 'spam' | 'hold'; reason: string }[] = [];
  for (const url of input.urls) {
    const host = hostOf(url);
    if (!host || input.ownDomains.some((own) => within(host, own))) continue;
    const blocked = input.blockedDomains.find((domain) => within(host, domain));
    if (blocked) problems.push({ verdict: 'spam', reason: `links to ${host}, on the site's blocked list` });
    else if (isIP(host)) problems.push({ verdict: 'hold', reason: `links to a bare IP address (${host})` });
    else if ([...SHORTENERS].some((s) => within(host, s)))
      problems.push({ verdict: 'hold', reason: `links through the URL shortener ${host}` });
  }
  if (problems.length === 0) return undefined;
  const worst = problems.find((p) => p.verdict === 'spam') ?? problems[0];
  return { verdict: worst.verdict, reason: problems.map((p) => p.reason).join('; ') };
}
