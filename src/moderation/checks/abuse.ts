import { describeEvidence } from '../classifier/evidence';
import type { LinearScore } from '../classifier/linear-model';
import type { CheckResult } from '../finding';

/**
 * The abuse judgement (insults, hate, threats, obscenity aimed at people): held for a
 * person by default, rejected where the site says so. A blunt or sarcastic comment
 * without insults scores low; the score rises with words aimed at someone.
 */
export function abuse(input: {
  result: LinearScore | undefined;
  threshold: number;
  action: 'hold' | 'reject' | 'ignore';
  /** `ignore`: the comment is judged without its contempt signal (the site's `contempt` setting). */
  contempt?: 'abuse' | 'ignore';
}): CheckResult | undefined {
  if (!input.result || input.action === 'ignore') return undefined;
  const result = input.contempt === 'ignore' ? without(input.result, 'sig:contempt') : input.result;
  if (result.score < input.threshold) return undefined;
  const score = Math.round(result.score * 1000) / 1000;
  const because = describeEvidence(result.evidence);
  return {
    verdict: input.action,
    reason: `${kindOf(result)} (abuse score ${score.toFixed(2)})${because ? `: ${because}` : ''}`,
    score,
  };
}

/** What kind of abuse the strongest evidence says it is, in a moderator's words. */
function kindOf(result: LinearScore): string {
  const has = (test: (feature: string) => boolean) => result.evidence.some((e) => test(e.feature));
  if (has((f) => f === 'sig:threat')) return 'a threat';
  if (has((f) => f === 'sig:slur' || f === 'sig:dehumanizing')) return 'hate against a group';
  if (has((f) => f.startsWith('d:') || f === 'sig:insult-aimed')) return 'insult aimed at a person';
  if (has((f) => f === 'sig:insult')) return 'name-calling';
  if (has((f) => f === 'sig:contempt')) return 'contempt';
  return 'hostile or obscene language';
}

/** The score as it would be without a signal's contribution (a signal weighs enough to be among the evidence kept). */
function without(result: LinearScore, feature: string): LinearScore {
  const part = result.evidence.find((e) => e.feature === feature);
  if (!part) return result;
  const logit = result.logit - part.logit;
  return { ...result, logit, score: 1 / (1 + Math.exp(-logit)), evidence: result.evidence.filter((e) => e !== part) };
}
