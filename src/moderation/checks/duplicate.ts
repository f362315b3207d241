import type { CheckResult } from '../finding';

/** The same author posting the same text on the same page again: a double submit or a bot. */
export function duplicate(input: { earlierDuplicateId: string | undefined }): CheckResult | undefined {
  if (!input.earlierDuplicateId) return undefined;
  return {
    verdict: 'reject',
    reason: `the same author already posted this text on this page (comment ${input.earlierDuplicateId})`,
  };
}
