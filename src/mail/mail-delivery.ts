import type { Logger } from 'pino';
import type { CommentRepository } from '../comments/comment-repository';
import type { BanRepository } from '../moderation/ban-repository';
import type { MailQueue } from '../queue/mail-queue';
import type { MailComposer } from './mail-composer';
import { isActive, type MailStore, type MessageRow, type Subscription } from './mail-store';
import type { MailSender } from './mail-sender';
import { LINK_LIFETIME_MS } from './mail-links';

const HOUR = 3600_000;
const DIGEST_PERIOD: Record<'hourly' | 'daily', number> = { hourly: HOUR, daily: 24 * HOUR };
/** Mails that may wait for a digest when their address has had its share of the hour. */
const DIGESTIBLE = new Set(['held', 'reply']);

export type DeliveryOutcome =
  | { kind: 'sent'; answer: string }
  | { kind: 'skipped'; reason: string }
  | { kind: 'waiting' }
  | { kind: 'delay'; until: number }
  | { kind: 'retry'; answer: string }
  | { kind: 'failed'; answer: string }
  | { kind: 'done' };

export interface MailDeliveryOptions {
  mailStore: MailStore;
  mailQueue: MailQueue;
  composer: MailComposer;
  sender: MailSender;
  commentRepository: CommentRepository;
  banRepository: BanRepository;
  perAddressPerHour: number;
  logger: Logger;
  clock: () => number;
}

/**
 * The mail worker's work: sends a stored mail (within the per-address limit, never to
 * an unsubscribed or banned address), records each attempt, and on a timer writes the
 * digests and re-queues mails whose job was lost.
 */
export class MailDelivery {
  constructor(private readonly options: MailDeliveryOptions) {}

  async deliver(options: { messageId: string; finalAttempt: boolean }): Promise<DeliveryOutcome> {
    const { mailStore, clock } = this.options;
    const message = await mailStore.message(options.messageId);
    if (!message || message.status !== 'pending') return { kind: 'done' };
    const now = clock();
    const composed = await this.options.composer.compose(message);
    const banned = message.recipient && (await this.banned(message.site_key, message.recipient));
    if ('skip' in composed || banned) {
      const reason = 'skip' in composed ? composed.skip : 'banned';
      await this.finish(message, { status: 'skipped', smtp_answer: reason }, now);
      return { kind: 'skipped', reason };
    }
    const reserved = await mailStore.reserveSlot({
      id: message.id,
      recipientHash: message.recipient_hash,
      since: now - HOUR,
      limit: this.options.perAddressPerHour,
      at: now,
    });
    if (!reserved) {
      if (DIGESTIBLE.has(message.template)) {
        await mailStore.updateMessage(message.id, { status: 'waiting', updated_at: now });
        return { kind: 'waiting' };
      }
      const [oldest] = await mailStore.sentSince(message.recipient_hash, now - HOUR);
      return { kind: 'delay', until: (oldest ?? now) + HOUR };
    }
    const result = await this.options.sender.send(composed.mail);
    const attempts = message.attempts + 1;
    if (result.ok) {
      await this.finish(message, { status: 'sent', smtp_answer: result.answer, attempts, sent_at: clock() }, now);
      return { kind: 'sent', answer: result.answer };
    }
    if (options.finalAttempt) {
      await this.finish(message, { status: 'failed', smtp_answer: result.answer, attempts, sent_at: null }, now);
      return { kind: 'failed', answer: result.answer };
    }
    // Not sent: the slot of the hour it took is given back.
    await mailStore.updateMessage(message.id, { attempts, smtp_answer: result.answer, sent_at: null, updated_at: now });
    return { kind: 'retry', answer: result.answer };
  }

  /** A final state: the address itself is erased, the log keeps its keyed hash. */
  private async finish(message: MessageRow, changes: Partial<MessageRow>, now: number): Promise<void> {
    await this.options.mailStore.updateMessage(message.id, { ...changes, recipient: null, updated_at: now });
  }

  private async banned(siteKey: string | null, email: string): Promise<boolean> {
    if (!siteKey) return false;
    const matcher = await this.options.banRepository.matcherFor(siteKey);
    // Without an IP, only email and domain bans can match.
    return matcher.match({ email, ip: null }) !== undefined;
  }

