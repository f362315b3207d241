// Browser code: building DOM without innerHTML. Every string becomes a text node or an
// attribute value; the only markup ever parsed is a comment's HTML, in sanitize.ts.

type Child = Node | string | null | undefined | false;
type Props = Record<string, string | number | boolean | null | undefined | EventListener>;

/**
 * `h('button', {class: 'x', onclick: fn}, 'Reply')`: attributes are set with
 * setAttribute (never `style`, which a strict CSP would block), `on*` keys become
 * listeners, `true` sets an empty attribute, and `false`/null/undefined skip it.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props?: Props | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const key in props) {
    const value = props[key];
    if (typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (value != null && value !== false) el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, ...children);
  return el;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children)
    if (child) parent.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
}

let sequence = 0;
/** An id unique in the page, for label/aria references inside the shadow root. */
export function uid(): string {
  return `parley-${++sequence}`;
}
