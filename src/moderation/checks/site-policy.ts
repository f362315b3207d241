import type { ModerationPolicy } from '../../sites/site-repository';
import type { CheckResult } from '../finding';

/**
 * The site's choice of what a person reviews, applied after the checks:
 * `none` publishes what the checks pass, `first-time` holds authors without an
 * approved comment on the site, `all` holds everything.
 */
export function sitePolicy(input: { policy: ModerationPolicy; trustedAuthor: boolean }): CheckResult | undefined {
  if (input.policy === 'all') {
    return { verdict: 'hold', reason: 'the site reviews every comment' };
  }
  if (input.policy === 'first-time' && !input.trustedAuthor) {
    return { verdict: 'hold', reason: "the author's first comment on this site" };
  }
  return undefined;
}
