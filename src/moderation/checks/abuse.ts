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
}): CheckResult | undefined {
  const { result } = input;
  if (!result || input.action === 'ignore' || result.score < input.threshold) return undefined;
  const score = Math.round(result.score * 1000) / 1000;
  const aimed = result.evidence.some((e) => e.feature.startsWith('d:') || e.feature === 'sig:insult-aimed');
  const because = describeEvidence(result.evidence);
  const kind = aimed ? 'insult aimed at a person' : 'hostile or obscene language';
  return {
    verdict: input.action,
    reason: `${kind} (abuse score ${score.toFixed(2)})${because ? `: ${because}` : ''}`,
    score,
  };
}
