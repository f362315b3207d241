import type { BrowserContext, Page } from 'playwright-core';
import { xssPayloads } from '../helpers/datasets';

/**
 * Installed before any script of the page: every way a payload could show it ran ends
 * in `window.__parleyXss` (alert, confirm, prompt, print, any console method, or a
 * payload of ours assigning the flag itself). `window.__parleyFired` lists what fired.
 */
export const XSS_TRAP = `(() => {
  const fired = [];
  let flag = false;
  Object.defineProperty(window, '__parleyFired', { value: fired });
  Object.defineProperty(window, '__parleyXss', {
    get: () => flag,
    set: (value) => { flag = true; fired.push('flag=' + String(value)); },
  });
  const trap = (name) => function () { flag = true; fired.push(name + '(' + Array.from(arguments).map(String).join(',') + ')'); };
  for (const name of ['alert', 'confirm', 'prompt', 'print']) window[name] = trap(name);
  for (const name of ['log', 'info', 'warn', 'error', 'debug', 'trace', 'dir', 'table']) console[name] = trap('console.' + name);
})();`;

/** Payloads of our own that set the flag directly if any of their script runs. */
export const FLAG_PAYLOADS = [
  '<script>window.__parleyXss = "script"</script>',
  '<img src=x onerror="window.__parleyXss = \'img\'">',
  '<svg><script>window.__parleyXss = "svg"</script></svg>',
  '<svg onload="window.__parleyXss = \'svg-onload\'"></svg>',
  '<details open ontoggle="window.__parleyXss = \'details\'">x</details>',
  '<iframe srcdoc="<script>parent.__parleyXss = \'iframe\'</script>"></iframe>',
  '<a href="javascript:window.__parleyXss=\'link\'">click me</a>',
  '[click me](javascript:window.__parleyXss="md-link")',
  '<noscript><p title="</noscript><img src=x onerror=window.__parleyXss=\'mxss\'>">',
  '<math><mtext><table><mglyph><style><img src=x onerror="window.__parleyXss=\'math\'">',
  '<form><button formaction="javascript:window.__parleyXss=\'form\'">go</button></form>',
  '<input autofocus onfocus="window.__parleyXss=\'autofocus\'">',
];

/**
 * A spread sample of the shared XSS lists: `perFile` payloads from each list, evenly
 * spaced through it, so every list and every part of the long ones is represented.
 */
export function xssSample(perFile: number): string[] {
  const byFile = new Map<string, string[]>();
  for (const { file, payload } of xssPayloads()) byFile.set(file, [...(byFile.get(file) ?? []), payload]);
  const sample: string[] = [];
  for (const payloads of byFile.values()) {
    for (let i = 0; i < perFile; i++)
      sample.push(payloads[Math.floor(((i + 0.5) * payloads.length) / perFile)].slice(0, 4000));
  }
  return [...new Set(sample)];
}

/** What fired in the page (empty when no payload ran). */
export function firedIn(page: Page): Promise<string[]> {
  return page.evaluate('Array.from(window.__parleyFired ?? ["trap not installed"])') as Promise<string[]>;
}

/**
 * Checks, in the page, that the widget's comment bodies hold only the allowlist: the
 * server's tags, no attribute but a link's http(s)/mailto href and its rel; and that
 * nothing in the shadow root carries an event handler attribute or a script URL.
 */
export function allowlistViolationsIn(page: Page, hostSelector: string): Promise<string[]> {
  return page.evaluate(`(() => {
    const root = document.querySelector(${JSON.stringify(hostSelector)}).shadowRoot;
    const tags = new Set(['P', 'BR', 'EM', 'STRONG', 'CODE', 'PRE', 'BLOCKQUOTE', 'UL', 'OL', 'LI', 'A']);
    const bad = [];
    for (const body of root.querySelectorAll('.tx')) {
      for (const el of body.querySelectorAll('*')) {
        if (!tags.has(el.tagName)) bad.push('tag ' + el.tagName);
        for (const attr of el.attributes) {
          const ok = el.tagName === 'A' && ((attr.name === 'href' && /^(https?:\\/\\/|mailto:)/i.test(attr.value)) || (attr.name === 'rel' && attr.value === 'nofollow ugc noopener'));
          if (!ok) bad.push(el.tagName + ' ' + attr.name + '=' + attr.value);
        }
      }
    }
    for (const el of root.querySelectorAll('*')) {
      for (const attr of el.attributes) {
        if (/^on/i.test(attr.name) || /^\\s*(javascript|data|vbscript):/i.test(attr.value)) bad.push('shadow ' + el.tagName + ' ' + attr.name);
      }
    }
    if (root.querySelector('script, iframe, img, object, embed, style, link, form form, svg script')) bad.push('active element in the shadow root');
    if (document.querySelectorAll('script').length !== 1 || document.querySelector('iframe, img, object, embed')) bad.push('light DOM changed');
    return bad;
  })()`) as Promise<string[]>;
}

/**
 * What the context's pages say went wrong, as they open: an alert, confirm or prompt
 * (dismissed) and uncaught errors. An XSS test expects the list to stay empty.
 */
export function pageProblems(context: BrowserContext): string[] {
  const problems: string[] = [];
  context.on('page', (page) => {
    page.on('dialog', (dialog) => {
      problems.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  });
  return problems;
}
