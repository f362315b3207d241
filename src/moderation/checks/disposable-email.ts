import MailChecker from 'mailchecker';
import type { CheckResult } from '../finding';

/** Throwaway addresses (mailinator and thousands like it) are how drive-by spammers stay anonymous. */
export function disposableEmail(input: { email: string; action: 'hold' | 'ignore' }): CheckResult | undefined {
  if (input.action === 'ignore' || MailChecker.isValid(input.email)) return undefined;
  return {
    verdict: 'hold',
    reason: `${input.email.split('@')[1]} is a disposable email provider`,
  };
}
