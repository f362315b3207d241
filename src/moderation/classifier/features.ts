import { foldText } from '../fold-text';
import type { ClassifierInput } from './spam-classifier';

/**
 * Turning a comment into the set of features the model counts. Everything here is
 * linear in the input and bounded: the text is cut to MAX_TEXT characters, tokens to
 * MAX_TOKEN characters, and a comment yields at most MAX_FEATURES distinct features,
 * so a hostile comment costs no more than an ordinary long one. No pattern here is
 * supplied by users, and none can backtrack more than a bounded amount per position.
 */

/** Characters of the text looked at; longer comments are judged by their beginning. */
export const MAX_TEXT = 5000;
/** Distinct features per comment, at most. */
export const MAX_FEATURES = 1000;
const MAX_TOKEN = 24;

const URL_PATTERN = /\b(?:https?:\/\/|www\.)[^\s<>"'()]+/giu;
// "name.com" and the "name . com" people write to dodge link filters.
const BARE_DOMAIN = /\b[a-z0-9-]{2,63} ?\. ?(?:com|net|org|info|biz|ru|io|co|me|tk|ly|gl|be|us|xyz|online|site|club|shop|top)\b/giu;
const EMAIL = /[^\s@<>]{1,64}@[^\s@<>]{1,255}\.[a-z]{2,24}\b/giu;
const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu;
// "s u b s c r i b e" and "c.h.e.c.k": single letters in a row, glued back together.
const SPACED_LETTERS = /\b(?:\p{L}[ .*_-]){3,}\p{L}\b/gu;
const ELONGATION = /(\p{L})\1{2,}/gu;
const EMOTICON = /(?:^|\s)[:;=8][-'^]?[)(\]\[DPpO3/\\|*]+(?=\s|$)|<3|\^_?\^/u;
const PICTOGRAPH = /\p{Extended_Pictographic}/u;
const NON_LATIN_LETTER = /[^\p{Script=Latin}\P{L}]/u;

/**
 * Calls to action, the mark of comment spam everywhere (self-promotion, link farming,
 * like-farming). They are features like any other: the model learns how much each is
 * worth from the examples, these patterns only group the many ways of writing them.
 */
const CALLS_TO_ACTION: ReadonlyArray<readonly [string, RegExp]> = [
  ['subscribe', /\b(?:sub ?(?:4|for) ?sub|subs?cr?ib\w*|suscri\w*|subcri\w*)\b/],
  ['look', /\b(?:check (?:out|it out|this out|my)|take a look|have a look|go (?:to|see|watch)|look (?:at|up) my)\b/],
  [
    'like-farming',
    /(?:^|[.!?] )(?:please )?(?:like|thumbs up|share|comment)\b[^.!?]{0,30}\bif\b|\blike this comment\b|\bgive (?:it|this|me) a (?:like|thumbs up)\b/,
  ],
  [
    'mine',
    /\b(?:my|our) (?:new )?(?:channel|videos?|page|site|website|blog|music|songs?|track|cover|profile|account|instagram|twitter|facebook|app|game|book|shop|store|business)\b/,
  ],
  ['action', /\b(?:visit|follow|click|vote|join|download|buy|earn|free|promo|discount|win|money|cash|offer)\b/],
];

/** Lowercase, accents and compatibility forms folded ("Ｃｈｅｃｋ" and "chéck" become "check"). */

function bucket(value: number, limits: readonly number[]): number {
  let i = 0;
  while (i < limits.length && value > limits[i]) i++;
  return i;
}

/** The host of a URL found in text, without "www.", reduced to its last two labels. */
function hostOf(url: string): string | undefined {
  try {
    const parsed = new URL(/^https?:\/\//i.test(url) ? url : `http://${url}`);
    const labels = parsed.hostname.replace(/^www\./, '').split('.').filter(Boolean);
    return labels.slice(-2).join('.') || undefined;
  } catch {
    return undefined;
  }
}

/**
 * The distinct features of a comment, as readable strings:
 * - `w:` words, `b:` word pairs and `t:` word triples (with `^`/`$` for the start and
 *   end), after folding case and accents, squeezing elongations ("soooo" → "soo") and
 *   gluing spaced-out letters; numbers become their length (`#4`);
 * - `host:` the host of each link, `path:` its first path segment, `url:query`,
 *   `urls:` how many links (the rendered HTML's count or the text's, whichever is more),
 *   `email`, `website` (the author gave one);
 * - `cta:` calls to action by kind, and `cta:any` (see CALLS_TO_ACTION);
 * - shape: `len:` word count, `caps:` capitals ratio, `capswords:`, `repeat` (a
 *   character four times in a row), `bang:` exclamation marks, `digits` (a long
 *   number), `punct:question`, `punct:emoticon`, `punct:emoji`, `punct:ellipsis`,
 *   `script:other` (letters outside the Latin script).
 * The author's name is not used: on real data it added noise, not signal.
 */
export function extractFeatures(input: ClassifierInput): string[] {
  const features = new Set<string>();
  const add = (feature: string) => {
    if (features.size < MAX_FEATURES) features.add(feature);
  };
  const raw = input.text.slice(0, MAX_TEXT);
  const folded = foldText(raw);

  // Links: their hosts are strong evidence either way; the rest of a URL is noise.
  let urls = 0;
  const rest = folded
    .replace(EMAIL, () => {
      add('email');
      return ' ';
    })
    .replace(URL_PATTERN, (url) => {
      urls++;
      const host = hostOf(url);
      if (host) add(`host:${host.slice(0, 40)}`);
      if (/[?&=]/.test(url)) add('url:query');
      const firstSegment = /^(?:https?:\/\/)?[^/]+\/([a-z]{1,20})\b/.exec(url);
      if (firstSegment) add(`path:${firstSegment[1]}`);
      return ' ';
    })
    .replace(BARE_DOMAIN, (domain) => {
      urls++;
      add(`host:${domain.replace(/ /g, '').slice(0, 40)}`);
      return ' ';
    });
  const withoutLinks = rest.replace(ELONGATION, '$1$1').replace(SPACED_LETTERS, (letters) => letters.replace(/[ .*_-]/g, ''));
  add(`urls:${bucket(Math.max(urls, input.links), [0, 1, 2])}`);
  if (input.website) add('website');

  const sentence = withoutLinks.replace(/\s+/g, ' ').trim();
  // Each kind, and any kind: a rare kind (like-farming) borrows the weight of the common ones.
  let calls = 0;
  for (const [name, pattern] of CALLS_TO_ACTION) {
    if (!pattern.test(sentence)) continue;
    add(`cta:${name}`);
    calls++;
  }
  if (calls > 0) add('cta:any');

  // Words, pairs and triples.
  const words = (withoutLinks.match(WORD) ?? []).map((w) => (w.length > MAX_TOKEN ? w.slice(0, MAX_TOKEN) : w));
  add(words.length === 0 && urls > 0 ? 'len:links-only' : `len:${bucket(words.length, [0, 1, 2, 4, 7, 12, 20, 35, 60])}`);
  let previous = '^';
  let beforePrevious = '^';
  for (const w of words) {
    if (features.size >= MAX_FEATURES) break;
    const token = /^\d+$/.test(w) ? `#${Math.min(w.length, 9)}` : w;
    add(`w:${token}`);
    add(`b:${previous} ${token}`);
    add(`t:${beforePrevious} ${previous} ${token}`);
    beforePrevious = previous;
    previous = token;
  }
  if (words.length > 0) {
    add(`b:${previous} $`);
    add(`t:${beforePrevious} ${previous} $`);
  }

  // Shape.
  const letters = raw.replace(/[^\p{L}]/gu, '');
  if (letters.length >= 6) {
    const upper = letters.replace(/[^\p{Lu}]/gu, '').length;
    add(`caps:${bucket(upper / letters.length, [0.05, 0.3, 0.7])}`);
  }
  const capsWords = (raw.match(/\b\p{Lu}{3,}\b/gu) ?? []).length;
  if (capsWords > 0) add(`capswords:${bucket(capsWords, [1, 3])}`);
  if (/(.)\1{3,}/u.test(raw)) add('repeat');
  const bangs = (raw.match(/!/g) ?? []).length;
  if (bangs > 0) add(`bang:${bucket(bangs, [1, 3])}`);
  if (/\d{5,}/.test(raw.replace(/[\s-]/g, ''))) add('digits');
  const prose = raw.replace(URL_PATTERN, ' ');
  if (prose.includes('?')) add('punct:question');
  if (EMOTICON.test(prose)) add('punct:emoticon');
  if (PICTOGRAPH.test(prose)) add('punct:emoji');
  if (/\.{3,}|…/.test(prose)) add('punct:ellipsis');
  if (NON_LATIN_LETTER.test(raw)) add('script:other');
  return [...features];
}
