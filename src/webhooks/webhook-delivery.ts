import type { Logger } from 'pino';
import type { WebhookQueue } from '../queue/webhook-queue';
import type { EndpointSlots } from './endpoint-slots';
import { signatureHeaders } from './signing';
import type { SendResult } from './send';
import { sendWebhook } from './send';
import type { TargetPolicy } from './target-policy';
import type { Delivery, EndpointRow, MessageRow, WebhookStore } from './webhook-store';

export type DeliveryOutcome =
  | { kind: 'delivered' }
  /** An earlier event of the same comment is still on its way to this endpoint. */
  | { kind: 'wait' }
  /** The endpoint has as many deliveries in flight as it may: try again shortly, not an attempt. */
  | { kind: 'busy' }
  | { kind: 'retry'; error: string }
  | { kind: 'failed'; reason: string }
  | { kind: 'skipped'; reason: string };

export interface WebhookDeliveryOptions {
  webhookStore: WebhookStore;
  webhookQueue: WebhookQueue;
  targetPolicy: TargetPolicy;
  endpointSlots: EndpointSlots;
  timeoutMs: number;
  /** An endpoint whose deliveries have all failed for this long is disabled. */
  disableAfterMs: number;
  logger: Logger;
  clock: () => number;
}

/** The secrets that sign now: the current one, and the previous one during its grace period. */
export function signingSecrets(endpoint: EndpointRow, now: number): string[] {
  const previousValid =
    endpoint.previous_secret &&
    endpoint.previous_secret_expires_at !== null &&
    Number(endpoint.previous_secret_expires_at) > now;
  return previousValid ? [endpoint.secret, endpoint.previous_secret!] : [endpoint.secret];
}

/** The worker side of webhooks: fan events out to endpoints, and deliver each message. */
export class WebhookDelivery {
  /** Where the sweep's walk through pending messages stopped: it goes on from there next time. */
  private messageCursor: { createdAt: number; id: string } | undefined;

  constructor(private readonly options: WebhookDeliveryOptions) {}

  async fanOut(eventId: string): Promise<number> {
    const messageIds = await this.options.webhookStore.fanOut(eventId, this.options.clock());
    for (const id of messageIds) await this.options.webhookQueue.deliver(id);
    return messageIds.length;
  }

  /**
   * Finds work whose job was lost and queues it again: events not fanned out (the
   * process died between the change's commit and the queue add, or Redis was down), and
   * pending messages without a live delivery job (a fan-out interrupted while queueing
   * them, a job failed by its worker dying twice, or by the database being down on every
   * try). Each run looks at `limit` of the pending messages, walking on from where the
   * last run stopped. Returns how many it queued again.
   */
  async sweep(options: { graceMs: number; limit: number }): Promise<number> {
    const { webhookStore, webhookQueue } = this.options;
    const before = this.options.clock() - options.graceMs;
    const events = await webhookStore.eventsNotFannedOut({ before, limit: options.limit });
    for (const id of events) await webhookQueue.requeueFanOut(id);

    const messages = await webhookStore.pendingMessages({ before, after: this.messageCursor, limit: options.limit });
    const last = messages.at(-1);
    this.messageCursor =
      messages.length < options.limit || !last ? undefined : { createdAt: Number(last.created_at), id: last.id };
    let requeued = 0;
    for (const message of messages) {
      if ((await webhookQueue.requeueDelivery(message.id, message.job_id ?? message.id)) !== 'present') requeued += 1;
    }
    return events.length + requeued;
  }

