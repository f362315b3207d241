import type { AuthorHistory } from '../../comments/comment-repository';
import type { Finding } from '../finding';

/** Authors earn trust by approved comments; one whose comments were spam stays suspect. */
export function authorHistory(input: { history: AuthorHistory }): Finding | undefined {
  const { approved, spam } = input.history;
  if (spam > 0) {
    return { check: 'author-history', verdict: 'spam', reason: `the author has ${spam} comment(s) marked spam on this site` };
  }
  if (approved > 0) {
    return { check: 'author-history', verdict: 'approve', reason: `the author has ${approved} approved comment(s) on this site` };
  }
  return undefined;
}
