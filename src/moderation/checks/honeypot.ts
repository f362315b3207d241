import type { Finding } from '../finding';

/** The widget's hidden field: people never see it, form-filling bots fill it in. */
export function honeypot(input: { honeypot: string | undefined }): Finding | undefined {
  if (!input.honeypot) return undefined;
  return { check: 'honeypot', verdict: 'spam', reason: 'the hidden honeypot field was filled in' };
}
