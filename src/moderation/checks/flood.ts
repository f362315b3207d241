import type { CheckResult } from '../finding';
import type { FloodCounts } from '../flood-counters';

/**
 * Too many comments a minute from one IP or email is held; the same text again within
 * a day is spam, except a repeat on the same page, which the duplicate check already
 * rejects (a double submit is not a spam run).
 */
export function flood(input: {
  counts: FloodCounts;
  perMinuteLimit: number;
  duplicateOnPage: boolean;
}): CheckResult | undefined {
  const { counts, perMinuteLimit } = input;
  if (counts.sameTextLastDay > 0 && !input.duplicateOnPage) {
    return {
      verdict: 'spam',
      reason: 'the same author sent the same text within the last day',
      score: counts.sameTextLastDay,
    };
  }
  const most = Math.max(counts.perIpLastMinute, counts.perEmailLastMinute);
  if (most > perMinuteLimit) {
    const source = counts.perIpLastMinute >= counts.perEmailLastMinute ? 'this IP' : 'this email';
    return {
      verdict: 'hold',
      reason: `${most} comments from ${source} within a minute (limit ${perMinuteLimit})`,
      score: most,
    };
  }
  return undefined;
}
