import { randomUUID } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import { z } from 'zod';
import type { Db } from '../db/connect';
import type { BansTable } from '../db/schema';
import { isoTime, isoTimeOrNull, isoTimestamp } from '../db/timestamps';

/** What a ban matches: an email address, a domain (and its subdomains), or an IP address or range. */
export const BAN_KINDS = ['email', 'domain', 'ip'] as const satisfies readonly BansTable['kind'][];
export type BanKind = (typeof BAN_KINDS)[number];

export const banSchema = z
  .object({
    id: z.uuid(),
    siteKey: z.string().nullable(),
    kind: z.enum(BAN_KINDS),
    value: z.string(),
    reason: z.string().nullable(),
    expiresAt: isoTimestamp.nullable(),
    createdBy: z.string(),
    createdAt: isoTimestamp,
  })
  .meta({ id: 'Ban' });

export type Ban = z.infer<typeof banSchema>;

export interface NewBan {
  siteKey: string | null;
  kind: BanKind;
  value: string;
  reason?: string | null;
  expiresAt?: number | null;
  createdBy: string;
}

function toBan(row: BansTable): Ban {
  return {
    id: row.id,
    siteKey: row.site_key,
    kind: row.kind,
    value: row.value,
    reason: row.reason,
    expiresAt: isoTimeOrNull(row.expires_at),
    createdBy: row.created_by,
    createdAt: isoTime(row.created_at),
  };
}

/** Whether an author (email, IP) falls under any of a set of bans. */
export class BanMatcher {
  private readonly emails = new Set<string>();
  private readonly domains = new Set<string>();
  private readonly ips = new BlockList();
  private readonly byValue = new Map<string, Ban>();

  constructor(readonly bans: Ban[]) {
    for (const ban of bans) {
      this.byValue.set(`${ban.kind}:${ban.value}`, ban);
      if (ban.kind === 'email') this.emails.add(ban.value);
      else if (ban.kind === 'domain') this.domains.add(ban.value);
      else addAddressRange(this.ips, ban.value);
    }
  }

  /** The first ban that applies to this author, if any. */
  match(author: { email: string; ip: string | null }): Ban | undefined {
    const email = author.email.toLowerCase();
    if (this.emails.has(email)) return this.byValue.get(`email:${email}`);
    const domain = email.slice(email.lastIndexOf('@') + 1);
    // A ban on example.com covers mail.example.com too.
    for (let d = domain; d.includes('.'); d = d.slice(d.indexOf('.') + 1)) {
      if (this.domains.has(d)) return this.byValue.get(`domain:${d}`);
    }
    const ip = normalizeIp(author.ip);
    if (ip && this.ips.check(ip, isIP(ip) === 6 ? 'ipv6' : 'ipv4')) {
      return this.bans.find((b) => b.kind === 'ip' && rangeContains(b.value, ip));
    }
    return undefined;
  }
}

/** `::ffff:1.2.3.4` (how Node reports IPv4 on a dual-stack socket) is the IPv4 address 1.2.3.4. */
function normalizeIp(ip: string | null): string | undefined {
  if (!ip) return undefined;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return mapped ? mapped[1] : isIP(ip) ? ip : undefined;
}

function addAddressRange(list: BlockList, value: string): void {
  const [address, bits] = value.split('/');
  const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
  if (bits === undefined) list.addAddress(address, type);
  else list.addSubnet(address, Number(bits), type);
}

function rangeContains(range: string, ip: string): boolean {
  const single = new BlockList();
  addAddressRange(single, range);
  return single.check(ip, isIP(ip) === 6 ? 'ipv6' : 'ipv4');
}

export class BanRepository {
  constructor(private readonly options: { db: Db; clock: () => number }) {}

  async create(input: NewBan): Promise<Ban> {
    const row: BansTable = {
      id: randomUUID(),
      site_key: input.siteKey,
      kind: input.kind,
      value: input.value,
      reason: input.reason ?? null,
      expires_at: input.expiresAt ?? null,
      created_by: input.createdBy,
      created_at: this.options.clock(),
    };
    await this.options.db.insertInto('bans').values(row).execute();
    return toBan(row);
  }

  async find(id: string): Promise<Ban | undefined> {
    const row = await this.options.db.selectFrom('bans').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toBan(row);
  }

  async delete(id: string): Promise<void> {
    await this.options.db.deleteFrom('bans').where('id', '=', id).execute();
  }

  /** Bans in force: for one site, its own and the global ones; for `siteKey: null`, every ban. */
  async active(options: { siteKey: string | null }): Promise<Ban[]> {
    const now = this.options.clock();
    let query = this.options.db
      .selectFrom('bans')
      .selectAll()
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]));
    if (options.siteKey !== null) {
      const siteKey = options.siteKey;
      query = query.where((eb) => eb.or([eb('site_key', 'is', null), eb('site_key', '=', siteKey)]));
    }
    const rows = await query.orderBy('created_at', 'desc').execute();
    return rows.map(toBan);
  }

  async matcherFor(siteKey: string): Promise<BanMatcher> {
    return new BanMatcher(await this.active({ siteKey }));
  }
}
