import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../db/connect';
import type { ApiTokensTable } from '../db/schema';
import { isoTime, isoTimeOrNull, isoTimestamp } from '../db/timestamps';

export type Role = ApiTokensTable['role'];
export const ROLES: readonly Role[] = ['admin', 'moderator'];

export class TokenScopeError extends Error {}

/** Who is calling the moderation or admin API. */
export const principalSchema = z
  .object({
    id: z.string(),
    role: z.enum(ROLES),
    siteKey: z.string().nullable().describe('Limited to this site; null for every site.'),
    label: z.string().nullable(),
  })
  .meta({ id: 'Principal' });
export type Principal = z.infer<typeof principalSchema>;

/** A token as admins list it: never its secret. */
export const tokenRecordSchema = principalSchema
  .extend({ createdAt: isoTimestamp, revokedAt: isoTimestamp.nullable() })
  .meta({ id: 'TokenRecord' });
export type TokenRecord = z.infer<typeof tokenRecordSchema>;

/** An admin's request for a token (`POST /v1/admin/tokens`). */
export const newTokenSchema = z
  .object({
    role: z.enum(ROLES),
    siteKey: z.string().max(100).nullish(),
    label: z.string().trim().max(100).nullish(),
  })
  .refine((t) => !(t.role === 'admin' && t.siteKey), {
    path: ['siteKey'],
    message: 'an admin token cannot be limited to one site',
  });
export type NewToken = z.infer<typeof newTokenSchema>;

/** Tokens look like `tok_<id>.<secret>`: the id finds the record, the secret is compared in constant time. */
const TOKEN_PATTERN = /^(tok_[A-Za-z0-9_-]{12})\.([A-Za-z0-9_-]{43})$/;

/** The principal of PARLEY_ADMIN_TOKEN, the bootstrap admin. */
const CONFIGURED_ADMIN: Principal = {
  id: 'configured-admin',
  role: 'admin',
  siteKey: null,
  label: 'PARLEY_ADMIN_TOKEN',
};

const sha256 = (value: string) => createHash('sha256').update(value).digest();

function sameSecret(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

function toRecord(row: ApiTokensTable): TokenRecord {
  return {
    id: row.id,
    role: row.role,
    siteKey: row.site_key,
    label: row.label,
    createdAt: isoTime(row.created_at),
    revokedAt: isoTimeOrNull(row.revoked_at),
  };
}

export interface TokenServiceOptions {
  db: Db;
  /** PARLEY_ADMIN_TOKEN, accepted as an admin token when set. */
  configuredAdminToken: string | undefined;
  clock: () => number;
}

/** API tokens for moderators and admins, stored only as hashes. */
export class TokenService {
  constructor(private readonly options: TokenServiceOptions) {}

  /** Creates a token; the returned `token` is the only time the secret is seen. */
  async create(input: NewToken): Promise<{ token: string; record: TokenRecord }> {
    // Admins manage sites and tokens, which no single site owns: an admin token is global.
    if (input.role === 'admin' && input.siteKey)
      throw new TokenScopeError('an admin token cannot be limited to one site; use a moderator token');
    const id = `tok_${randomBytes(9).toString('base64url')}`;
    const secret = randomBytes(32).toString('base64url');
    const row: ApiTokensTable = {
      id,
      secret_hash: sha256(secret).toString('hex'),
      role: input.role,
      site_key: input.siteKey ?? null,
      label: input.label ?? null,
      created_at: this.options.clock(),
      revoked_at: null,
    };
    await this.options.db.insertInto('api_tokens').values(row).execute();
    return { token: `${id}.${secret}`, record: toRecord(row) };
  }

  async list(): Promise<TokenRecord[]> {
    const rows = await this.options.db.selectFrom('api_tokens').selectAll().orderBy('created_at').execute();
    return rows.map(toRecord);
  }

  /** Revokes a token; false if there is no such live token. */
  async revoke(id: string): Promise<boolean> {
    const result = await this.options.db
      .updateTable('api_tokens')
      .set({ revoked_at: this.options.clock() })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Whether any live admin token exists (a fresh install has none). */
  async hasAdmin(): Promise<boolean> {
    const row = await this.options.db
      .selectFrom('api_tokens')
      .select('id')
      .where('role', '=', 'admin')
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Whether the token a principal came from still works (not revoked since): a mail's action link acts only then. */
  async isLive(principal: Principal): Promise<boolean> {
    if (principal.id === CONFIGURED_ADMIN.id) return this.options.configuredAdminToken !== undefined;
    const row = await this.options.db
      .selectFrom('api_tokens')
      .select('revoked_at')
      .where('id', '=', principal.id)
      .executeTakeFirst();
    return row !== undefined && row.revoked_at === null;
  }

  /** The principal a bearer token stands for, or undefined for an unknown, malformed or revoked one. */
  async authenticate(token: string): Promise<Principal | undefined> {
    const configured = this.options.configuredAdminToken;
    if (configured && sameSecret(sha256(token), sha256(configured))) return CONFIGURED_ADMIN;
    const match = TOKEN_PATTERN.exec(token);
    if (!match) return undefined;
    const row = await this.options.db
      .selectFrom('api_tokens')
      .selectAll()
      .where('id', '=', match[1])
      .executeTakeFirst();
    if (!row || row.revoked_at !== null) return undefined;
    if (!sameSecret(sha256(match[2]), Buffer.from(row.secret_hash, 'hex'))) return undefined;
    return { id: row.id, role: row.role, siteKey: row.site_key, label: row.label };
  }
}
