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

/** A listed word where it stands in the text, as its dictionary form. */
export interface ProfaneMatch {
  start: number;
  /** The index of its last character. */
  end: number;
  word: string;
}

/** The listed words of a text with their places, in order. */
export function profanityMatches(text: string): readonly ProfaneMatch[] {
  return matcher.getAllMatches(text, true).map((m) => ({
    start: m.startIndex,
    end: m.endIndex,
    word: englishDataset.getPayloadWithPhraseMetadata(m).phraseMetadata?.originalWord ?? 'a listed word',
  }));
}

/** The listed words found in a text, as their dictionary forms, each once. */
export function profaneWords(text: string): string[] {
  return [...new Set(profanityMatches(text).map((m) => m.word))];
}
