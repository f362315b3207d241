import type { AuthorHistory } from '../../comments/comment-repository';
import type { CheckResult } from '../finding';

/**
 * Authors earn trust by approved comments, but only an author who proves it is them
 * (the author token of one of those comments, which their browser keeps) is trusted:
 * anyone can type an approved author's email. One whose latest judged comment was spam
 * stays spam until a moderator approves one of theirs.
 */
export function authorHistory(input: { history: AuthorHistory }): CheckResult | undefined {
  const { approved, spam, lastModerated, proven } = input.history;
  if (lastModerated === 'spam') {
    return {
      verdict: 'spam',
      reason: `the author's latest judged comment on this site was spam (${spam} in all)`,
    };
  }
  if (lastModerated === 'approved' && proven) {
    return {
      verdict: 'approve',
      reason: `the author has ${approved} approved comment(s) on this site`,
    };
  }
  return undefined;
}
