import type { FormTokenCheck } from '../../comments/form-token';
import type { CheckResult } from '../finding';

/**
 * People take more than a few seconds to write a comment; bots post the instant the
 * form loads, forge the token, or replay an old one. A forged token is spam; too fast
 * or stale is held for a person to look at. A missing token is no finding
 * here: API clients without the widget are legitimate unless the site requires it
 * (the spam check treats a missing token as a weak signal).
 */
export function timeTrap(input: {
  token: FormTokenCheck | undefined;
  submittedAt: number;
  minSubmitSeconds: number;
  maxFormAgeHours: number;
  required: boolean;
}): CheckResult | undefined {
  const { token } = input;
  if (!token) {
    return input.required ? { verdict: 'hold', reason: 'no form token, and the site requires one' } : undefined;
  }
  if (!token.valid) return { verdict: 'spam', reason: 'the form token is forged or malformed' };
  const seconds = (input.submittedAt - token.issuedAt) / 1000;
  if (seconds < 0) return { verdict: 'spam', reason: 'the form token was issued after the comment was sent' };
  // Held, not spam: a person who pastes a prepared text can be this fast, and must not lose it.
  if (seconds < input.minSubmitSeconds) {
    return {
      verdict: 'hold',
      reason: `sent ${seconds.toFixed(1)} s after the form loaded (minimum ${input.minSubmitSeconds} s)`,
      score: seconds,
    };
  }
  if (seconds > input.maxFormAgeHours * 3600) {
    return {
      verdict: 'hold',
      reason: `the form token is ${Math.round(seconds / 3600)} h old (stale)`,
      score: seconds,
    };
  }
  return undefined;
}
