import type { AuthorHistory } from '../../comments/comment-repository';
import type { CheckResult } from '../finding';

/**
 * Authors earn trust by approved comments. One whose latest judged comment was spam
 * stays spam until a moderator approves one of theirs.
 */
export function authorHistory(input: { history: AuthorHistory }): CheckResult | undefined {
  const { approved, spam, lastModerated } = input.history;
  if (lastModerated === 'spam') {
    return {
      verdict: 'spam',
      reason: `the author's latest judged comment on this site was spam (${spam} in all)`,
    };
  }
  if (lastModerated === 'approved') {
    return {
      verdict: 'approve',
      reason: `the author has ${approved} approved comment(s) on this site`,
    };
  }
  return undefined;
}
