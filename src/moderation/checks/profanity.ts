import { profaneWords } from '../profanity-matcher';
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
  const aimed = aimedWords(input.text);
  if (aimed.length === 0) return undefined;
  return {
    verdict: input.action,
    reason: `profanity aimed at someone: ${aimed.slice(0, 3).join(', ')}`,
    score: aimed.length,
  };
}

/** The listed words that stand within a few words of "you". */
function aimedWords(text: string): string[] {
  const words: string[] = [];
  for (const sentence of text.split(/[.!?\n]+/)) {
    if (!AIMED.test(sentence)) continue;
    const tokens = sentence.split(/\s+/);
    for (let i = 0; i < tokens.length; i++) {
      if (!AIMED.test(tokens[i])) continue;
      const near = tokens.slice(Math.max(0, i - 2), i + 6).join(' ');
      words.push(...profaneWords(near));
    }
  }
  return [...new Set(words)];
}
