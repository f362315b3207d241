import { z } from 'zod';
import type { Comment } from '../comments/comment-record';
import type { CommentRepository } from '../comments/comment-repository';
import type { Site, SiteRepository } from '../sites/site-repository';
import { LINK_LIFETIME_MS, type MailLink, newNonce, signLink } from './mail-links';
import { isActive, type MailStore, type MessageRow, type Subscription } from './mail-store';
import { excerpt, plainText } from './mail-text';
import type { OutgoingMail } from './mail-sender';
import { confirmMail, digestMail, type HeldEntry, heldMail, type MailComment, replyMail } from './templates';
import { mailLanguage } from './templates-i18n';

/** What a stored mail turns into when its turn comes: the mail, or why it is no longer to be sent. */
export type Composed = { mail: OutgoingMail } | { skip: string };

const digestParams = z.object({ commentIds: z.array(z.string()).default([]) });
const replyDigestParams = z.object({
  replies: z.array(z.object({ subscriptionId: z.string(), commentId: z.string() })).default([]),
});
const confirmParams = z.object({ addressId: z.string() });

// A finding's reason may quote an address or an IP (a ban's note, say); no mail carries another person's.
const scrub = (reason: string) =>
  reason
    .replace(/[^\s@]+@[^\s@]+/g, '[address]')
    .replace(/\b\d{1,3}(\.\d{1,3}){3}\b|\b[0-9a-f:]{6,}:[0-9a-f]+\b/gi, '[IP]');

export interface MailComposerOptions {
  mailStore: MailStore;
  commentRepository: CommentRepository;
  siteRepository: SiteRepository;
  secret: string;
  /** The base of every link, without a trailing slash. */
  publicUrl: string;
  clock: () => number;
}

/**
 * Renders a stored mail at send time, from the comments and subscriptions as they are
 * then: a reply deleted or un-approved since, or a comment already decided, sends
 * nothing; links are signed fresh.
 */
export class MailComposer {
  constructor(private readonly options: MailComposerOptions) {}

  async compose(message: MessageRow): Promise<Composed> {
    const params: unknown = JSON.parse(message.params);
    const to = message.recipient;
    if (!to) return { skip: 'no address' };
    if (message.template === 'confirm') return this.confirmation(to, confirmParams.parse(params).addressId, message);
    const subscription = message.subscription_id
      ? await this.options.mailStore.subscription(message.subscription_id)
      : undefined;
    if (!subscription || !isActive(subscription)) return { skip: 'unsubscribed' };
    switch (message.template) {
      case 'held':
        return this.moderatorMail(to, subscription, [message.comment_id ?? ''], 'instant');
      case 'digest':
        return this.moderatorMail(to, subscription, digestParams.parse(params).commentIds, 'digest');
      case 'reply':
        return this.replies(to, [{ subscription, commentId: message.comment_id ?? '' }]);
      case 'reply-digest': {
        const entries = [];
        for (const r of replyDigestParams.parse(params).replies) {
          const s = await this.options.mailStore.subscription(r.subscriptionId);
          if (s && isActive(s)) entries.push({ subscription: s, commentId: r.commentId });
        }
        return this.replies(to, entries);
      }
      default:
        return { skip: `unknown template ${message.template}` };
    }
  }

  link(link: MailLink): string {
    const path = link.kind === 'act' ? 'act' : link.kind;
    return `${this.options.publicUrl}/mail/${path}/${signLink(this.options.secret, link)}`;
  }

  private unsubscribeLinks(subscription: Subscription, withSite: boolean) {
    return {
      thread: this.link({ kind: 'unsubscribe', subscriptionId: subscription.id, scope: 'thread' }),
      site: withSite ? this.link({ kind: 'unsubscribe', subscriptionId: subscription.id, scope: 'site' }) : undefined,
    };
  }

