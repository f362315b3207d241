// Browser code: the widget's own allowlist pass over comment HTML, so that a bug in the
// server's sanitizer alone cannot run script in the host page. The HTML is parsed into
// an inert document (DOMParser: no scripts, no loads, no event handlers), and a new
// tree is built from it with fresh elements: only the tags of the server's allowlist,
// no attributes but a link's http(s)/mailto href, and text as text nodes. Nothing is
// ever serialized and parsed again, so mutation XSS has nothing to work with.

const ALLOWED = new Set(['P', 'BR', 'EM', 'STRONG', 'CODE', 'PRE', 'BLOCKQUOTE', 'UL', 'OL', 'LI', 'A']);
/** Elements whose content is not prose: dropped with everything inside. */
const DROPPED =
  /^(SCRIPT|STYLE|TEMPLATE|NOSCRIPT|NOEMBED|NOFRAMES|XMP|IFRAME|OBJECT|EMBED|SVG|MATH|TEXTAREA|TITLE|SELECT|HEAD)$/;
const SAFE_HREF = /^(https?:\/\/|mailto:)/i;
export const LINK_REL = 'nofollow ugc noopener';

export function sanitizeHtml(html: string): DocumentFragment {
  const inert = new DOMParser().parseFromString(html, 'text/html');
  const out = document.createDocumentFragment();
  copyChildren(inert.body, out);
  return out;
}

function copyChildren(from: Node, to: Node): void {
  for (let node = from.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === Node.TEXT_NODE) {
      to.appendChild(document.createTextNode(node.nodeValue ?? ''));
      continue;
    }
    if (node.nodeType !== Node.ELEMENT_NODE) continue;
    const name = node.nodeName.toUpperCase();
    if (DROPPED.test(name)) continue;
    const href = name === 'A' ? ((node as Element).getAttribute('href') ?? '') : '';
    if (!ALLOWED.has(name) || (name === 'A' && !SAFE_HREF.test(href))) {
      copyChildren(node, to); // unknown tag or unsafe link: keep its text, drop the element
      continue;
    }
    const el = document.createElement(name);
    if (name === 'A') {
      el.setAttribute('href', href);
      el.setAttribute('rel', LINK_REL);
    }
    copyChildren(node, el);
    to.appendChild(el);
  }
}

/** A reader's website as a link target, or undefined when it is not an http(s) URL. */
export function safeWebsite(url: string | null | undefined): string | undefined {
  return url && /^https?:\/\//i.test(url) ? url : undefined;
}
