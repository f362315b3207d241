// Browser code: building DOM without innerHTML. Every string becomes a text node or an
// attribute value; the only markup ever parsed is a comment's published HTML, and that
// goes through `publishedHtml`, which rebuilds it from an allowlist.

export type Child = Node | string | number | null | undefined | false | Child[];
type Listener = (event: never) => void;
export type Attrs = Record<string, string | number | boolean | null | undefined | Listener>;

/** `h('button', {class: 'x', onclick: fn}, 'Label')`: an element with attributes, listeners and text children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Attrs | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(name.slice(2), value as EventListener);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

/** Replaces an element's children. */
export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

let idCounter = 0;
export function uniqueId(prefix: string): string {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

/** The tags the server's sanitizer lets through (src/moderation/render.ts). */
const ALLOWED_TAGS = new Set(['P', 'BR', 'EM', 'STRONG', 'CODE', 'PRE', 'BLOCKQUOTE', 'UL', 'OL', 'LI', 'A']);
/** Elements whose content is never text a reader wrote. */
const DROPPED_WITH_CONTENT = new Set(['SCRIPT', 'STYLE', 'TEMPLATE', 'IFRAME', 'OBJECT', 'NOSCRIPT', 'SVG', 'MATH']);
const SAFE_LINK = /^(https?:\/\/|mailto:)/i;

/**
 * A comment's published HTML as DOM nodes. The server already sanitized it; this is a
 * second, independent pass: the HTML is parsed in an inert document (no scripts run, no
 * resources load) and rebuilt from an allowlist, keeping only the text of anything else.
 */
export function publishedHtml(html: string): DocumentFragment {
  const parsed = new DOMParser().parseFromString(html, 'text/html');
  const fragment = document.createDocumentFragment();
  copyAllowed(parsed.body, fragment);
  return fragment;
}

function copyAllowed(from: Node, to: Node): void {
  for (const node of Array.from(from.childNodes)) {
    if (node.nodeType === Node.TEXT_NODE) {
      to.appendChild(document.createTextNode(node.textContent ?? ''));
    } else if (node instanceof Element) {
      const tag = node.tagName.toUpperCase();
      if (DROPPED_WITH_CONTENT.has(tag)) continue;
      if (!ALLOWED_TAGS.has(tag)) {
        copyAllowed(node, to);
        continue;
      }
      const copy = document.createElement(tag.toLowerCase());
      if (tag === 'A') {
        const href = node.getAttribute('href') ?? '';
        if (SAFE_LINK.test(href)) {
          copy.setAttribute('href', href);
          copy.setAttribute('rel', 'nofollow ugc noopener noreferrer');
          copy.setAttribute('target', '_blank');
        }
      }
      copyAllowed(node, copy);
      to.appendChild(copy);
    }
  }
}

/** An external http(s) link, or plain text when the URL is anything else. */
export function externalLink(url: string | null, label: string, attrs: Attrs = {}): HTMLElement {
  if (url && /^https?:\/\//i.test(url)) {
    return h('a', { href: url, rel: 'nofollow noopener noreferrer', target: '_blank', ...attrs }, label);
  }
  return h('span', attrs, label);
}
