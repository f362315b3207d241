import { isIP } from 'node:net';
import type { Db } from '../db/connect';

/**
 * An IP cut to its network: IPv4 to its /24, IPv6 to its /48 (an IPv4-mapped IPv6
 * address as the IPv4 it is). What remains still says roughly where a comment came
 * from (a moderator can spot a spam network) but no longer names a connection.
 */
export function anonymizeIp(ip: string): string | undefined {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  const address = mapped ? mapped[1] : ip;
  const version = isIP(address);
  if (version === 4) return `${address.split('.').slice(0, 3).join('.')}.0/24`;
  if (version !== 6) return undefined;
  // Expand `::` so the first three groups are known.
  const [head, tail = ''] = address.toLowerCase().split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = address.includes('::') ? (tail ? tail.split(':') : []) : [];
  const groups = address.includes('::')
    ? [...headGroups, ...Array(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups]
    : headGroups;
  return `${groups
    .slice(0, 3)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/48`;
}

/**
 * The retention of IPs: comments older than `days` keep only their IP's network. An
 * anonymized IP is a range (it has a `/`), so a run skips it; runs are repeatable and
 * go a batch of distinct IPs at a time.
 */
export class IpRetention {
  constructor(private readonly options: { db: Db; days: number; clock: () => number }) {}

  /** Returns how many comments had their IP anonymized. */
  async run(): Promise<number> {
    const { db, days, clock } = this.options;
    if (days <= 0) return 0;
    const before = clock() - days * 24 * 3600_000;
    let changed = 0;
    for (;;) {
      const rows = await db
        .selectFrom('comments')
        .select('ip')
        .distinct()
        .where('created_at', '<', before)
        .where('ip', 'is not', null)
        .where('ip', 'not like', '%/%')
        .where('ip', '!=', '')
        .limit(500)
        .execute();
      if (rows.length === 0) return changed;
      for (const { ip } of rows) {
        const result = await db
          .updateTable('comments')
          // Something that is no IP at all is not kept either.
          .set({ ip: anonymizeIp(ip!) ?? '' })
          .where('ip', '=', ip)
          .where('created_at', '<', before)
          .executeTakeFirst();
        changed += Number(result.numUpdatedRows);
      }
    }
  }
}
