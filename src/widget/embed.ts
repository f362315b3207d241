// Browser code: the entry point of embed.js.
//
//   <div id="parley-comments"></div>
//   <script src="https://HOST/embed.js" data-site="SITE_KEY" data-page-id="ID" async></script>
//
// Optional: data-page-title, data-page-url, data-lang (en, fr), data-theme (auto, light,
// dark), data-target (a CSS selector instead of #parley-comments), data-max-length,
// data-page-size. The API is the server embed.js was loaded from.
//
// Single-page apps: `Parley.mount(element, {site, pageId, ...})` and `Parley.unmount(element)`
// (options in widget.ts: WidgetOptions).
import { mount, unmount, type WidgetOptions } from './widget';

declare global {
  interface Window {
    Parley?: { mount: typeof mount; unmount: typeof unmount };
  }
}

const script = document.currentScript as HTMLScriptElement | null;
/** The folder embed.js was served from: the API is there. */
const server = script?.src ? new URL('.', script.src).href : undefined;

window.Parley = {
  mount: (element: Element, options: WidgetOptions) => mount(element, { api: server, ...options }),
  unmount,
};

const data = script?.dataset;
if (data?.site) {
  const site = data.site;
  const start = () => {
    let target = document.querySelector(data.target || '#parley-comments');
    if (!target) {
      target = document.createElement('div');
      script!.after(target);
    }
    const number = (value: string | undefined) => (value && /^\d+$/.test(value) ? Number(value) : undefined);
    mount(target, {
      site,
      api: server,
      pageId: data.pageId,
      pageUrl: data.pageUrl,
      pageTitle: data.pageTitle,
      lang: data.lang,
      theme: data.theme as WidgetOptions['theme'],
      maxLength: number(data.maxLength),
      pageSize: number(data.pageSize),
    });
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
}
