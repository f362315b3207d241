/** What a check can conclude; the order is the precedence, strongest last. */
export const VERDICTS = ['approve', 'hold', 'reject', 'spam'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** One check's conclusion about a comment, stored with it so a moderator sees why. */
export interface Finding {
  check: string;
  verdict: Verdict;
  reason: string;
  score?: number;
}
