/**
 * Word-list matching that stays linear-ish on hostile input: entries are words,
 * phrases, or words with `*` wildcards, matched against the tokens of a text by a
 * plain glob matcher. No user-supplied regular expression is ever built, so no entry
 * or input can make matching backtrack exponentially.
 */

import { foldText } from './fold-text';

const MAX_TOKEN_LENGTH = 64;

/** Words of the text (letters and digits), folded; very long runs are cut, since no entry is that long. */
export function tokenize(text: string): string[] {
  return foldText(text)
    .split(/[^\p{L}\p{N}*]+/u)
    .filter((t) => t !== '')
    .map((t) => t.slice(0, MAX_TOKEN_LENGTH));
}

/** `*` matches any run of characters within one word. Greedy with one backtrack point: O(n·m) at worst, never exponential. */
export function globMatch(word: string, pattern: string): boolean {
  let w = 0;
  let p = 0;
  let star = -1;
  let resume = 0;
  while (w < word.length) {
    if (p < pattern.length && pattern[p] !== '*' && pattern[p] === word[w]) {
      w += 1;
      p += 1;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p;
      p += 1;
      resume = w;
    } else if (star !== -1) {
      p = star + 1;
      resume += 1;
      w = resume;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '*') p += 1;
  return p === pattern.length;
}

interface Entry {
  source: string;
  /** The entry's words; each may hold `*`. */
  words: string[];
}

export class WordList {
  private readonly exact = new Map<string, string>();
  private readonly patterns: Entry[] = [];

  constructor(entries: string[]) {
    for (const source of entries) {
      const words = tokenize(source);
      if (words.length === 0) continue;
      if (words.length === 1 && !words[0].includes('*')) this.exact.set(words[0], source);
      else this.patterns.push({ source, words: words.map((w) => w.replace(/\*+/g, '*')) });
    }
  }

  /** The first entry found among the words, if any. */
  match(text: string): string | undefined {
    const words = tokenize(text).map((w) => w.replace(/\*/g, ''));
    for (const word of words) {
      const hit = this.exact.get(word);
      if (hit !== undefined) return hit;
    }
    if (this.patterns.length === 0) return undefined;
    const distinct = [...new Set(words)];
    for (const entry of this.patterns) {
      if (entry.words.length === 1) {
        if (distinct.some((word) => globMatch(word, entry.words[0]))) return entry.source;
        continue;
      }
      for (let start = 0; start + entry.words.length <= words.length; start += 1) {
        if (entry.words.every((pattern, k) => globMatch(words[start + k], pattern))) return entry.source;
      }
    }
    return undefined;
  }
}
