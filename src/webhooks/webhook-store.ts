import { randomUUID } from 'node:crypto';
import type { Selectable, Transaction, Updateable } from 'kysely';
import { z } from 'zod';
import type { Db } from '../db/connect';
import type { Database, WebhookDeliveriesTable, WebhookEndpointsTable, WebhookMessagesTable } from '../db/schema';
import { isoTime, isoTimeOrNull, isoTimestamp } from '../db/timestamps';
import type { NewEvent } from './events';

export type EndpointRow = Selectable<WebhookEndpointsTable>;
export type MessageRow = Selectable<WebhookMessagesTable>;
export type DeliveryRow = Selectable<WebhookDeliveriesTable>;

/** A webhook endpoint as admins see it: never its secret. */
export const endpointSchema = z
  .object({
    id: z.uuid(),
    siteKey: z.string(),
    url: z.string(),
    description: z.string().nullable(),
    events: z.array(z.string()).describe('Event types, or `*` for all.'),
    enabled: z.boolean(),
    disabledReason: z.string().nullable().describe('Why Parley disabled it (deliveries kept failing), if it did.'),
    failingSince: isoTimestamp.nullable(),
    secretRotatedUntil: isoTimestamp.nullable().describe('Until then, the previous secret signs too.'),
    createdAt: isoTimestamp,
  })
  .meta({ id: 'WebhookEndpoint' });
export type Endpoint = z.infer<typeof endpointSchema>;

/** One attempt to deliver an event to an endpoint. */
export const deliverySchema = z
  .object({
    id: z.string(),
    eventId: z.string(),
    eventType: z.string(),
    attempt: z.number().int(),
    succeeded: z.boolean(),
    statusCode: z.number().int().nullable(),
    latencyMs: z.number(),
    responseBody: z.string().nullable().describe("The start of the receiver's answer."),
    error: z.string().nullable(),
    createdAt: isoTimestamp,
  })
  .meta({ id: 'WebhookDelivery' });
export type Delivery = z.infer<typeof deliverySchema>;

/** The event types an endpoint subscribes to (or `*`), as stored. */
const storedEventTypes = z.array(z.string());
/** What erasing an earlier event needs of its stored payload: its comment's status; the rest is kept as it is. */
const storedPayload = z.looseObject({ data: z.looseObject({ comment: z.looseObject({ status: z.string() }) }) });

export function toEndpoint(row: EndpointRow): Endpoint {
  return {
    id: row.id,
    siteKey: row.site_key,
    url: row.url,
    description: row.description,
    events: storedEventTypes.parse(JSON.parse(row.events)),
    enabled: Boolean(row.enabled),
    disabledReason: row.disabled_reason,
    failingSince: isoTimeOrNull(row.failing_since),
    secretRotatedUntil: isoTimeOrNull(row.previous_secret_expires_at),
    createdAt: isoTime(row.created_at),
  };
}

export function toDelivery(row: DeliveryRow): Delivery {
  return {
    id: row.id,
    eventId: row.event_id,
    eventType: row.event_type,
    attempt: Number(row.attempt),
    succeeded: Boolean(row.succeeded),
    statusCode: row.status_code === null ? null : Number(row.status_code),
    latencyMs: Number(row.latency_ms),
    responseBody: row.response_body,
    error: row.error,
    createdAt: isoTime(row.created_at),
  };
}

type Executor = Db | Transaction<Database>;

/** The webhook tables: endpoints, the event outbox, messages per endpoint, delivery attempts. */
export class WebhookStore {
  constructor(private readonly db: Db) {}

  async createEndpoint(row: WebhookEndpointsTable): Promise<void> {
    await this.db.insertInto('webhook_endpoints').values(row).execute();
  }

