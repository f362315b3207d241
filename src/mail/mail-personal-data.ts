import type { PersonalDataSource } from '../privacy/personal-data';
import { addressHash } from './mail-links';
import type { MailStore } from './mail-store';

/** The privacy export and erase of what mail keeps about an address: its subscriptions and its delivery log. */
export function mailPersonalData(options: { mailStore: MailStore; secret: string }): PersonalDataSource[] {
  const { mailStore, secret } = options;
  return [
    {
      name: 'mailSubscriptions',
      async export(email) {
        const subscriptions = await mailStore.subscriptionsOf(addressHash(secret, email));
        return subscriptions.map((s) => ({
          id: s.id,
          kind: s.kind,
          email: s.address.email,
          siteKey: s.siteKey,
          commentId: s.commentId,
          events: s.events,
          mode: s.mode,
          confirmed: s.address.confirmed_at !== null,
          unsubscribed: s.unsubscribedAt !== null || s.address.unsubscribed_at !== null,
          createdAt: new Date(s.createdAt).toISOString(),
        }));
      },
      erase: (email) => mailStore.eraseSubscriptions(addressHash(secret, email)),
    },
    {
      name: 'mailDeliveries',
      async export(email) {
        const log = await mailStore.log(addressHash(secret, email));
        return log.map((m) => ({
          id: m.id,
          template: m.template,
          siteKey: m.site_key,
          status: m.status,
          attempts: m.attempts,
          smtpAnswer: m.smtp_answer,
          createdAt: new Date(m.created_at).toISOString(),
          sentAt: m.sent_at === null ? null : new Date(m.sent_at).toISOString(),
        }));
      },
      erase: (email) => mailStore.eraseLog(addressHash(secret, email)),
    },
  ];
}
