import { randomUUID } from 'node:crypto';
import type { Selectable, Transaction } from 'kysely';
import { z } from 'zod';
import { principalSchema, type Principal } from '../auth/token-service';
import type { Db } from '../db/connect';
import type { Database, MailAddressesTable, MailMessagesTable, MailStatus, MailSubscriptionsTable } from '../db/schema';

type Executor = Db | Transaction<Database>;

export type AddressRow = Selectable<MailAddressesTable>;
export type MessageRow = Selectable<MailMessagesTable>;

/** A subscription with its address. */
export interface Subscription {
  id: string;
  kind: MailSubscriptionsTable['kind'];
  siteKey: string | null;
  commentId: string | null;
  events: string[];
  mode: MailSubscriptionsTable['mode'];
  /** Who a moderator's action links act as. */
  principal: Principal | null;
  lastDigestAt: number | null;
  unsubscribedAt: number | null;
  createdAt: number;
  address: AddressRow;
}

const storedEvents = z.array(z.string());

/** Whether a subscription may be mailed now: confirmed, and nobody unsubscribed it or its address. */
export function isActive(subscription: Subscription): boolean {
  const { address } = subscription;
  return subscription.unsubscribedAt === null && address.confirmed_at !== null && address.unsubscribed_at === null;
}

type JoinedRow = Selectable<MailSubscriptionsTable> & { [K in keyof AddressRow as `a_${K}`]: AddressRow[K] };

function toSubscription(row: JoinedRow): Subscription {
  return {
    id: row.id,
    kind: row.kind,
    siteKey: row.site_key,
    commentId: row.comment_id,
    events: storedEvents.parse(JSON.parse(row.events)),
    mode: row.mode,
    principal: row.principal === null ? null : principalSchema.parse(JSON.parse(row.principal)),
    lastDigestAt: row.last_digest_at === null ? null : Number(row.last_digest_at),
    unsubscribedAt: row.unsubscribed_at === null ? null : Number(row.unsubscribed_at),
    createdAt: Number(row.created_at),
    address: toAddress({
      id: row.a_id,
      scope: row.a_scope,
      email: row.a_email,
      email_hash: row.a_email_hash,
      confirmed_at: row.a_confirmed_at,
      confirmation_sent_at: row.a_confirmation_sent_at,
      unsubscribed_at: row.a_unsubscribed_at,
      created_at: row.a_created_at,
    }),
  };
}

const numberOrNull = (v: number | string | null) => (v === null ? null : Number(v));

/** PostgreSQL hands bigints back as strings. */
function toAddress(row: AddressRow): AddressRow {
  return {
    ...row,
    confirmed_at: numberOrNull(row.confirmed_at),
    confirmation_sent_at: numberOrNull(row.confirmation_sent_at),
    unsubscribed_at: numberOrNull(row.unsubscribed_at),
    created_at: Number(row.created_at),
  };
}

function toMessage(row: MessageRow): MessageRow {
  return {
    ...row,
    attempts: Number(row.attempts),
    created_at: Number(row.created_at),
    updated_at: Number(row.updated_at),
    sent_at: numberOrNull(row.sent_at),
  };
}

export interface NewMessage {
  dedupeKey: string;
  template: string;
  recipient: string;
  recipientHash: string;
  siteKey: string | null;
  subscriptionId: string | null;
  commentId: string | null;
  params?: Record<string, unknown>;
  status?: MailStatus;
  at: number;
}

/** The mail tables: addresses, subscriptions, the outbox and delivery log, used link nonces. */
export class MailStore {
  constructor(readonly db: Db) {}

  /** The address on a scope (a site key or `*`), created unconfirmed if it is new. */
  async ensureAddress(
    trx: Executor,
    input: { scope: string; email: string; emailHash: string; at: number },
  ): Promise<AddressRow> {
    await trx
      .insertInto('mail_addresses')
      .values({
        id: randomUUID(),
        scope: input.scope,
        email: input.email,
        email_hash: input.emailHash,
        confirmed_at: null,
        confirmation_sent_at: null,
        unsubscribed_at: null,
        created_at: input.at,
      })
      .onConflict((oc) => oc.columns(['scope', 'email_hash']).doNothing())
      .execute();
    const row = await trx
      .selectFrom('mail_addresses')
      .selectAll()
      .where('scope', '=', input.scope)
      .where('email_hash', '=', input.emailHash)
      .executeTakeFirstOrThrow();
    return toAddress(row);
  }

  async address(id: string, trx: Executor = this.db): Promise<AddressRow | undefined> {
    const row = await trx.selectFrom('mail_addresses').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toAddress(row);
  }

