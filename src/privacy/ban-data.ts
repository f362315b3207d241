import type { Db } from '../db/connect';
import { isoTime, isoTimeOrNull } from '../db/timestamps';
import type { PersonalDataSource } from './personal-data';

/** The IPs the address's comments were sent from: what an IP ban about the person holds. */
export async function ipsOfAuthor(db: Db, email: string): Promise<string[]> {
  const rows = await db
    .selectFrom('comments')
    .select('ip')
    .distinct()
    .where('author_email', '=', email)
    .where('ip', 'is not', null)
    .execute();
  return rows.map((r) => r.ip!);
}

/** Bans of the address itself, or of an IP its comments came from. */
export class BanPersonalData implements PersonalDataSource {
  readonly name = 'bans';

  constructor(private readonly options: { db: Db }) {}

  private async matching(email: string) {
    const ips = await ipsOfAuthor(this.options.db, email);
    return this.options.db
      .selectFrom('bans')
      .selectAll()
      .where((eb) =>
        eb.or([
          eb.and([eb('kind', '=', 'email'), eb('value', '=', email)]),
          ...(ips.length > 0 ? [eb.and([eb('kind', '=', 'ip'), eb('value', 'in', ips)])] : []),
        ]),
      )
      .execute();
  }

  async export(email: string): Promise<unknown[]> {
    return (await this.matching(email)).map((row) => ({
      id: row.id,
      siteKey: row.site_key,
      kind: row.kind,
      value: row.value,
      reason: row.reason,
      expiresAt: isoTimeOrNull(row.expires_at),
      createdAt: isoTime(row.created_at),
    }));
  }

  async erase(email: string): Promise<number> {
    const ids = (await this.matching(email)).map((row) => row.id);
    if (ids.length > 0) await this.options.db.deleteFrom('bans').where('id', 'in', ids).execute();
    return ids.length;
  }
}
