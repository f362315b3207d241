import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The public avatar seed: an HMAC of the email under the instance secret. Unlike a
 * plain MD5/SHA of the email (Gravatar), nobody without the secret can test guesses.
 */
export function authorHash(secret: string, email: string): string {
  return createHmac('sha256', secret).update(`avatar:${email}`).digest('hex').slice(0, 32);
}

/** A bearer token that lets an author see the status of their own comment. */
export function newAuthorToken(): string {
  return randomBytes(24).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function tokenMatches(token: string, expectedHash: string): boolean {
  const actual = Buffer.from(hashToken(token), 'hex');
  const expected = Buffer.from(expectedHash, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** Same text modulo case and whitespace: what "an exact duplicate" means for the checks. */
export function textHash(text: string): string {
  const normalized = text.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
  return createHash('sha256').update(normalized).digest('hex');
}
