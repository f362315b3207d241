import { z } from 'zod';
import type { Principal } from '../auth/token-service';
import { isoTimestamp } from '../db/timestamps';
import { ApiError } from '../errors';
import type { MailQueue } from '../queue/mail-queue';
import type { SiteRepository } from '../sites/site-repository';
import type { Logger } from 'pino';
import { addConfirmation, CONFIRMATION_INTERVAL_MS, MODERATOR_EVENTS } from './mail-listener';
import { addressHash } from './mail-links';
import { isActive, type MailStore, type Subscription } from './mail-store';

/** The body of `POST /v1/moderation/notifications`. */
export const newNotificationSchema = z.object({
  email: z.email().max(254),
  siteKey: z.string().max(100).optional().describe("Omitted: the token's site, or every site for an admin token."),
  events: z.array(z.enum(MODERATOR_EVENTS)).min(1).max(MODERATOR_EVENTS.length).default(['held']),
  mode: z.enum(['instant', 'hourly', 'daily']).default('instant'),
});
export type NewNotification = z.infer<typeof newNotificationSchema>;

/** A moderator's subscription, as the moderation API shows it. */
export const notificationSchema = z
  .object({
    id: z.uuid(),
    email: z.string(),
    siteKey: z.string().nullable().describe('Null: every site.'),
    events: z.array(z.enum(MODERATOR_EVENTS)),
    mode: z.enum(['instant', 'hourly', 'daily']),
    confirmed: z.boolean().describe('False until the address follows the link of its confirmation mail.'),
    createdAt: isoTimestamp,
  })
  .meta({ id: 'NotificationSubscription' });
export type Notification = z.infer<typeof notificationSchema>;

const toNotification = (s: Subscription): Notification => ({
  id: s.id,
  email: s.address.email,
  siteKey: s.siteKey,
  events: s.events as Notification['events'],
  mode: s.mode,
  confirmed: isActive(s),
  createdAt: new Date(s.createdAt).toISOString(),
});

export interface NotificationServiceOptions {
  /** Undefined when mail is off: every call answers 409 mail_disabled. */
  mailStore: MailStore | undefined;
  mailQueue: MailQueue;
  siteRepository: SiteRepository;
  secret: string;
  logger: Logger;
  clock: () => number;
}

/** Moderators' mail subscriptions: created with a double opt-in of the address, listed and removed within the token's sites. */
export class NotificationService {
  constructor(private readonly options: NotificationServiceOptions) {}

  private store(): MailStore {
    if (!this.options.mailStore) throw ApiError.conflict('mail_disabled');
    return this.options.mailStore;
  }

  async create(principal: Principal, input: NewNotification): Promise<Notification> {
    const mailStore = this.store();
    const siteKey = input.siteKey ?? principal.siteKey;
    if (principal.siteKey !== null && siteKey !== principal.siteKey) throw ApiError.forbidden();
    if (siteKey && !(await this.options.siteRepository.find(siteKey))) throw ApiError.notFound('Site');
    const email = input.email.trim().toLowerCase();
    const at = this.options.clock();
    const { id, confirmationId } = await mailStore.db.transaction().execute(async (trx) => {
      const address = await mailStore.ensureAddress(trx, {
        scope: siteKey ?? '*',
        email,
        emailHash: addressHash(this.options.secret, email),
        at,
      });
      const id = await mailStore.createSubscription(trx, {
        kind: 'moderator',
        address_id: address.id,
        site_key: siteKey,
        comment_id: null,
        events: JSON.stringify([...new Set(input.events)]),
        mode: input.mode,
        principal: JSON.stringify(principal),
        created_at: at,
      });
      const unconfirmed = address.confirmed_at === null || address.unsubscribed_at !== null;
      const recent =
        address.confirmation_sent_at !== null && at - address.confirmation_sent_at < CONFIRMATION_INTERVAL_MS;
      const confirmationId =
        unconfirmed && !recent ? await addConfirmation(trx, { mailStore, address, at }) : undefined;
      return { id, confirmationId };
    });
    if (confirmationId) {
      await this.options.mailQueue.send(confirmationId).catch((err: Error) => {
        this.options.logger.warn(
          { mailId: confirmationId, err: err.message },
          'could not queue a mail; the sweep will',
        );
      });
    }
    return toNotification((await mailStore.subscription(id))!);
  }

  async list(principal: Principal): Promise<Notification[]> {
    const subscriptions = await this.store().subscriptions({ kind: 'moderator' });
    return subscriptions
      .filter((s) => principal.siteKey === null || s.siteKey === principal.siteKey)
      .filter((s) => s.unsubscribedAt === null)
      .map(toNotification);
  }

  async remove(principal: Principal, id: string): Promise<void> {
    const mailStore = this.store();
    const subscription = await mailStore.subscription(id);
    if (!subscription || subscription.kind !== 'moderator') throw ApiError.notFound('Subscription');
    if (principal.siteKey !== null && subscription.siteKey !== principal.siteKey) throw ApiError.forbidden();
    await mailStore.deleteSubscription(id);
  }
}
