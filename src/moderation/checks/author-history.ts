import type { AuthorHistory } from '../../comments/comment-repository';
import type { Finding } from '../finding';

/**
 * Authors earn trust by approved comments. One whose latest judged comment was spam
 * stays spam until a moderator approves one of theirs.
 */
export function authorHistory(input: { history: AuthorHistory }): Finding | undefined {
  const { approved, spam, lastModerated } = input.history;
  if (lastModerated === 'spam') {
    return {
      check: 'author-history',
      verdict: 'spam',
      reason: `the author's latest judged comment on this site was spam (${spam} in all)`,
    };
  }
  if (lastModerated === 'approved') {
    return {
      check: 'author-history',
      verdict: 'approve',
      reason: `the author has ${approved} approved comment(s) on this site`,
    };
  }
  return undefined;
}
