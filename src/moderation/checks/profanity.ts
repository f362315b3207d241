import { englishDataset, englishRecommendedTransformers, RegExpMatcher } from 'obscenity';
import type { Finding } from '../finding';

// Built once: the dataset's patterns are fixed, and obscenity's transformers undo
// l33t, repeated letters and confusable characters before matching. Words that only
// contain a listed one (the Scunthorpe problem) are whitelisted; the dataset knows some.
const dataset = englishDataset.build();
const matcher = new RegExpMatcher({
  ...dataset,
  whitelistedTerms: [...(dataset.whitelistedTerms ?? []), 'penistone', 'cockermouth', 'clitheroe', 'hancock', 'dickens', 'titicaca'],
  ...englishRecommendedTransformers,
});

/** Profanity and abuse in the name or text: held by default; a site may reject it or let it be. */
export function profanity(input: { name: string; text: string; action: 'hold' | 'reject' | 'ignore' }): Finding | undefined {
  if (input.action === 'ignore') return undefined;
  const matches = [...matcher.getAllMatches(input.name), ...matcher.getAllMatches(input.text)];
  if (matches.length === 0) return undefined;
  const words = [...new Set(matches.map((m) => englishDataset.getPayloadWithPhraseMetadata(m).phraseMetadata?.originalWord ?? 'a listed word'))];
  return {
    check: 'profanity',
    verdict: input.action,
    reason: `profanity: ${words.slice(0, 5).join(', ')}`,
    score: matches.length,
  };
}