  async updateAddress(trx: Executor, id: string, changes: Partial<MailAddressesTable>): Promise<void> {
    await trx.updateTable('mail_addresses').set(changes).where('id', '=', id).execute();
  }

  async createSubscription(
    trx: Executor,
    input: Omit<MailSubscriptionsTable, 'id' | 'last_digest_at' | 'unsubscribed_at'>,
  ): Promise<string> {
    const id = randomUUID();
    await trx
      .insertInto('mail_subscriptions')
      .values({ ...input, id, last_digest_at: input.created_at, unsubscribed_at: null })
      .execute();
    return id;
  }

  private joined(trx: Executor) {
    return trx
      .selectFrom('mail_subscriptions as s')
      .innerJoin('mail_addresses as a', 'a.id', 's.address_id')
      .selectAll('s')
      .select([
        'a.id as a_id',
        'a.scope as a_scope',
        'a.email as a_email',
        'a.email_hash as a_email_hash',
        'a.confirmed_at as a_confirmed_at',
        'a.confirmation_sent_at as a_confirmation_sent_at',
        'a.unsubscribed_at as a_unsubscribed_at',
        'a.created_at as a_created_at',
      ]);
  }

  async subscription(id: string, trx: Executor = this.db): Promise<Subscription | undefined> {
    const row = await this.joined(trx).where('s.id', '=', id).executeTakeFirst();
    return row && toSubscription(row);
  }

  /** Subscriptions of one kind; for moderators, limited to a site's and the all-site ones when `siteKey` is given. */
  async subscriptions(
    options: { kind: 'moderator' | 'replies'; siteKey?: string | null; commentId?: string; emailHash?: string },
    trx: Executor = this.db,
  ): Promise<Subscription[]> {
    let query = this.joined(trx).where('s.kind', '=', options.kind);
    if (options.siteKey !== undefined && options.siteKey !== null) {
      const siteKey = options.siteKey;
      query = query.where((eb) => eb.or([eb('s.site_key', '=', siteKey), eb('s.site_key', 'is', null)]));
    }
    if (options.commentId !== undefined) query = query.where('s.comment_id', '=', options.commentId);
    if (options.emailHash !== undefined) query = query.where('a.email_hash', '=', options.emailHash);
    const rows = await query.orderBy('s.created_at').execute();
    return rows.map(toSubscription);
  }

  /** Every subscription of an address hash, of either kind (the privacy export). */
  async subscriptionsOf(emailHash: string): Promise<Subscription[]> {
    const rows = await this.joined(this.db).where('a.email_hash', '=', emailHash).orderBy('s.created_at').execute();
    return rows.map(toSubscription);
  }

  async updateSubscription(trx: Executor, id: string, changes: Partial<MailSubscriptionsTable>): Promise<void> {
    await trx.updateTable('mail_subscriptions').set(changes).where('id', '=', id).execute();
  }

  async deleteSubscription(id: string): Promise<void> {
    await this.db.deleteFrom('mail_subscriptions').where('id', '=', id).execute();
  }

  /** Stops every subscription of an address (an unsubscribe from the whole site). */
  async unsubscribeAddress(trx: Executor, addressId: string, at: number): Promise<void> {
    await trx.updateTable('mail_addresses').set({ unsubscribed_at: at }).where('id', '=', addressId).execute();
    await trx
      .updateTable('mail_subscriptions')
      .set({ unsubscribed_at: at })
      .where('address_id', '=', addressId)
      .where('unsubscribed_at', 'is', null)
      .execute();
  }