  /** Re-queues pending mails older than `graceMs` (their job was lost: Redis was down). */
  async sweep(options: { graceMs: number; limit: number }): Promise<number> {
    const ids = await this.options.mailStore.pendingIds({
      before: this.options.clock() - options.graceMs,
      limit: options.limit,
    });
    // A mail still pending whose job failed (an error other than SMTP's) is tried again too.
    for (const id of ids) await this.options.mailQueue.requeue(id);
    return ids.length;
  }

  /**
   * Writes the digests that are due: moderators' hourly and daily ones (not when nothing
   * is held), and one per address for the mails the per-address limit held back.
   */
  async writeDigests(): Promise<number> {
    const added = [...(await this.moderatorDigests()), ...(await this.waitingDigests())];
    await this.options.mailStore.expireUnconfirmed(this.options.clock() - LINK_LIFETIME_MS);
    for (const id of added) await this.options.mailQueue.send(id);
    return added.length;
  }

  private async moderatorDigests(): Promise<string[]> {
    const { mailStore, commentRepository, clock } = this.options;
    const now = clock();
    const added: string[] = [];
    for (const s of await mailStore.subscriptions({ kind: 'moderator' })) {
      if (s.mode === 'instant' || !isActive(s)) continue;
      const since = s.lastDigestAt ?? s.createdAt;
      if (now - since < DIGEST_PERIOD[s.mode]) continue;
      const commentIds: string[] = [];
      for (const status of s.events) {
        if (status !== 'held' && status !== 'spam' && status !== 'rejected' && status !== 'approved') continue;
        const page = await commentRepository.moderationPage({
          siteKey: s.siteKey ?? undefined,
          status,
          order: 'newest',
          limit: 100,
        });
        for (const c of page.rows) if ((c.decidedAt ?? c.createdAt) >= since) commentIds.push(c.id);
      }
      await mailStore.updateSubscription(mailStore.db, s.id, { last_digest_at: now });
      if (commentIds.length === 0) continue;
      const id = await this.addDigest(s, { template: 'digest', params: { commentIds }, key: `digest:${s.id}:${now}` });
      if (id) added.push(id);
    }
    return added;
  }

  /** The mails held back by the limit, gathered in one digest per address and kind once the address may get mail again. */
  private async waitingDigests(): Promise<string[]> {
    const { mailStore, clock } = this.options;
    const now = clock();
    const groups = new Map<string, MessageRow[]>();
    for (const m of await mailStore.waiting({ limit: 1000 })) {
      const key = `${m.recipient_hash}:${m.template}:${m.template === 'held' ? m.subscription_id : m.site_key}`;
      groups.set(key, [...(groups.get(key) ?? []), m]);
    }
    const added: string[] = [];
    for (const [key, messages] of groups) {
      const [first] = messages;
      if ((await mailStore.sentSince(first.recipient_hash, now - HOUR)).length >= this.options.perAddressPerHour)
        continue;
      const subscription = first.subscription_id ? await mailStore.subscription(first.subscription_id) : undefined;
      if (!subscription) continue;
      const id = await this.addDigest(
        subscription,
        first.template === 'held'
          ? { template: 'digest', params: { commentIds: messages.map((m) => m.comment_id) }, key: `${key}:${now}` }
          : {
              template: 'reply-digest',
              params: {
                replies: messages.map((m) => ({ subscriptionId: m.subscription_id, commentId: m.comment_id })),
              },
              key: `${key}:${now}`,
            },
      );
      for (const m of messages) await this.finish(m, { status: 'digested', smtp_answer: `in digest ${id}` }, now);
      if (id) added.push(id);
    }
    return added;
  }

  private addDigest(
    subscription: Subscription,
    digest: { template: string; params: Record<string, unknown>; key: string },
  ): Promise<string | undefined> {
    const { address } = subscription;
    return this.options.mailStore.addMessage(this.options.mailStore.db, {
      dedupeKey: digest.key,
      template: digest.template,
      recipient: address.email,
      recipientHash: address.email_hash,
      siteKey: subscription.siteKey,
      subscriptionId: subscription.id,
      commentId: null,
      params: digest.params,
      at: this.options.clock(),
    });
  }
}
