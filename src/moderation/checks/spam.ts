import { describeEvidence } from '../classifier/evidence';
import type { LinearScore } from '../classifier/linear-model';
import type { CheckResult } from '../finding';

/** The hold threshold of a comment sent without the widget's form token, as a share of the usual one: a weak signal, never a verdict alone. */
const MISSING_TOKEN_FACTOR = 0.9;
/**
 * Below this share of known words, the model is judging text unlike anything it
 * learned: it may hold such a comment for a person, but it never files it as spam on
 * the words alone.
 */
const MIN_KNOWN_TO_CONDEMN = 0.5;
/** A comment with fewer lexical features than this (five words or so) besides its links is a link drop: its links may condemn it. */
const LINK_DROP_LEXICAL = 12;

/**
 * The spam judgement (promotion, scams, SEO links) through the site's two thresholds,
 * with the strongest reasons: "spam score 0.97: a phone number offered as a support line".
 */
export function spam(input: {
  result: LinearScore | undefined;
  holdThreshold: number;
  spamThreshold: number;
  hasFormToken: boolean;
}): CheckResult | undefined {
  const { result } = input;
  if (!result) return undefined;
  const holdAt = input.hasFormToken ? input.holdThreshold : input.holdThreshold * MISSING_TOKEN_FACTOR;
  if (result.score < holdAt) return undefined;
  const score = Math.round(result.score * 1000) / 1000;
  const because = describeEvidence(result.evidence);
  const reason = `spam score ${score.toFixed(2)}${because ? `: ${because}` : ''}`;
  // Condemned on structure (signals, calls to action) or on words the model knows well; on
  // links alone only when there is next to nothing else: a reader who argues and cites
  // three sources is held for a person at most.
  const structural = result.evidence.length > 0 && !/^[wbd]:/.test(result.evidence[0].feature);
  const withoutLinks = 1 / (1 + Math.exp(-(result.logit - result.linkLogit)));
  const notOnLinksAlone = withoutLinks >= input.holdThreshold || result.lexical < LINK_DROP_LEXICAL;
  if (result.score >= input.spamThreshold && (structural || result.known >= MIN_KNOWN_TO_CONDEMN) && notOnLinksAlone) {
    return { verdict: 'spam', reason, score };
  }
  const weak = input.hasFormToken ? '' : ' (threshold lowered: no form token)';
  return { verdict: 'hold', reason: `${reason}${weak}`, score };
}
