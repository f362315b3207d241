import { z } from 'zod';
import { parseAddressRange } from '../net/address-range';
import { BAN_KINDS, type BanKind } from './ban-repository';

const domain = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** The value as bans store and match it (lower case, a domain without its `@`), or undefined if it is not one. */
function normalizeBanValue(kind: BanKind, raw: string): string | undefined {
  const value = raw.toLowerCase();
  if (kind === 'email') return z.email().safeParse(value).success ? value : undefined;
  if (kind === 'domain') return domain.test(value.replace(/^@/, '')) ? value.replace(/^@/, '') : undefined;
  return parseAddressRange(value);
}

/** A moderator's request for a ban (`POST /v1/moderation/bans`), its value normalized and its expiry in epoch ms. */
export const newBanSchema = z
  .object({
    kind: z.enum(BAN_KINDS),
    value: z.string().trim().min(1).max(254),
    siteKey: z.string().max(100).nullish(),
    reason: z.string().trim().max(500).nullish(),
    expiresAt: z.iso.datetime({ offset: true }).nullish(),
    rejectPending: z.boolean().default(false),
  })
  .transform((ban, ctx) => {
    const value = normalizeBanValue(ban.kind, ban.value);
    if (value === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['value'],
        message: `not a valid ${ban.kind === 'ip' ? 'IP address or CIDR range' : ban.kind}`,
      });
      return z.NEVER;
    }
    return { ...ban, value, expiresAt: ban.expiresAt ? Date.parse(ban.expiresAt) : null };
  });

export type NewBanRequest = z.infer<typeof newBanSchema>;
