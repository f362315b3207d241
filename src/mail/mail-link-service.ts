import type { Principal } from '../auth/token-service';
import type { CommentRepository } from '../comments/comment-repository';
import { ApiError } from '../errors';
import type { ModerationService } from '../moderation/moderation-service';
import type { SiteRepository } from '../sites/site-repository';
import { type MailLink, verifyLink } from './mail-links';
import type { MailPage } from './mail-pages';
import type { MailStore } from './mail-store';
import { type MailLanguage, mailLanguage, STRINGS } from './templates-i18n';

type ActLink = Extract<MailLink, { kind: 'act' }>;

export interface MailLinkServiceOptions {
  mailStore: MailStore;
  commentRepository: CommentRepository;
  siteRepository: SiteRepository;
  moderationService: ModerationService;
  /** Whether the token a subscription's moderator subscribed with still works. */
  principalIsLive: (principal: Principal) => Promise<boolean>;
  secret: string;
  publicUrl: string;
  clock: () => number;
}

/**
 * What the links in mails do. `show` answers the GET: a page with one POST button, and
 * changes nothing. `perform` answers that POST. A forged, expired or used link gets a
 * 4xx page and changes nothing either.
 */
export class MailLinkService {
  constructor(private readonly options: MailLinkServiceOptions) {}

  async show(path: 'act' | 'confirm' | 'unsubscribe', token: string): Promise<MailPage> {
    return this.handle(path, token, false);
  }

  async perform(path: 'act' | 'confirm' | 'unsubscribe', token: string): Promise<MailPage> {
    return this.handle(path, token, true);
  }

  private async handle(path: string, token: string, act: boolean): Promise<MailPage> {
    const check = verifyLink(this.options.secret, token, this.options.clock());
    if (!check.ok || check.link.kind !== path) {
      const expired = check.ok === false && check.reason === 'expired';
      const t = STRINGS.en;
      return { status: expired ? 410 : 400, lang: 'en', title: expired ? t.pageExpired : t.pageForged };
    }
    const { link } = check;
    const action = `${this.options.publicUrl}/mail/${path}/${token}`;
    if (link.kind === 'act') return this.moderate(link, action, act);
    if (link.kind === 'confirm') return this.confirm(link.addressId, action, act);
    return this.unsubscribe(link.subscriptionId, link.scope, action, act);
  }

  private async languageOf(siteKey: string | null | undefined): Promise<MailLanguage> {
    const site = siteKey ? await this.options.siteRepository.find(siteKey) : undefined;
    return mailLanguage(site?.policy.language);
  }

  private async moderate(link: ActLink, action: string, act: boolean): Promise<MailPage> {
    const { mailStore, commentRepository } = this.options;
    const subscription = await mailStore.subscription(link.subscriptionId);
    const comment = await commentRepository.find(link.commentId);
    const lang = await this.languageOf(comment?.siteKey);
    const t = STRINGS[lang];
    if (!subscription?.principal || !comment || comment.status === 'deleted')
      return { status: 404, lang, title: t.pageGone };
    const label = t[link.action];
    const page: MailPage = {
      status: 200,
      lang,
      title: t.pageActTitle(label),
      comment: {
        authorName: comment.authorName,
        html: comment.html,
        page: comment.pageTitle ?? comment.pageUrl ?? comment.pageId,
        reasons: [],
        byOn: t.byOn(comment.authorName, comment.pageTitle ?? comment.pageUrl ?? comment.pageId),
      },
    };
    if (await mailStore.nonceUsed(link.nonce)) return { ...page, status: 409, title: t.pageUsed };
    if (!act) return { ...page, form: { action, button: label } };
    const principal = subscription.principal;
    if (!(await this.options.principalIsLive(principal))) return { ...page, status: 403, title: t.pageNotAllowed };
    if (!(await mailStore.useNonce(link.nonce, this.options.clock())))
      return { ...page, status: 409, title: t.pageUsed };
    try {
      await this.options.moderationService.act(principal, {
        id: comment.id,
        action: link.action,
        note: 'from a link in a notification mail',
      });
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      return {
        ...page,
        status: err.status === 403 ? 403 : 409,
        title: err.status === 403 ? t.pageNotAllowed : t.pageGone,
      };
    }
    return { ...page, title: t.pageActDone(label) };
  }

  private async confirm(addressId: string, action: string, act: boolean): Promise<MailPage> {
    const { mailStore, clock } = this.options;
    const address = await mailStore.address(addressId);
    const lang = await this.languageOf(address?.scope === '*' ? null : address?.scope);
    const t = STRINGS[lang];
    if (!address) return { status: 404, lang, title: t.pageGone };
    if (!act) return { status: 200, lang, title: t.pageConfirmTitle, form: { action, button: t.confirmButton } };
    await mailStore.updateAddress(mailStore.db, address.id, { confirmed_at: clock(), unsubscribed_at: null });
    return { status: 200, lang, title: t.pageConfirmTitle, message: t.pageConfirmed };
  }

  private async unsubscribe(
    subscriptionId: string,
    scope: 'thread' | 'site',
    action: string,
    act: boolean,
  ): Promise<MailPage> {
    const { mailStore, clock } = this.options;
    const subscription = await mailStore.subscription(subscriptionId);
    const lang = await this.languageOf(subscription?.siteKey);
    const t = STRINGS[lang];
    const button =
      subscription?.kind === 'moderator'
        ? t.unsubscribeModerator
        : scope === 'site'
          ? t.unsubscribeSite
          : t.unsubscribeThread;
    if (!act) return { status: 200, lang, title: t.pageUnsubscribeTitle, form: { action, button } };
    // Unsubscribing what is already gone succeeds: the mail client's one-click POST wants a 2xx.
    if (subscription) {
      if (subscription.kind === 'moderator') await mailStore.deleteSubscription(subscription.id);
      else if (scope === 'site') await mailStore.unsubscribeAddress(mailStore.db, subscription.address.id, clock());
      else await mailStore.updateSubscription(mailStore.db, subscription.id, { unsubscribed_at: clock() });
    }
    return { status: 200, lang, title: t.pageUnsubscribeTitle, message: t.pageUnsubscribed };
  }
}
