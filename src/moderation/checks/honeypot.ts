import type { CheckResult } from '../finding';

/** The widget's hidden field: people never see it, form-filling bots fill it in. */
export function honeypot(input: { honeypot: string | undefined }): CheckResult | undefined {
  if (!input.honeypot) return undefined;
  return { verdict: 'spam', reason: 'the hidden honeypot field was filled in' };
}
