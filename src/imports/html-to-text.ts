const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  hellip: '…',
  mdash: '—',
  ndash: '–',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
};

/** Text with HTML character references (`&amp;`, `&#8217;`, `&rsquo;`...) as the characters they stand for. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1].toLowerCase() === 'x' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED_ENTITIES[name.toLowerCase()] ?? whole;
  });
}

const ABSOLUTE_LINK = /^(https?:\/\/|mailto:)/i;

/**
 * A source comment's body (WordPress: text with line breaks and a few tags; Disqus:
 * HTML paragraphs) as Parley's Markdown text, so it is rendered and sanitized like any
 * other comment: links, emphasis, code, quotes and lists survive, other markup is
 * dropped to its text. Plain text passes through unchanged.
 */
export function htmlToText(html: string): string {
  let text = html.replace(/\r\n?/g, '\n');
  text = text.replace(
    /<a\b[^>]*?href\s*=\s*(["'])(.*?)\1[^>]*>([\s\S]*?)<\/a>/gi,
    (_m, _q, href: string, label: string) => {
      const target = decodeEntities(href.trim());
      return ABSOLUTE_LINK.test(target) && label.trim() ? `[${label}](${target})` : label;
    },
  );
  // Innermost quotes first, so nested ones get one `>` per level.
  for (let previous = ''; previous !== text;) {
    previous = text;
    text = text.replace(/<blockquote\b[^>]*>((?:(?!<blockquote\b)[\s\S])*?)<\/blockquote>/i, (_m, inner: string) => {
      const lines = inner
        .replace(/<\/?p\b[^>]*>/gi, '\n')
        .trim()
        .split('\n');
      return `\n\n${lines.map((line) => `> ${line}`.trimEnd()).join('\n')}\n\n`;
    });
  }
  text = text
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/p>/gi, '\n\n')
    .replace(/<\/?(em|i)\b[^>]*>/gi, '*')
    .replace(/<\/?(strong|b)\b[^>]*>/gi, '**')
    .replace(/<\/?code\b[^>]*>/gi, '`')
    .replace(/<li\b[^>]*>/gi, '\n- ')
    .replace(/<\/?(ul|ol)\b[^>]*>/gi, '\n\n')
    .replace(/<\/?[a-z][^>]*>/gi, '');
  return decodeEntities(text)
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
