import type { CheckName } from './checks';

/** What a check can conclude; the order is the precedence, strongest last. */
export const VERDICTS = ['approve', 'hold', 'reject', 'spam'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** One check's conclusion about a comment, stored with it so a moderator sees why. */
export interface Finding {
  check: CheckName;
  verdict: Verdict;
  reason: string;
  score?: number;
}

/** What a check returns: a finding without its name, which the pipeline stamps on it. */
export type CheckResult = Omit<Finding, 'check'>;
