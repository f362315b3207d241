import type { SpamScore } from '../classifier/spam-classifier';
import type { Finding } from '../finding';

/** How much lower the hold threshold is for a comment sent without the widget's form token. */
const MISSING_TOKEN_MARGIN = 0.05;

/**
 * The content classifier's opinion, through the site's two thresholds. Untrained, it
 * has none. A comment that came without a form token (a script, or a bot that skips
 * the form) is held at a somewhat lower score: a weak signal, never a verdict alone.
 */
export function classifier(input: {
  result: SpamScore | undefined;
  spamThreshold: number;
  holdThreshold: number;
  hasFormToken: boolean;
}): Finding | undefined {
  if (!input.result) return undefined;
  const { score } = input.result;
  const holdAt = input.hasFormToken ? input.holdThreshold : Math.max(0, input.holdThreshold - MISSING_TOKEN_MARGIN);
  const rounded = Math.round(score * 1000) / 1000;
  if (score >= input.spamThreshold) {
    return { check: 'classifier', verdict: 'spam', reason: `spam score ${rounded} ≥ ${input.spamThreshold}`, score: rounded };
  }
  if (score >= holdAt) {
    const weak = input.hasFormToken ? '' : ' (lowered: no form token)';
    return { check: 'classifier', verdict: 'hold', reason: `spam score ${rounded} ≥ ${holdAt}${weak}`, score: rounded };
  }
  return undefined;
}