  /** RFC 8058: a mail client's one-click unsubscribe POSTs to this URL. */
  private listHeaders(url: string): Record<string, string> {
    return { 'List-Unsubscribe': `<${url}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
  }

  private async confirmation(to: string, addressId: string, message: MessageRow): Promise<Composed> {
    const address = await this.options.mailStore.address(addressId);
    if (!address) return { skip: 'address erased' };
    if (address.confirmed_at !== null && address.unsubscribed_at === null) return { skip: 'already confirmed' };
    const site = address.scope === '*' ? undefined : await this.options.siteRepository.find(address.scope);
    const confirmUrl = this.link({ kind: 'confirm', addressId, expiresAt: message.created_at + LINK_LIFETIME_MS });
    const content = confirmMail({
      lang: mailLanguage(site?.policy.language),
      site: site?.name ?? 'Parley',
      confirmUrl,
    });
    return { mail: { to, ...content } };
  }

  private mailComment(comment: Comment): MailComment {
    return {
      authorName: comment.authorName,
      html: comment.html,
      page: comment.pageTitle ?? comment.pageUrl ?? comment.pageId,
      reasons: comment.findings.filter((f) => f.verdict !== 'approve').map((f) => `${f.check}: ${scrub(f.reason)}`),
    };
  }

  private heldEntry(subscription: Subscription, comment: Comment): HeldEntry {
    const expiresAt = this.options.clock() + LINK_LIFETIME_MS;
    const act = (action: 'approve' | 'reject' | 'spam') =>
      this.link({
        kind: 'act',
        action,
        commentId: comment.id,
        subscriptionId: subscription.id,
        nonce: newNonce(),
        expiresAt,
      });
    const query = new URLSearchParams({ status: comment.status, site: comment.siteKey });
    return {
      comment: this.mailComment(comment),
      links: {
        approve: act('approve'),
        reject: act('reject'),
        spam: act('spam'),
        open: `${this.options.publicUrl}/moderation?${query.toString()}`,
      },
    };
  }

  private async moderatorMail(
    to: string,
    subscription: Subscription,
    commentIds: string[],
    kind: 'instant' | 'digest',
  ): Promise<Composed> {
    const comments: Comment[] = [];
    for (const id of commentIds) {
      const comment = await this.options.commentRepository.find(id);
      // Only what still waits for the moderator: one decided since is not announced.
      if (comment && subscription.events.includes(comment.status)) comments.push(comment);
    }
    if (comments.length === 0) return { skip: 'nothing left to review' };
    const site = await this.siteOf(subscription.siteKey ?? comments[0].siteKey);
    const lang = mailLanguage(site?.policy.language);
    const unsubscribe = this.unsubscribeLinks(subscription, false);
    const siteName = subscription.siteKey === null && kind === 'digest' ? 'Parley' : (site?.name ?? 'Parley');
    const entries = comments.map((c) => this.heldEntry(subscription, c));
    const content =
      kind === 'instant'
        ? heldMail({ lang, site: siteName, entry: entries[0], unsubscribe })
        : digestMail({ lang, site: siteName, entries, unsubscribe });
    return { mail: { to, ...content, headers: this.listHeaders(unsubscribe.thread) } };
  }

  private async replies(to: string, wanted: { subscription: Subscription; commentId: string }[]): Promise<Composed> {
    const entries = [];
    let site: Site | undefined;
    for (const { commentId } of wanted) {
      const reply = await this.options.commentRepository.find(commentId);
      // A reply deleted or taken back since it was approved is not announced.
      if (!reply || reply.status !== 'approved' || !reply.parentId) continue;
      const own = await this.options.commentRepository.find(reply.parentId);
      if (!own || own.status === 'deleted') continue;
      site ??= await this.siteOf(reply.siteKey);
      const pageUrl = reply.pageUrl ?? own.pageUrl ?? site?.origins[0] ?? this.options.publicUrl;
      entries.push({
        reply: this.mailComment(reply),
        ownExcerpt: excerpt(plainText(own.html), 160),
        url: `${pageUrl.replace(/#.*$/, '')}#comment-${reply.id}`,
      });
    }
    if (entries.length === 0 || !site) return { skip: 'no reply left to announce' };
    const unsubscribe = this.unsubscribeLinks(wanted[0].subscription, true);
    const content = replyMail({ lang: mailLanguage(site.policy.language), site: site.name, entries, unsubscribe });
    return { mail: { to, ...content, headers: this.listHeaders(unsubscribe.site!) } };
  }

  private siteOf(key: string): Promise<Site | undefined> {
    return this.options.siteRepository.find(key);
  }
}
