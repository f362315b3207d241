import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The public avatar seed: a keyed hash of the email, per site. Without the secret nobody
 * can compute it from a guessed email, and the same person looks different on two sites.
 */
export function authorHash(options: { secret: string; siteKey: string; email: string }): string {
  return createHmac('sha256', options.secret)
    .update(`avatar:${options.siteKey}:${options.email}`)
    .digest('hex')
    .slice(0, 32);
}

/**
 * The avatar the submission answer shows for a comment not yet published: derived from
 * the comment, not the email, so submitting a guessed email tells nothing about
 * whose published comments carry which avatar.
 */
export function pendingAvatar(options: { secret: string; commentId: string }): string {
  return createHmac('sha256', options.secret).update(`pending-avatar:${options.commentId}`).digest('hex').slice(0, 32);
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
