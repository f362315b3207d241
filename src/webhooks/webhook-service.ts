import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Principal } from '../auth/token-service';
import { ApiError } from '../errors';
import type { WebhookQueue } from '../queue/webhook-queue';
import { EVENT_TYPES } from './events';
import { newWebhookSecret } from './signing';
import { type TargetPolicy, TargetRefused } from './target-policy';
import type { WebhookDelivery } from './webhook-delivery';
import { type Delivery, type Endpoint, type EndpointRow, toEndpoint, type WebhookStore } from './webhook-store';

const events = z
  .array(z.enum([...EVENT_TYPES, '*']))
  .min(1)
  .max(EVENT_TYPES.length + 1);
const url = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2000);

/** An admin's new endpoint (`POST /v1/admin/sites/:siteKey/webhooks`). */
export const newEndpointSchema = z.object({
  url,
  events,
  description: z.string().trim().max(500).nullish(),
  enabled: z.boolean().default(true),
});
export type NewEndpoint = z.infer<typeof newEndpointSchema>;

/** A change to an endpoint; `rotateSecret` makes a new secret. */
export const endpointChangesSchema = z
  .object({
    url: url.optional(),
    events: events.optional(),
    description: z.string().trim().max(500).nullish(),
    enabled: z.boolean().optional(),
    rotateSecret: z.boolean().optional(),
  })
  .strict();
export type EndpointChanges = z.infer<typeof endpointChangesSchema>;

export interface WebhookServiceOptions {
  webhookStore: WebhookStore;
  webhookQueue: WebhookQueue;
  webhookDelivery: WebhookDelivery;
  targetPolicy: TargetPolicy;
  /** How long the old secret keeps signing after a rotation. */
  rotationGraceMs: number;
  clock: () => number;
}

/** Managing a site's webhook endpoints: the admin API's side. */
export class WebhookService {
  constructor(private readonly options: WebhookServiceOptions) {}

  async list(principal: Principal, siteKey: string): Promise<Endpoint[]> {
    assertSite(principal, siteKey);
    return (await this.options.webhookStore.endpoints(siteKey)).map(toEndpoint);
  }

  async get(principal: Principal, siteKey: string, id: string): Promise<Endpoint> {
    return toEndpoint(await this.load(principal, siteKey, id));
  }

  /** Creates an endpoint; the answer carries the secret, which is never shown again. */
  async create(
    principal: Principal,
    siteKey: string,
    input: NewEndpoint,
  ): Promise<{ endpoint: Endpoint; secret: string }> {
    assertSite(principal, siteKey);
    await this.checkTarget(input.url);
    const now = this.options.clock();
    const row: EndpointRow = {
      id: randomUUID(),
      site_key: siteKey,
      url: input.url,
      description: input.description ?? null,
      events: JSON.stringify(input.events),
      enabled: input.enabled === false ? 0 : 1,
      secret: newWebhookSecret(),
      previous_secret: null,
      previous_secret_expires_at: null,
      disabled_reason: null,
      failing_since: null,
      created_at: now,
      updated_at: now,
    };
    await this.options.webhookStore.createEndpoint(row);
    return { endpoint: toEndpoint(row), secret: row.secret };
  }

  /**
   * Changes an endpoint. Enabling it clears why it was disabled. `rotateSecret` makes
   * a new secret (returned once); the old one keeps signing for the grace period.
   */
  async update(
    principal: Principal,
    siteKey: string,
    id: string,
    input: EndpointChanges,
  ): Promise<{ endpoint: Endpoint; secret?: string }> {
    const current = await this.load(principal, siteKey, id);
    if (input.url !== undefined) await this.checkTarget(input.url);
    const now = this.options.clock();
    const secret = input.rotateSecret ? newWebhookSecret() : undefined;
    await this.options.webhookStore.updateEndpoint(id, {
      url: input.url ?? current.url,
      events: input.events ? JSON.stringify(input.events) : current.events,
      description: input.description === undefined ? current.description : input.description,
      ...(input.enabled === undefined
        ? {}
        : { enabled: input.enabled ? 1 : 0, disabled_reason: null, failing_since: null }),
      ...(secret
        ? { secret, previous_secret: current.secret, previous_secret_expires_at: now + this.options.rotationGraceMs }
        : {}),
      updated_at: now,
    });
    const endpoint = toEndpoint((await this.options.webhookStore.endpoint(id))!);
    return secret ? { endpoint, secret } : { endpoint };
  }

  async remove(principal: Principal, siteKey: string, id: string): Promise<void> {
    await this.load(principal, siteKey, id);
    await this.options.webhookStore.deleteEndpoint(id);
  }

  async deliveries(
    principal: Principal,
    siteKey: string,
    id: string,
    options: { limit: number; before?: number },
  ): Promise<Delivery[]> {
    await this.load(principal, siteKey, id);
    return this.options.webhookStore.deliveries({ endpointId: id, ...options });
  }

  /** Sends the event of a past delivery again, as a new message attempt. */
  async redeliver(
    principal: Principal,
    siteKey: string,
    id: string,
    deliveryId: string,
  ): Promise<{ messageId: string }> {
    const endpoint = await this.load(principal, siteKey, id);
    const delivery = await this.options.webhookStore.delivery(deliveryId);
    if (!delivery || delivery.endpoint_id !== endpoint.id) throw ApiError.notFound('Delivery');
    if (!delivery.message_id) throw ApiError.conflict('not_redeliverable');
    // Under a job id of its own (the first one may still be kept as completed), recorded so the sweep finds it.
    const jobId = `${delivery.message_id}.redeliver.${randomUUID()}`;
    await this.options.webhookStore.updateMessage(delivery.message_id, {
      state: 'pending',
      finished_at: null,
      job_id: jobId,
    });
    await this.options.webhookQueue.deliver(delivery.message_id, jobId);
    return { messageId: delivery.message_id };
  }

  async sendTest(principal: Principal, siteKey: string, id: string): Promise<Delivery> {
    return this.options.webhookDelivery.sendTest(await this.load(principal, siteKey, id));
  }

  private async load(principal: Principal, siteKey: string, id: string): Promise<EndpointRow> {
    assertSite(principal, siteKey);
    const row = await this.options.webhookStore.endpoint(id);
    if (!row || row.site_key !== siteKey) throw ApiError.notFound('Webhook endpoint');
    return row;
  }

  private async checkTarget(url: string): Promise<void> {
    try {
      await this.options.targetPolicy.resolve(this.options.targetPolicy.checkUrl(url));
    } catch (err) {
      if (!(err instanceof TargetRefused) && !(err as NodeJS.ErrnoException).code) throw err;
      throw ApiError.validation([{ path: 'url', message: `refused: ${(err as Error).message}` }]);
    }
  }
}

function assertSite(principal: Principal, siteKey: string): void {
  if (principal.siteKey !== null && principal.siteKey !== siteKey) {
    throw ApiError.forbidden();
  }
}