  async endpoint(id: string): Promise<EndpointRow | undefined> {
    return this.db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async endpoints(siteKey: string): Promise<EndpointRow[]> {
    return this.db
      .selectFrom('webhook_endpoints')
      .selectAll()
      .where('site_key', '=', siteKey)
      .orderBy('created_at')
      .execute();
  }

  async updateEndpoint(id: string, changes: Partial<WebhookEndpointsTable>): Promise<void> {
    await this.db.updateTable('webhook_endpoints').set(changes).where('id', '=', id).execute();
  }

  async deleteEndpoint(id: string): Promise<void> {
    await this.db.deleteFrom('webhook_endpoints').where('id', '=', id).execute();
  }

  /** Adds an event in the caller's transaction; adding the same event twice changes nothing. */
  /** Whether any enabled endpoint of the site could want an event: if none, the event needs no fan-out. */
  async siteHasEndpoints(trx: Executor, siteKey: string): Promise<boolean> {
    const row = await trx
      .selectFrom('webhook_endpoints')
      .select('id')
      .where('site_key', '=', siteKey)
      .where('enabled', '=', 1)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Stores an event; `fannedOut` marks one that no endpoint wants, so no fan-out job is made for it. */
  async addEvent(trx: Executor, event: NewEvent, at: number, options: { fannedOut: boolean }): Promise<void> {
    await trx
      .insertInto('webhook_events')
      .values({
        id: event.id,
        site_key: event.siteKey,
        comment_id: event.commentId,
        type: event.type,
        sequence: event.sequence,
        payload: JSON.stringify(event.payload),
        created_at: at,
        fanned_out_at: options.fannedOut ? at : null,
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }

  /**
   * Replaces the comment in every earlier event of a deleted comment with its erased
   * form (each keeping its own status), so a delivery still pending, or a redelivery,
   * sends nothing that was erased.
   */
  async eraseFromEvents(trx: Executor, deleted: NewEvent): Promise<void> {
    const earlier = await trx
      .selectFrom('webhook_events')
      .select(['id', 'payload'])
      .where('comment_id', '=', deleted.commentId)
      .execute();
    for (const row of earlier) {
      if (row.id === deleted.id) continue;
      const payload = storedPayload.parse(JSON.parse(row.payload));
      payload.data.comment = { ...deleted.payload.data.comment, status: payload.data.comment.status };
      await trx
        .updateTable('webhook_events')
        .set({ payload: JSON.stringify(payload) })
        .where('id', '=', row.id)
        .execute();
    }
  }

  async event(id: string) {
    return this.db.selectFrom('webhook_events').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Events whose messages were never created (their fan-out job was lost), oldest first. */
  async eventsNotFannedOut(options: { before: number; limit: number }): Promise<string[]> {
    const rows = await this.db
      .selectFrom('webhook_events')
      .select('id')
      .where('fanned_out_at', 'is', null)
      .where('created_at', '<', options.before)
      .orderBy('created_at')
      .limit(options.limit)
      .execute();
    return rows.map((r) => r.id);
  }

  /**
   * Creates one message per enabled endpoint of the site that wants this event type,
   * and marks the event fanned out, in one transaction. Returns the ids of all the
   * event's pending messages, so a fan-out retried after failing to queue some of
   * them queues them again (a message's job id is its own id: no duplicates).
   */
  async fanOut(eventId: string, at: number): Promise<string[]> {
    return this.db.transaction().execute(async (trx) => {
      const event = await trx.selectFrom('webhook_events').selectAll().where('id', '=', eventId).executeTakeFirst();
      if (!event) return [];
      if (event.fanned_out_at !== null) {
        const pending = await trx
          .selectFrom('webhook_messages')
          .select('id')
          .where('event_id', '=', eventId)
          .where('state', '=', 'pending')
          .execute();
        return pending.map((m) => m.id);
      }
      const endpoints = await trx
        .selectFrom('webhook_endpoints')
        .selectAll()
        .where('site_key', '=', event.site_key)
        .where('enabled', '=', 1)
        .execute();
      const wanted = endpoints.filter((e) => {
        const types = storedEventTypes.parse(JSON.parse(e.events));
        return types.includes('*') || types.includes(event.type);
      });
      const messages = wanted.map((e) => ({
        id: `${event.id}.${e.id}`,
        endpoint_id: e.id,
        event_id: event.id,
        comment_id: event.comment_id,
        sequence: event.sequence,
        state: 'pending' as const,
        attempts: 0,
        created_at: at,
        finished_at: null,
      }));
      if (messages.length > 0)
        await trx
          .insertInto('webhook_messages')
          .values(messages)
          .onConflict((oc) => oc.column('id').doNothing())
          .execute();
      await trx.updateTable('webhook_events').set({ fanned_out_at: at }).where('id', '=', eventId).execute();
      return messages.map((m) => m.id);
    });
  }

  async message(id: string): Promise<MessageRow | undefined> {
    return this.db.selectFrom('webhook_messages').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Whether an earlier event of the same comment is still on its way to this endpoint. */
  /**
   * Pending messages made before `before`, in the order they were made, after `after`
   * (the last one a previous page ended on): the sweep walks them page by page.
   */
  async pendingMessages(options: {
    before: number;
    after?: { createdAt: number; id: string };
    limit: number;
  }): Promise<Pick<MessageRow, 'id' | 'job_id' | 'created_at'>[]> {
    const { after } = options;
    return this.db
      .selectFrom('webhook_messages')
      .select(['id', 'job_id', 'created_at'])
      .where('state', '=', 'pending')
      .where('created_at', '<', options.before)
      .$if(after !== undefined, (q) =>
        q.where((eb) =>
          eb.or([
            eb('created_at', '>', after!.createdAt),
            eb.and([eb('created_at', '=', after!.createdAt), eb('id', '>', after!.id)]),
          ]),
        ),
      )
      .orderBy('created_at')
      .orderBy('id')
      .limit(options.limit)
      .execute();
  }

  async hasEarlierPending(message: MessageRow): Promise<boolean> {
    const row = await this.db
      .selectFrom('webhook_messages')
      .select('id')
      .where('endpoint_id', '=', message.endpoint_id)
      .where('comment_id', '=', message.comment_id)
      .where('sequence', '<', message.sequence)
      .where('state', '=', 'pending')
      .executeTakeFirst();
    return row !== undefined;
  }

  async updateMessage(id: string, changes: Updateable<WebhookMessagesTable>): Promise<void> {
    await this.db.updateTable('webhook_messages').set(changes).where('id', '=', id).execute();
  }

  async recordDelivery(delivery: Omit<WebhookDeliveriesTable, 'id'>): Promise<Delivery> {
    const row = { id: randomUUID(), ...delivery };
    await this.db.insertInto('webhook_deliveries').values(row).execute();
    return toDelivery(row);
  }

  async delivery(id: string): Promise<DeliveryRow | undefined> {
    return this.db.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** An endpoint's delivery attempts, newest first. */
  async deliveries(options: { endpointId: string; limit: number; before?: number }): Promise<Delivery[]> {
    let query = this.db.selectFrom('webhook_deliveries').selectAll().where('endpoint_id', '=', options.endpointId);
    if (options.before !== undefined) query = query.where('created_at', '<', options.before);
    const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(options.limit).execute();
    return rows.map(toDelivery);
  }
}
