import { englishDataset, englishRecommendedTransformers, RegExpMatcher } from 'obscenity';

// Built once: the dataset's patterns are fixed, and obscenity's transformers undo
// l33t, repeated letters and confusable characters before matching. Words that only
// contain a listed one (the Scunthorpe problem) are whitelisted; the dataset knows some.
const dataset = englishDataset.build();
const matcher = new RegExpMatcher({
  ...dataset,
  whitelistedTerms: [
    ...(dataset.whitelistedTerms ?? []),
    'penistone',
    'cockermouth',
    'clitheroe',
    'hancock',
    'dickens',
    'titicaca',
  ],
  ...englishRecommendedTransformers,
});

/** The listed words found in a text, as their dictionary forms, each once. */
export function profaneWords(text: string): string[] {
  const found = matcher
    .getAllMatches(text)
    .map((m) => englishDataset.getPayloadWithPhraseMetadata(m).phraseMetadata?.originalWord ?? 'a listed word');
  return [...new Set(found)];
}

/** How many listed words a text holds (each occurrence counts). */
export function profanityCount(text: string): number {
  return matcher.getAllMatches(text).length;
}
