import type { AkismetVerdict } from '../akismet';
import type { CheckResult } from '../finding';

/**
 * Akismet's opinion, when a key is configured. It depends on a remote service, so an
 * error holds the comment for a person: it never fails to approve.
 */
export function akismet(input: { result: AkismetVerdict | Error | undefined }): CheckResult | undefined {
  const { result } = input;
  if (result === undefined) return undefined;
  if (result instanceof Error) return { verdict: 'hold', reason: `Akismet could not be asked: ${result.message}` };
  if (!result.spam) return undefined;
  return { verdict: 'spam', reason: result.discard ? 'Akismet: blatant spam' : 'Akismet: spam' };
}
