import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';

const LINK_REL = 'nofollow ugc noopener';
const ABSOLUTE_LINK = /^(https?:\/\/|mailto:)/i;

// Raw HTML in the text stays literal text: Markdown is the only markup a reader can use.
const markdown = new MarkdownIt({ html: false, linkify: true, breaks: true, typographer: false });
// Only absolute http(s) and mailto targets make links; anything else (a relative link
// would point into the host page's own site) stays the text the author typed. Deciding
// this in the renderer, not by renaming tags in the sanitizer, keeps the HTML balanced.
markdown.validateLink = (url) => ABSOLUTE_LINK.test(url.trim());

const allowlist: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'br', 'em', 'strong', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'a'],
  allowedAttributes: { a: ['href', 'rel'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  transformTags: {
    a: (tagName, attribs): sanitizeHtml.Tag => ({ tagName, attribs: { ...attribs, rel: LINK_REL } }),
  },
};

/**
 * The comment's text as the published HTML: Markdown rendered without raw HTML, then
 * passed through sanitize-html, whatever the renderer produced. The second pass is
 * what makes this safe even if the Markdown renderer had a bug.
 */
export function renderCommentHtml(text: string): string {
  return sanitizeHtml(markdown.render(text), allowlist).trim();
}

/** The href of every link in rendered comment HTML (the allowlist leaves only absolute http(s)/mailto ones). */
export function linkUrls(html: string): string[] {
  return [...html.matchAll(/<a href="([^"]*)"/g)].map((m) => m[1].replace(/&amp;/g, '&'));
}

/** The number of links in rendered comment HTML. */
export function countLinks(html: string): number {
  return linkUrls(html).length;
}