  async deliver(options: { messageId: string; finalAttempt: boolean }): Promise<DeliveryOutcome> {
    const { webhookStore, clock } = this.options;
    const message = await webhookStore.message(options.messageId);
    if (!message) return { kind: 'skipped', reason: 'no such message' };
    if (message.state !== 'pending') return { kind: 'skipped', reason: `already ${message.state}` };
    const endpoint = await webhookStore.endpoint(message.endpoint_id);
    if (!endpoint || !endpoint.enabled) {
      await webhookStore.updateMessage(message.id, { state: 'failed', finished_at: clock() });
      return { kind: 'skipped', reason: 'the endpoint is disabled' };
    }
    if (await webhookStore.hasEarlierPending(message)) return { kind: 'wait' };
    const event = await webhookStore.event(message.event_id);
    if (!event) {
      await webhookStore.updateMessage(message.id, { state: 'failed', finished_at: clock() });
      return { kind: 'skipped', reason: 'no such event' };
    }

    const { endpointSlots } = this.options;
    if (!(await endpointSlots.acquire(endpoint.id, message.id))) return { kind: 'busy' };
    let result: SendResult;
    try {
      result = await this.send(endpoint, event.id, event.payload);
    } finally {
      await endpointSlots.release(endpoint.id, message.id);
    }
    const attempt = Number(message.attempts) + 1;
    await webhookStore.recordDelivery({
      message_id: message.id,
      endpoint_id: endpoint.id,
      event_id: event.id,
      event_type: event.type,
      attempt,
      succeeded: isSuccess(result) ? 1 : 0,
      status_code: result.statusCode,
      latency_ms: result.latencyMs,
      response_body: result.responseBody,
      error: result.error,
      created_at: clock(),
    });
    await webhookStore.updateMessage(message.id, { attempts: attempt });
    return this.conclude({ message, endpoint, result, finalAttempt: options.finalAttempt });
  }

  /** Sends a `webhook.test` event now and returns the attempt (it is recorded like any other). */
  async sendTest(endpoint: EndpointRow): Promise<Delivery> {
    const now = this.options.clock();
    const id = `evt_test_${now}`;
    const payload = JSON.stringify({
      type: 'webhook.test',
      timestamp: new Date(now).toISOString(),
      data: { site: { key: endpoint.site_key } },
    });
    const result = await this.send(endpoint, id, payload);
    return this.options.webhookStore.recordDelivery({
      message_id: null,
      endpoint_id: endpoint.id,
      event_id: id,
      event_type: 'webhook.test',
      attempt: 1,
      succeeded: isSuccess(result) ? 1 : 0,
      status_code: result.statusCode,
      latency_ms: result.latencyMs,
      response_body: result.responseBody,
      error: result.error,
      created_at: now,
    });
  }

  private async send(endpoint: EndpointRow, eventId: string, body: string): Promise<SendResult> {
    const now = this.options.clock();
    return sendWebhook({
      url: endpoint.url,
      body,
      headers: signatureHeaders({
        id: eventId,
        timestamp: new Date(now),
        body,
        secrets: signingSecrets(endpoint, now),
      }),
      timeoutMs: this.options.timeoutMs,
      targetPolicy: this.options.targetPolicy,
    });
  }

  private async conclude(options: {
    message: MessageRow;
    endpoint: EndpointRow;
    result: SendResult;
    finalAttempt: boolean;
  }): Promise<DeliveryOutcome> {
    const { webhookStore, clock } = this.options;
    const { message, endpoint, result } = options;
    const now = clock();
    if (isSuccess(result)) {
      await webhookStore.updateMessage(message.id, { state: 'succeeded', finished_at: now });
      if (endpoint.failing_since !== null) await webhookStore.updateEndpoint(endpoint.id, { failing_since: null });
      return { kind: 'delivered' };
    }
    if (result.statusCode === 410) {
      await webhookStore.updateEndpoint(endpoint.id, {
        enabled: 0,
        disabled_reason: `the receiver answered 410 Gone (${new Date(now).toISOString()})`,
        updated_at: now,
      });
      await webhookStore.updateMessage(message.id, { state: 'failed', finished_at: now });
      return { kind: 'failed', reason: '410 Gone: endpoint disabled' };
    }
    const failingSince = endpoint.failing_since === null ? now : Number(endpoint.failing_since);
    if (endpoint.failing_since === null) await webhookStore.updateEndpoint(endpoint.id, { failing_since: now });
    if (now - failingSince >= this.options.disableAfterMs) {
      const days = Math.round((now - failingSince) / 86_400_000);
      await webhookStore.updateEndpoint(endpoint.id, {
        enabled: 0,
        disabled_reason: `every delivery failed for ${days} day(s); last: ${describe(result)}`,
        updated_at: now,
      });
    }
    const error = describe(result);
    if (options.finalAttempt) {
      await webhookStore.updateMessage(message.id, { state: 'failed', finished_at: now });
      return { kind: 'failed', reason: `gave up after ${Number(message.attempts) + 1} attempts: ${error}` };
    }
    return { kind: 'retry', error };
  }
}

function isSuccess(result: SendResult): boolean {
  return result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
}

function describe(result: SendResult): string {
  return result.error ?? `HTTP ${result.statusCode}`;
}
