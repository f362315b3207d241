import type { CheckResult } from '../finding';

/** The scripts each language is written in, by its ISO 639-1 code. */
const SCRIPTS: Record<string, readonly string[]> = {
  ru: ['Cyrillic'],
  uk: ['Cyrillic'],
  bg: ['Cyrillic'],
  sr: ['Cyrillic', 'Latin'],
  mk: ['Cyrillic'],
  be: ['Cyrillic'],
  kk: ['Cyrillic'],
  el: ['Greek'],
  ar: ['Arabic'],
  fa: ['Arabic'],
  ur: ['Arabic'],
  he: ['Hebrew'],
  yi: ['Hebrew'],
  zh: ['Han'],
  ja: ['Han', 'Hiragana', 'Katakana'],
  ko: ['Hangul', 'Han'],
  hi: ['Devanagari'],
  mr: ['Devanagari'],
  ne: ['Devanagari'],
  bn: ['Bengali'],
  ta: ['Tamil'],
  te: ['Telugu'],
  th: ['Thai'],
  ka: ['Georgian'],
  hy: ['Armenian'],
  am: ['Ethiopic'],
};
for (const code of 'en fr de es it pt nl sv da no nb nn fi pl cs sk sl hr bs ro hu tr az id ms vi et lv lt is ga cy eu ca gl sq af sw tl mt lb eo'.split(
  ' ',
))
  SCRIPTS[code] = ['Latin'];
const NAMES = [
  'Latin',
  'Cyrillic',
  'Greek',
  'Arabic',
  'Hebrew',
  'Han',
  'Hiragana',
  'Katakana',
  'Hangul',
  'Devanagari',
  'Bengali',
  'Tamil',
  'Telugu',
  'Thai',
  'Georgian',
  'Armenian',
  'Ethiopic',
] as const;
const PATTERNS = new Map(NAMES.map((name) => [name, new RegExp(`\\p{Script=${name}}`, 'u')]));

/** Letters it takes before the script of a comment says anything. */
const MIN_LETTERS = 20;
/** Below this share of letters in the site's script(s), the comment is written in another. */
const MIN_SHARE = 0.3;

/**
 * A comment written in another script than the site's language (Cyrillic on an English
 * site, say) is held: it is how much spam arrives, and the site's moderators may not
 * be able to read it. Languages of one script are not told apart; a site whose
 * language is not listed here is not checked.
 */
export function language(input: { text: string; siteLanguage: string }): CheckResult | undefined {
  const code = input.siteLanguage.toLowerCase().split('-')[0];
  const expected = SCRIPTS[code];
  if (!expected) return undefined;
  const counts = new Map<string, number>();
  let letters = 0;
  for (const char of input.text.slice(0, 2000)) {
    if (!/\p{L}/u.test(char)) continue;
    letters++;
    for (const [name, pattern] of PATTERNS) {
      if (!pattern.test(char)) continue;
      counts.set(name, (counts.get(name) ?? 0) + 1);
      break;
    }
  }
  if (letters < MIN_LETTERS) return undefined;
  const inExpected = expected.reduce((sum, name) => sum + (counts.get(name) ?? 0), 0);
  if (inExpected / letters >= MIN_SHARE) return undefined;
  const main = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'another';
  return { verdict: 'hold', reason: `written in ${main} script; the site's language is ${code}` };
}
