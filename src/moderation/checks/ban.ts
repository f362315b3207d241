import type { Ban } from '../ban-repository';
import type { CheckResult } from '../finding';

/** A banned email, email domain or IP range: rejected, whatever else the comment is. */
export function ban(input: { matchingBan: Ban | undefined }): CheckResult | undefined {
  const found = input.matchingBan;
  if (!found) return undefined;
  const scope = found.siteKey ? 'this site' : 'every site';
  const reason = found.reason ? `: ${found.reason}` : '';
  return { verdict: 'reject', reason: `the author's ${found.kind} is banned on ${scope}${reason}` };
}
