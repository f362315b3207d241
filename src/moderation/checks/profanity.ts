import { type ProfaneMatch, profaneWords, profanityMatches } from '../profanity-matcher';
import type { CheckResult } from '../finding';

// A listed word next to "you" is aimed at the reader: "you bastard", "f*** you", "your stupid a**".
const AIMED = /\b(?:you|your|you're|youre|yourself|ya|ur|u(?!\.))\b/i;

/**
 * The word list, a cheap first signal: a listed word in the name, or aimed at someone
 * in the text, is held (or rejected, or let be, as the site says). A rude word merely
 * quoted or used for emphasis is left to the abuse judgement, which weighs it with the
 * rest of the comment.
 */
export function profanity(input: {
  name: string;
  text: string;
  /** The listed words of `text`, when the caller has matched them already. */
  matches?: readonly ProfaneMatch[];
  action: 'hold' | 'reject' | 'ignore';
}): CheckResult | undefined {
  if (input.action === 'ignore') return undefined;
  const inName = profaneWords(input.name);
  if (inName.length > 0)
    return {
      verdict: input.action,
      reason: `profanity in the name: ${inName.slice(0, 3).join(', ')}`,
      score: inName.length,
    };
  const aimed = aimedWords(input.text, input.matches ?? profanityMatches(input.text));
  if (aimed.length === 0) return undefined;
  return {
    verdict: input.action,
    reason: `profanity aimed at someone: ${aimed.slice(0, 3).join(', ')}`,
    score: aimed.length,
  };
}

/**
 * The listed words that stand within a few words of "you" in the same sentence: from two
 * words before it to five after: the text's matches, placed against each sentence's words.
 */
function aimedWords(text: string, matches: readonly ProfaneMatch[]): string[] {
  if (matches.length === 0) return [];
  const words = new Set<string>();
  for (const sentence of text.matchAll(/[^.!?\n]+/g)) {
    if (!AIMED.test(sentence[0])) continue;
    const base = sentence.index ?? 0;
    const tokens = [...sentence[0].matchAll(/\S+/g)].map((t) => ({
      start: base + (t.index ?? 0),
      end: base + (t.index ?? 0) + t[0].length - 1,
      aimed: AIMED.test(t[0]),
    }));
    tokens.forEach((token, i) => {
      if (!token.aimed) return;
      const from = tokens[Math.max(0, i - 2)].start;
      const to = tokens[Math.min(tokens.length - 1, i + 5)].end;
      for (const m of matches) if (m.start >= from && m.end <= to) words.add(m.word);
    });
  }
  return [...words];
}
