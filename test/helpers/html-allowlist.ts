import { Parser } from 'htmlparser2';

const TAGS = new Set(['p', 'br', 'em', 'strong', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'a']);

/**
 * Independently of the code under test, lists what in `html` could run script or
 * break the allowlist: a tag or attribute outside it, a link scheme other than
 * http/https/mailto, a link without rel="nofollow ugc noopener".
 */
export function allowlistViolations(html: string): string[] {
  const violations: string[] = [];
  const parser = new Parser(
    {
      onopentag(name, attribs) {
        if (!TAGS.has(name)) violations.push(`tag <${name}>`);
        for (const [attr, value] of Object.entries(attribs)) {
          if (name !== 'a' || (attr !== 'href' && attr !== 'rel')) violations.push(`attribute ${attr} on <${name}>`);
          if (attr === 'href' && !/^(https?:\/\/|mailto:)/i.test(value.trim())) violations.push(`href ${value}`);
        }
        if (name === 'a' && attribs.rel !== 'nofollow ugc noopener') violations.push(`rel ${attribs.rel}`);
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();
  return violations;
}
