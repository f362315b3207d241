import { newNotificationSchema, type Notification, type NotificationService } from '../mail/notification-service';
import { principalOf } from './auth';
import { notificationCreatedSchema, notificationListSchema } from './envelopes';
import { CREATED, SITE_KEY } from './examples';
import { json, noContent, type Route, route } from './route';

const example: Notification = {
  id: '3f0c9d8e-2b1a-4c5d-9e8f-7a6b5c4d3e2f',
  email: 'moderator@blog.example',
  siteKey: SITE_KEY,
  events: ['held'],
  mode: 'instant',
  confirmed: false,
  createdAt: CREATED,
};

/** Moderators' mail subscriptions: routes of the moderation API, behind its token check. */
export function notificationRoutes(notifications: NotificationService): Route[] {
  return [
    route({
      method: 'post',
      path: '/v1/moderation/notifications',
      tag: 'Moderation',
      auth: 'moderator',
      summary: 'Hear about held comments by mail',
      description:
        'Instant mails (with one-click approve, reject and spam links) or hourly or daily digests. The address gets a confirmation mail first, unless it already confirmed for this scope. A moderator token subscribes for its own site; an admin token for any site, or all of them (no `siteKey`).',
      body: newNotificationSchema,
      bodyExample: { email: 'moderator@blog.example', siteKey: SITE_KEY, events: ['held'], mode: 'instant' },
      responses: {
        201: json(notificationCreatedSchema, { description: 'The subscription.', example: { subscription: example } }),
      },
      errors: [400, 401, 403, 404, 409],
      handler: async ({ res, body }) => ({ subscription: await notifications.create(principalOf(res), body) }),
    }),

    route({
      method: 'get',
      path: '/v1/moderation/notifications',
      tag: 'Moderation',
      auth: 'moderator',
      summary: 'The mail subscriptions of the token’s sites',
      responses: {
        200: json(notificationListSchema, { description: 'The subscriptions.', example: { subscriptions: [example] } }),
      },
      errors: [401, 409],
      handler: async ({ res }) => {
        res.set('Cache-Control', 'private, no-store');
        return { subscriptions: await notifications.list(principalOf(res)) };
      },
    }),

    route({
      method: 'delete',
      path: '/v1/moderation/notifications/:id',
      tag: 'Moderation',
      auth: 'moderator',
      summary: 'Stop a mail subscription',
      ids: { id: 'Subscription' },
      responses: { 204: noContent('Removed.') },
      errors: [401, 403, 404, 409],
      handler: async ({ res, params }) => {
        await notifications.remove(principalOf(res), params.id);
        res.status(204).end();
      },
    }),
  ];
}
