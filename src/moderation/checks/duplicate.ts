import type { Finding } from '../finding';

/** The same author posting the same text on the same page again: a double submit or a bot. */
export function duplicate(input: { earlierDuplicateId: string | undefined }): Finding | undefined {
  if (!input.earlierDuplicateId) return undefined;
  return {
    check: 'duplicate',
    verdict: 'reject',
    reason: `the same author already posted this text on this page (comment ${input.earlierDuplicateId})`,
  };
}
