import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/** How long an action or confirmation link works. */
export const LINK_LIFETIME_MS = 7 * 24 * 3600_000;

/** What a link in a mail stands for; signed, so that nobody can make one up or change it. */
export const linkSchema = z.discriminatedUnion('kind', [
  /** A moderator's one-click decision on a comment: single-use (`nonce`) and expiring. */
  z.object({
    kind: z.literal('act'),
    action: z.enum(['approve', 'reject', 'spam']),
    commentId: z.string(),
    subscriptionId: z.string(),
    nonce: z.string(),
    expiresAt: z.number(),
  }),
  /** The double opt-in of an address on a site. */
  z.object({ kind: z.literal('confirm'), addressId: z.string(), expiresAt: z.number() }),
  /** Stops one subscription (`thread`) or everything the address gets from its site (`site`). */
  z.object({ kind: z.literal('unsubscribe'), subscriptionId: z.string(), scope: z.enum(['thread', 'site']) }),
]);
export type MailLink = z.infer<typeof linkSchema>;

export type LinkCheck = { ok: true; link: MailLink } | { ok: false; reason: 'forged' | 'expired' };

const keyFor = (secret: string) => createHmac('sha256', secret).update('parley mail links').digest();

function signature(secret: string, payload: string): string {
  return createHmac('sha256', keyFor(secret)).update(payload).digest('base64url');
}

/**
 * A link's token: its fields as base64url JSON and an HMAC of them with the instance
 * secret. It names subscriptions by id, never an address.
 */
export function signLink(secret: string, link: MailLink): string {
  const payload = Buffer.from(JSON.stringify(link)).toString('base64url');
  return `${payload}.${signature(secret, payload)}`;
}

export function verifyLink(secret: string, token: string, now: number): LinkCheck {
  const [payload, sig, extra] = token.split('.');
  if (!payload || !sig || extra !== undefined) return { ok: false, reason: 'forged' };
  const expected = Buffer.from(signature(secret, payload));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'forged' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'forged' };
  }
  const link = linkSchema.safeParse(parsed);
  if (!link.success) return { ok: false, reason: 'forged' };
  if ('expiresAt' in link.data && link.data.expiresAt < now) return { ok: false, reason: 'expired' };
  return { ok: true, link: link.data };
}

export const newNonce = () => randomBytes(12).toString('base64url');

/** The keyed hash an address is kept as in the delivery log (and found by in the privacy export). */
export function addressHash(secret: string, email: string): string {
  return createHmac('sha256', secret).update(`mail address:${email.trim().toLowerCase()}`).digest('hex');
}
