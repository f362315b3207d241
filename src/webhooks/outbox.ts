import type { Transaction } from 'kysely';
import type { Logger } from 'pino';
import type { Db } from '../db/connect';
import type { Database } from '../db/schema';
import type { WebhookQueue } from '../queue/webhook-queue';
import type { Comment } from '../comments/comment-record';
import { commentEvent, type EventType } from './events';
import type { WebhookStore } from './webhook-store';

/** A change to a comment that emits an event: the comment as it is after it, and the event's type. */
export interface CommentChange {
  type: EventType;
  comment: Comment;
  at: number;
}

export interface EventOutboxOptions {
  db: Db;
  webhookStore: WebhookStore;
  webhookQueue: WebhookQueue;
  logger: Logger;
  clock: () => number;
}

/**
 * Changes that emit webhook events: the change and its events are written in one
 * transaction, then the events are queued. If queueing fails (Redis down), the events
 * are still in the database and the webhook worker's sweep queues them later, so an
 * event is never lost and keeps its id (the `webhook-id`). A deletion also erases the
 * comment from the events before it.
 */
export class EventOutbox {
  constructor(private readonly options: EventOutboxOptions) {}

  async commit<T>(change: (trx: Transaction<Database>) => Promise<{ result: T; events: CommentChange[] }>): Promise<T> {
    const { db, webhookStore, clock } = this.options;
    const { result, events } = await db.transaction().execute(async (trx) => {
      const outcome = await change(trx);
      const events = outcome.events.map(commentEvent);
      // A site with no endpoint (most of them) costs no fan-out job; its events are kept all the same.
      const sites = [...new Set(events.map((e) => e.siteKey))];
      const wanted = new Set<string>();
      for (const site of sites) if (await webhookStore.siteHasEndpoints(trx, site)) wanted.add(site);
      for (const event of events) {
        await webhookStore.addEvent(trx, event, clock(), { fannedOut: !wanted.has(event.siteKey) });
        if (event.type === 'comment.deleted') await webhookStore.eraseFromEvents(trx, event);
      }
      return { result: outcome.result, events: events.filter((e) => wanted.has(e.siteKey)) };
    });
    for (const event of events) {
      await this.options.webhookQueue.fanOut(event.id).catch((err: Error) => {
        this.options.logger.warn(
          { eventId: event.id, err: err.message },
          'could not queue a webhook event; the sweep will',
        );
      });
    }
    return result;
  }
}
