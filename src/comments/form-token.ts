import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The time trap's token: `<issuedAt>.<nonce>.<mac>`, signed for one site. The widget
 * fetches one when it shows the form and sends it with the comment; the worker checks
 * how long the form was open.
 */
export function issueFormToken(options: { secret: string; siteKey: string; now: number }): string {
  const nonce = randomBytes(9).toString('base64url');
  return `${options.now}.${nonce}.${mac(options.secret, options.siteKey, options.now, nonce)}`;
}

export type FormTokenCheck = { valid: true; issuedAt: number } | { valid: false };

export function verifyFormToken(options: { secret: string; siteKey: string; token: string }): FormTokenCheck {
  const match = /^(\d{13})\.([\w-]{12})\.([\w-]{22})$/.exec(options.token);
  if (!match) return { valid: false };
  const issuedAt = Number(match[1]);
  const expected = Buffer.from(mac(options.secret, options.siteKey, issuedAt, match[2]));
  const actual = Buffer.from(match[3]);
  return actual.length === expected.length && timingSafeEqual(actual, expected)
    ? { valid: true, issuedAt }
    : { valid: false };
}

function mac(secret: string, siteKey: string, issuedAt: number, nonce: string): string {
  return createHmac('sha256', secret)
    .update(`form-token:${siteKey}:${issuedAt}:${nonce}`)
    .digest('base64url')
    .slice(0, 22);
}
