import type { Transaction } from 'kysely';
import type { Logger } from 'pino';
import type { Comment } from '../comments/comment-record';
import type { Database } from '../db/schema';
import type { MailQueue } from '../queue/mail-queue';
import type { CommentChange, OutboxListener } from '../webhooks/outbox';
import { addressHash, LINK_LIFETIME_MS } from './mail-links';
import { isActive, type MailStore } from './mail-store';

/** A second confirmation mail is sent no sooner than this after the first. */
export const CONFIRMATION_INTERVAL_MS = 24 * 3600_000;

/** The statuses a moderator's subscription may ask to hear about. */
export const MODERATOR_EVENTS = ['held', 'spam', 'rejected', 'approved'] as const;

export interface MailListenerOptions {
  mailStore: MailStore;
  mailQueue: MailQueue;
  secret: string;
  logger: Logger;
  clock: () => number;
}

/**
 * Writes the mails a comment change causes, in the change's own transaction, so a
 * mail is never lost nor sent for a change that was rolled back:
 * - a submission with `notifyReplies` records the reader's (unconfirmed) subscription;
 * - its approval sends the reader's confirmation mail (so a comment filed as spam mails nobody);
 * - an approved reply notifies the confirmed subscribers of the comment it answers, once per reply;
 * - a comment held (or spam...) mails the moderators subscribed to it instantly.
 */
export class MailListener implements OutboxListener {
  constructor(private readonly options: MailListenerOptions) {}

  async write(trx: Transaction<Database>, changes: CommentChange[]) {
    const added: string[] = [];
    for (const change of changes) added.push(...(await this.mailsFor(trx, change)));
    if (added.length === 0) return undefined;
    return async () => {
      for (const id of added) {
        await this.options.mailQueue.send(id).catch((err: Error) => {
          this.options.logger.warn({ mailId: id, err: err.message }, 'could not queue a mail; the sweep will');
        });
      }
    };
  }

  private async mailsFor(trx: Transaction<Database>, change: CommentChange): Promise<string[]> {
    const { comment } = change;
    if (change.type === 'comment.created') {
      if (comment.signals.notifyReplies) await this.subscribeAuthor(trx, comment, change.at);
      return [];
    }
    const added: (string | undefined)[] = [];
    if (change.type === 'comment.approved') {
      added.push(...(await this.confirmations(trx, comment, change.at)));
      if (comment.parentId) added.push(...(await this.replyNotices(trx, comment, change.at)));
    }
    const status = comment.status;
    if ((MODERATOR_EVENTS as readonly string[]).includes(status)) {
      const subscriptions = await this.options.mailStore.subscriptions(
        { kind: 'moderator', siteKey: comment.siteKey },
        trx,
      );
      for (const s of subscriptions) {
        if (s.mode !== 'instant' || !s.events.includes(status) || !isActive(s)) continue;
        added.push(
          await this.options.mailStore.addMessage(trx, {
            dedupeKey: `held:${s.id}:${comment.id}:${comment.version}`,
            template: 'held',
            recipient: s.address.email,
            recipientHash: s.address.email_hash,
            siteKey: comment.siteKey,
            subscriptionId: s.id,
            commentId: comment.id,
            at: change.at,
          }),
        );
      }
    }
    return added.filter((id): id is string => id !== undefined);
  }

  private async subscribeAuthor(trx: Transaction<Database>, comment: Comment, at: number): Promise<void> {
    const { mailStore, secret } = this.options;
    const address = await mailStore.ensureAddress(trx, {
      scope: comment.siteKey,
      email: comment.authorEmail,
      emailHash: addressHash(secret, comment.authorEmail),
      at,
    });
    await mailStore.createSubscription(trx, {
      kind: 'replies',
      address_id: address.id,
      site_key: comment.siteKey,
      comment_id: comment.id,
      events: '["approved"]',
      mode: 'instant',
      principal: null,
      created_at: at,
    });
  }

  /** The confirmation mail of an address that asked for replies with this comment, unless one went out within a day. */
  private async confirmations(trx: Transaction<Database>, comment: Comment, at: number) {
    const { mailStore } = this.options;
    const subscriptions = await mailStore.subscriptions({ kind: 'replies', commentId: comment.id }, trx);
    const added: (string | undefined)[] = [];
    for (const s of subscriptions) {
      const { address } = s;
      const needed = address.confirmed_at === null || address.unsubscribed_at !== null;
      const recent =
        address.confirmation_sent_at !== null && at - address.confirmation_sent_at < CONFIRMATION_INTERVAL_MS;
      if (!needed || recent || s.unsubscribedAt !== null || at - s.createdAt > LINK_LIFETIME_MS) continue;
      added.push(await addConfirmation(trx, { mailStore, address, at }));
    }
    return added;
  }

  private async replyNotices(trx: Transaction<Database>, reply: Comment, at: number) {
    const { mailStore, secret } = this.options;
    const authorHash = addressHash(secret, reply.authorEmail);
    const subscriptions = await mailStore.subscriptions({ kind: 'replies', commentId: reply.parentId! }, trx);
    const added: (string | undefined)[] = [];
    for (const s of subscriptions) {
      // Never for the reader's own replies, nor before the address is confirmed.
      if (!isActive(s) || s.address.email_hash === authorHash) continue;
      added.push(
        await mailStore.addMessage(trx, {
          // Once per reply: approved again after a hold, it is not announced again.
          dedupeKey: `reply:${s.id}:${reply.id}`,
          template: 'reply',
          recipient: s.address.email,
          recipientHash: s.address.email_hash,
          siteKey: reply.siteKey,
          subscriptionId: s.id,
          commentId: reply.id,
          at,
        }),
      );
    }
    return added;
  }
}

/** Writes an address's confirmation mail and notes when it was sent (one a day at most). */
export async function addConfirmation(
  trx: Transaction<Database>,
  options: {
    mailStore: MailStore;
    address: { id: string; email: string; email_hash: string; scope: string };
    at: number;
  },
): Promise<string | undefined> {
  const { mailStore, address, at } = options;
  await mailStore.updateAddress(trx, address.id, { confirmation_sent_at: at });
  return mailStore.addMessage(trx, {
    dedupeKey: `confirm:${address.id}:${at}`,
    template: 'confirm',
    recipient: address.email,
    recipientHash: address.email_hash,
    siteKey: address.scope === '*' ? null : address.scope,
    subscriptionId: null,
    commentId: null,
    params: { addressId: address.id },
    at,
  });
}