  /** Adds a mail unless one with the same dedupe key exists; returns its id if it was added. */
  async addMessage(trx: Executor, input: NewMessage): Promise<string | undefined> {
    const id = randomUUID();
    const result = await trx
      .insertInto('mail_messages')
      .values({
        id,
        dedupe_key: input.dedupeKey,
        template: input.template,
        recipient: input.recipient,
        recipient_hash: input.recipientHash,
        site_key: input.siteKey,
        subscription_id: input.subscriptionId,
        comment_id: input.commentId,
        params: JSON.stringify(input.params ?? {}),
        status: input.status ?? 'pending',
        attempts: 0,
        smtp_answer: null,
        created_at: input.at,
        updated_at: input.at,
        sent_at: null,
      })
      .onConflict((oc) => oc.column('dedupe_key').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0 ? id : undefined;
  }

  async message(id: string): Promise<MessageRow | undefined> {
    const row = await this.db.selectFrom('mail_messages').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toMessage(row);
  }

  async updateMessage(id: string, changes: Partial<MailMessagesTable>, trx: Executor = this.db): Promise<void> {
    await trx.updateTable('mail_messages').set(changes).where('id', '=', id).execute();
  }

  /** Pending mails older than `before`: the ones whose job may have been lost (Redis was down). */
  async pendingIds(options: { before: number; limit: number }): Promise<string[]> {
    const rows = await this.db
      .selectFrom('mail_messages')
      .select('id')
      .where('status', '=', 'pending')
      .where('created_at', '<', options.before)
      .orderBy('created_at')
      .limit(options.limit)
      .execute();
    return rows.map((r) => r.id);
  }

  /** When each of the mails sent (or being sent) to an address since `since` went out, oldest first. */
  async sentSince(recipientHash: string, since: number): Promise<number[]> {
    const rows = await this.db
      .selectFrom('mail_messages')
      .select('sent_at')
      .where('recipient_hash', '=', recipientHash)
      .where('sent_at', '>=', since)
      .orderBy('sent_at')
      .execute();
    return rows.map((r) => Number(r.sent_at));
  }

  /**
   * Takes one of the address's mails of the hour for this message, in one statement so
   * that two workers sending to the same address at once cannot both take the last one.
   * False when the address has had its share.
   */
  async reserveSlot(options: {
    id: string;
    recipientHash: string;
    since: number;
    limit: number;
    at: number;
  }): Promise<boolean> {
    const result = await this.db
      .updateTable('mail_messages')
      .set({ sent_at: options.at })
      .where('id', '=', options.id)
      .where(
        (eb) =>
          eb
            .selectFrom('mail_messages as m')
            .select((e) => e.fn.countAll().as('n'))
            .where('m.recipient_hash', '=', options.recipientHash)
            .where('m.sent_at', '>=', options.since),
        '<',
        options.limit,
      )
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Mails held back by the per-address limit, waiting for a digest, oldest first. */
  async waiting(options: { recipientHash?: string; limit: number }): Promise<MessageRow[]> {
    let query = this.db.selectFrom('mail_messages').selectAll().where('status', '=', 'waiting');
    if (options.recipientHash) query = query.where('recipient_hash', '=', options.recipientHash);
    const rows = await query.orderBy('created_at').limit(options.limit).execute();
    return rows.map(toMessage);
  }

  /** The delivery log of an address hash, newest first. */
  async log(recipientHash: string): Promise<MessageRow[]> {
    const rows = await this.db
      .selectFrom('mail_messages')
      .selectAll()
      .where('recipient_hash', '=', recipientHash)
      .orderBy('created_at', 'desc')
      .execute();
    return rows.map(toMessage);
  }

  /** Erases the delivery log of an address hash; returns how many entries. */
  async eraseLog(emailHash: string): Promise<number> {
    const result = await this.db.deleteFrom('mail_messages').where('recipient_hash', '=', emailHash).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Erases an address hash's addresses and their subscriptions; returns how many rows. */
  async eraseSubscriptions(emailHash: string): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const addresses = trx.selectFrom('mail_addresses').select('id').where('email_hash', '=', emailHash);
      const subscriptions = await trx
        .deleteFrom('mail_subscriptions')
        .where('address_id', 'in', addresses)
        .executeTakeFirst();
      const deleted = await trx.deleteFrom('mail_addresses').where('email_hash', '=', emailHash).executeTakeFirst();
      return Number(subscriptions.numDeletedRows) + Number(deleted.numDeletedRows);
    });
  }

  /** Forgets requests that were never confirmed and were made before `before`, and the addresses left with none. */
  async expireUnconfirmed(before: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const unconfirmed = trx.selectFrom('mail_addresses').select('id').where('confirmed_at', 'is', null);
      await trx
        .deleteFrom('mail_subscriptions')
        .where('created_at', '<', before)
        .where('address_id', 'in', unconfirmed)
        .execute();
      await trx
        .deleteFrom('mail_addresses')
        .where('confirmed_at', 'is', null)
        .where('created_at', '<', before)
        .where(({ not, exists, selectFrom }) =>
          not(exists(selectFrom('mail_subscriptions').select('id').whereRef('address_id', '=', 'mail_addresses.id'))),
        )
        .execute();
    });
  }

  async nonceUsed(nonce: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('mail_link_uses')
      .select('nonce')
      .where('nonce', '=', nonce)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Marks a single-use link used; false if it already was. */
  async useNonce(nonce: string, at: number, trx: Executor = this.db): Promise<boolean> {
    const result = await trx
      .insertInto('mail_link_uses')
      .values({ nonce, used_at: at })
      .onConflict((oc) => oc.column('nonce').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }
}
