import type { CheckResult } from '../finding';

/** Many links is the commonest trait of comment spam; above the site's limit a person looks first. */
export function linkCount(input: { links: number; linkLimit: number }): CheckResult | undefined {
  if (input.links <= input.linkLimit) return undefined;
  return {
    verdict: 'hold',
    reason: `${input.links} links, more than the site's limit of ${input.linkLimit}`,
    score: input.links,
  };
}
