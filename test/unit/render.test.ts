import render from 'dom-serializer';
import fc from 'fast-check';
import { parseDocument } from 'htmlparser2';
import { countLinks, renderCommentHtml } from '../../src/comments/render';
import { xssPayloads } from '../helpers/datasets';
import { allowlistViolations } from '../helpers/html-allowlist';

describe('renderCommentHtml', () => {
  it('renders Markdown emphasis, code, quotes, lists and line breaks', () => {
    expect(renderCommentHtml('*hi* **there** `x`')).toBe('<p><em>hi</em> <strong>there</strong> <code>x</code></p>');
    expect(renderCommentHtml('> quoted')).toBe('<blockquote>\n<p>quoted</p>\n</blockquote>');
    expect(renderCommentHtml('- a\n- b')).toBe('<ul>\n<li>a</li>\n<li>b</li>\n</ul>');
    expect(renderCommentHtml('line one\nline two')).toBe('<p>line one<br />\nline two</p>');
  });

  it('shows raw HTML as text instead of interpreting it', () => {
    expect(renderCommentHtml('<b onclick="x()">bold</b>')).toBe('<p>&lt;b onclick="x()"&gt;bold&lt;/b&gt;</p>');
  });

  it('marks every link nofollow ugc noopener, bare URLs included', () => {
    expect(renderCommentHtml('[site](https://a.example) and https://b.example')).toBe(
      '<p><a href="https://a.example" rel="nofollow ugc noopener">site</a> and ' +
        '<a href="https://b.example" rel="nofollow ugc noopener">https://b.example</a></p>',
    );
  });

  it('keeps only http, https and mailto links', () => {
    for (const href of [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      'data:text/html,<script>x</script>',
      'vbscript:x',
      '//evil.example/x',
    ]) {
      const html = renderCommentHtml(`[click](${href})`);
      expect(html).not.toMatch(/href/);
    }
    expect(renderCommentHtml('[mail](mailto:a@b.example)')).toContain('href="mailto:a@b.example"');
  });

  it('drops images, headings and tables that Markdown would produce', () => {
    const html = renderCommentHtml('# Big\n\n![x](https://img.example/x.png)\n\n| a |\n|---|\n| b |');
    expect(allowlistViolations(html)).toEqual([]);
    expect(html).not.toMatch(/<img|<h1|<table/);
  });

  it('counts the links in rendered HTML', () => {
    expect(countLinks(renderCommentHtml('https://a.example [b](https://b.example) plain'))).toBe(2);
    expect(countLinks(renderCommentHtml('no links, just <a href="x">raw html</a>'))).toBe(0);
  });

  it('keeps the text of a link it refuses, and the HTML balanced', () => {
    expect(renderCommentHtml('[x](rel) [see](https://attacker.example) after')).toBe(
      '<p>[x](rel) <a href="https://attacker.example" rel="nofollow ugc noopener">see</a> after</p>',
    );
  });

  it('always writes well-formed HTML: parsed and written again, it is the same (property test)', () => {
    // Comments built from the pieces that stress a Markdown renderer and a sanitizer.
    const piece = fc.oneof(
      fc.constantFrom(
        '[x](rel)',
        '[see](https://a.example)',
        '[m](mailto:a@b.example)',
        '[j](javascript:alert(1))',
        '<a href="x">',
        '</a>',
        '</span>',
        '<b>',
        '*',
        '**',
        '_',
        '`',
        '```\n',
        '> ',
        '- ',
        '1. ',
        '\n',
        '\n\n',
        '<',
        '>',
        '&',
        '&amp;',
        '"',
        "'",
        '![i](https://i.example/x.png)',
        'https://b.example/?a=1&b=2',
        '<script>alert(1)</script>',
        '\\',
      ),
      fc.string({ maxLength: 8 }),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 25 }), (pieces) => {
        // `<br />` and `<br>` are the same void element; any other difference is a tag out of place.
        const html = renderCommentHtml(pieces.join('')).replace(/<br \/>/g, '<br>');
        expect(render(parseDocument(html, { decodeEntities: false }), { decodeEntities: false })).toBe(html);
      }),
      { numRuns: 2000 },
    );
  });

  it('turns every payload of the shared XSS lists into HTML within the allowlist', () => {
    const payloads = xssPayloads();
    expect(payloads.length).toBeGreaterThan(5000);
    const failures = payloads
      .map(({ file, payload }) => ({ file, payload, violations: allowlistViolations(renderCommentHtml(payload)) }))
      .filter((r) => r.violations.length > 0);
    expect(failures).toEqual([]);
  });
});
