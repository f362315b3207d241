import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/** A new endpoint secret in the Standard Webhooks format: `whsec_` and 32 random bytes in base64. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/**
 * The Standard Webhooks headers for one message. During a secret rotation both the
 * new and the old secret sign, space-separated, so receivers verify with either.
 */
export function signatureHeaders(options: {
  id: string;
  timestamp: Date;
  body: string;
  secrets: string[];
}): Record<string, string> {
  const signatures = options.secrets.map((secret) =>
    new Webhook(secret).sign(options.id, options.timestamp, options.body),
  );
  return {
    'webhook-id': options.id,
    'webhook-timestamp': String(Math.floor(options.timestamp.getTime() / 1000)),
    'webhook-signature': signatures.join(' '),
  };
}
