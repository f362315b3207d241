import { foldText } from '../fold-text';
import { type ProfaneMatch, profanityMatches } from '../profanity-matcher';
import { abuseSignals } from './abuse-signals';
import { spamSignals } from './spam-signals';

/**
 * Turning a comment into the features the two models weigh. Everything here is linear
 * in the input and bounded: the text is cut to MAX_TEXT characters and tokens to
 * MAX_TOKEN characters, and no pattern is supplied by users.
 *
 * Two kinds of feature:
 * - lexical (`w:` words, `b:` word pairs, `d:` words aimed at the reader): many, weak,
 *   and normalized together to a unit vector, so a long comment weighs no more than a
 *   short one (summing hundreds of weak words is what made long, argued comments look
 *   like spam);
 * - structural (`urls:`, `host:`, `cta:`, `sig:`, `prof:`, `email`, `website`): few,
 *   each worth 1, the shapes that mark spam or abuse on any site.
 */

/** What the models look at: the comment as the author sent it. */
export interface CommentText {
  text: string;
  /** The author's website field. */
  website: string | null;
  /** Host names of the site's own origins: links there say nothing. */
  ownDomains?: readonly string[];
  /** The listed words of `text`, when the caller has matched them already (the worker does, once, for its checks too). */
  profanity?: readonly ProfaneMatch[];
}

export const MAX_TEXT = 5000;
const MAX_TOKEN = 24;
const MAX_LEXICAL = 600;

const URL_PATTERN = /\b(?:https?:\/\/|www\.)[^\s<>"'()\]]+/giu;
// Endings spam uses most; "name . com" is written with them too, and "name.COMl" (a stray letter after the ending).
const COMMON_ENDINGS = 'com|net|org|info|biz|xyz|online|site|club|shop|store';
const OTHER_ENDINGS =
  'ru|su|io|co|me|tk|ly|gl|us|top|in|uk|app|tv|cc|ws|pro|link|live|fun|space|website|tech|vn|pl|de|fr|es|it|nl|cn|br|au|ca|eu';
const PATH = String.raw`(?:\/[^\s<>"'()\]]*)?`;
// "name.com" (or "news.name.co.uk") and the ways people write it to dodge link filters.
const SUBDOMAINS = String.raw`(?:[a-z0-9-]{1,63}\.){0,3}`;
const BARE_DOMAIN = new RegExp(
  [
    String.raw`\b${SUBDOMAINS}[a-z0-9-]{2,63}(?:\.(?:${COMMON_ENDINGS})[il1]?|(?:\s\.\s?|\.\s)(?:${COMMON_ENDINGS}))\b(?!\.[a-z0-9])${PATH}`,
    String.raw`\b${SUBDOMAINS}[a-z0-9-]{2,63}\.(?:${OTHER_ENDINGS})\b(?!\.[a-z0-9])${PATH}`,
    String.raw`\b${SUBDOMAINS}[a-z0-9-]{2,63}\.[a-z]{2,12}\/[^\s<>"'()\]]*`,
  ].join('|'),
  'giu',
);
// "site(dot)com", "site [dot] com": the other way to write a link past a filter.
const DOT_WORD = /\s?[([{]\s?dot\s?[)\]}]\s?/g;
const EMAIL = /[^\s@<>()[\]]{1,64}@[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63})*\.[a-z]{2,24}\b/giu;
const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu;
// "s u b s c r i b e" and "c.h.e.c.k": single letters in a row, glued back together.
const SPACED_LETTERS = /\b(?:\p{L}[ .*_-]){3,}\p{L}\b/gu;
const ELONGATION = /(\p{L})\1{2,}/gu;

/** Second-person words: what follows them is aimed at the reader ("you idiot"). */
const ADDRESSED = new Set(['you', 'your', "you're", 'youre', 'ur', 'u', 'yourself', 'ya', 'yours', "you've", "you'll"]);

/**
 * Words that name groups of people. An abuse model learns them as toxic because hate
 * is aimed at them, and then holds every civil comment that mentions them; so they are
 * no evidence on their own (pairs such as "filthy muslims" still are).
 */
const IDENTITY_TERMS = new Set(
  (
    'muslim muslims islam islamic christian christians christianity jew jews jewish judaism catholic catholics hindu hindus ' +
    'sikh sikhs buddhist atheist atheists gay gays lesbian lesbians bisexual transgender trans homosexual homosexuals queer lgbt lgbtq ' +
    'black blacks white whites asian asians hispanic hispanics latino latinos latina mexican mexicans african africans arab arabs ' +
    'indian indians native natives immigrant immigrants refugee refugees migrant migrants foreigner foreigners chinese japanese ' +
    'korean russian russians iraqi syrian afghan palestinian palestinians israeli israelis women woman men man girl girls boy boys ' +
    'female females male males feminist feminists liberal liberals conservative conservatives democrat democrats republican ' +
    'republicans trump obama clinton hillary'
  ).split(' '),
);

/**
 * Words every comment uses. Alone they are no evidence of spam, though YouTube's
 * self-promoters lean on "me", "my", "please" and "thanks" more than its other
 * commenters do; a blog reader thanking the author must not look like them. The
 * pairs they form ("my channel", "thanks for") still count.
 */
export const FUNCTION_WORDS: ReadonlySet<string> = new Set(
  (
    'i me my myself we us our ours you your yours he him his she her it its they them their what which who whom this that these those ' +
    'am is are was were be been being have has had do does did a an the and but if or because as until while of at by for with about ' +
    'against between into through during before after above below to from up down in out on off over under again then once here there ' +
    'when where why how all any both each few more most other some such no nor not only own same so than too very can will just should ' +
    "now thanks thank please i'm it's don't"
  ).split(' '),
);

/**
 * Calls to action, the mark of comment spam everywhere (self-promotion, link farming,
 * like-farming, money offers). The model learns what each kind is worth; these
 * patterns only group the many ways of writing them.
 */
const CALLS_TO_ACTION: ReadonlyArray<readonly [string, RegExp]> = [
  [
    'subscribe',
    /\b(?:sub ?(?:4|for) ?sub|(?:my|our) (?:first |next )?(?:#\d+ )?subscribers?|subs?cr?ib(?:e|ing)? (?:to )?(?:me|my|our|back)|subscribe|subscrib(?:irse|ete|anse)|suscri\w*|subcri\w*|inscreva\w*)\b/,
  ],
  [
    'look',
    /\b(?:check (?:out|it out|this out) (?:my|our|this|these|the|new)|check (?:my|our)|take a look at (?:my|our|this)|have a look at (?:my|our)|(?:go|come) (?:and )?(?:check|see|watch|visit|to) (?:out )?(?:my|our)|look (?:at|up) (?:my|our)|follow (?:me|us) (?:on|at) (?:instagram|insta|ig|twitter|tiktok|facebook|snapchat|twitch|youtube))\b/,
  ],
  [
    'mine',
    /\b(?:(?:i|we) (?:just )?(?:made|started|created|launched|opened) (?:a|an|my|our) (?:new |own )?(?:\w+ )?(?:channel|blog|podcast|website|site|shop|store|app|game)|(?:my|our) (?:(?:new|newest|latest|own|first) )?(?:channel|videos?|playlist|podcast|mixtape|page|site|website|blog|music|songs?|track|cover|profile|account|instagram|twitter|facebook|app|game|book|shop|store|business|company|services?|products?)|(?:mi|meu|mon|mein|meinen) (?:canal|channel|kanal|chaine))\b/,
  ],
  [
    'visit',
    /\b(?:visit (?:my|our|us|the site|this site|here|now)|click (?:here|this|the link|below|on the link)|(?:see|read|learn|find out) more (?:at|here|on)|more info(?:rmation)? (?:at|here|on)|sign up (?:now|here|today|at)|(?:order|buy|shop|download|call|register|join) (?:now|today|here)|contact us)\b/,
  ],
  [
    'offer',
    /\b(?:earn (?:money|cash|\$)|make money|work from home|free (?:gift cards?|money|iphone|followers|likes|views|robux)|promo code|discount code|coupon code|giveaway)\b/,
  ],
];

/**
 * Engagement bait ("like if you ...", "thumbs up if ...", "how many thumbs up for ...",
 * "like and subscribe"), held on any site. Matched on
 * the text with its punctuation, so "sort of like, if ..." and "would like to know if" are not.
 */
const LIKE_FARMING =
  /(?<!\b(?:just|looks?|feels?|felt|seems?|sounds?|would|i'd|id|more|not|is|was|be|it's|its|much|of) )\b(?:like|thumbs up|upvote)(?: this| it)? if\b|\blike this comment\b|\bgive (?:it|this|me) a (?:like|thumbs up)\b|\bhow many (?:thumbs up|likes) (?:for|can|will|does|do)\b|\blike,? (?:and|&) (?:subs?cri\w*|sub)\b/;

/**
 * Where readers point each other for facts and code: encyclopedias, standards, public
 * bodies, code hosts and language docs. A link there is a citation, not promotion, so
 * it does not count as a link to another site.
 */
const REFERENCE_HOSTS = new Set([
  'wikipedia.org',
  'wikimedia.org',
  'wiktionary.org',
  'archive.org',
  'doi.org',
  'arxiv.org',
  'w3.org',
  'ietf.org',
  'who.int',
  'un.org',
  'europa.eu',
  'gov.uk',
  'github.com',
  'gitlab.com',
  'stackoverflow.com',
  'stackexchange.com',
  'mozilla.org',
  'python.org',
  'nodejs.org',
  'npmjs.com',
  'pypi.org',
  'readthedocs.io',
  'php.net',
  'docs.oracle.com',
  'learn.microsoft.com',
  'docs.microsoft.com',
  'developer.apple.com',
  'rust-lang.org',
  'golang.org',
  'go.dev',
]);
/** Whether a link's host (in full: "developer.apple.com" is documentation, the App Store is not) is a reference site or under one. */
function isReference(hostname: string): boolean {
  if (/\.(?:gov|edu|mil)$/.test(hostname) || /\.(?:gov|ac|edu)\.[a-z]{2}$/.test(hostname)) return true;
  for (let host = hostname; host.includes('.'); host = host.slice(host.indexOf('.') + 1))
    if (REFERENCE_HOSTS.has(host)) return true;
  return false;
}

/** Second-level labels under which a country's sites register ("bbc.co.uk", "abc.net.au"): part of the suffix, not the site. */
const SECOND_LEVEL = new Set(['co', 'com', 'net', 'org', 'gov', 'ac', 'edu', 'ne', 'or', 'go', 'gob', 'nic']);

/** The host name of a URL found in text, without "www.". */
function hostnameOf(url: string): string | undefined {
  try {
    return new URL(/^https?:\/\//i.test(url) ? url : `http://${url}`).hostname.replace(/^www\./, '') || undefined;
  } catch {
    return undefined;
  }
}

/** A host name reduced to the site: its last two labels, or three under a country's "co.uk". */
function siteOf(hostname: string): string {
  const labels = hostname.split('.').filter(Boolean);
  const underCountry = labels.length > 2 && labels.at(-1)!.length === 2 && SECOND_LEVEL.has(labels.at(-2)!);
  return labels.slice(underCountry ? -3 : -2).join('.');
}

/** A comment's text, folded and split: its words (links and addresses taken out) and its links' hosts. */
export interface Tokens {
  /** Lower case, accents folded, elongations squeezed, spaced letters glued; numbers as `#<digits>`. */
  words: string[];
  hosts: string[];
  /** Links to other sites than the site's own and the reference sites. */
  foreignLinks: number;
  emails: number;
  /** The folded text with links kept, for the structural patterns. */
  folded: string;
  /** The folded text with links and addresses blanked: what the reader wrote around them (a link's digits are no phone number). */
  prose: string;
}

export function tokenize(input: CommentText): Tokens {
  const folded = foldText(input.text.slice(0, MAX_TEXT));
  const own = input.ownDomains ?? [];
  const hosts: string[] = [];
  let foreignLinks = 0;
  let emails = 0;
  const link = (url: string) => {
    const hostname = hostnameOf(url);
    const host = hostname && siteOf(hostname);
    if (host && own.some((domain) => host === domain || domain.endsWith(`.${host}`) || host.endsWith(`.${domain}`)))
      return ' ';
    if (host) hosts.push(host.slice(0, 40));
    if (!hostname || !isReference(hostname)) foreignLinks++;
    return ' ';
  };
  const rest = folded
    .replace(DOT_WORD, '.')
    .replace(EMAIL, () => {
      emails++;
      return ' ';
    })
    .replace(URL_PATTERN, link)
    .replace(BARE_DOMAIN, (domain) => link(domain.replace(/ /g, '')));
  const glued = rest.replace(ELONGATION, '$1$1').replace(SPACED_LETTERS, (letters) => letters.replace(/[ .*_-]/g, ''));
  const words = (glued.match(WORD) ?? []).map((w) =>
    /^\d+$/.test(w) ? `#${Math.min(w.length, 9)}` : w.length > MAX_TOKEN ? w.slice(0, MAX_TOKEN) : w,
  );
  return { words, hosts, foreignLinks, emails, folded, prose: rest };
}

function wordFeatures(words: string[], keep: (word: string) => boolean = () => true): string[] {
  const out: string[] = [];
  let previous = '^';
  for (const w of words.slice(0, MAX_LEXICAL / 2)) {
    if (keep(w)) out.push(`w:${w}`);
    out.push(`b:${previous} ${w}`);
    previous = w;
  }
  if (words.length > 0) out.push(`b:${previous} $`);
  return out;
}

/** The spam model's features: the words, the links, the calls to action and the spam signals. */
export function spamFeatures(input: CommentText, tokens: Tokens = tokenize(input)): string[] {
  const features = wordFeatures(tokens.words, (w) => !FUNCTION_WORDS.has(w));
  if (tokens.foreignLinks > 0) features.push(`urls:${Math.min(tokens.foreignLinks, 3)}`);
  for (const host of new Set(tokens.hosts)) features.push(`host:${host}`);
  if (tokens.emails > 0) features.push('email');
  if (input.website) features.push('website');
  const sentence = ` ${tokens.words.join(' ')} `;
  for (const [name, pattern] of CALLS_TO_ACTION) if (pattern.test(sentence)) features.push(`cta:${name}`);
  if (LIKE_FARMING.test(tokens.folded.replace(/\s+/g, ' '))) features.push('cta:like-farming');
  for (const signal of spamSignals(input, tokens)) features.push(`sig:${signal.name}`);
  return features;
}

/** The abuse model's features: words (group names excepted), pairs, words aimed at the reader, profanity, the abuse signals. */
export function abuseFeatures(input: CommentText, tokens: Tokens = tokenize(input)): string[] {
  const { words } = tokens;
  const features = wordFeatures(words, (w) => !IDENTITY_TERMS.has(w));
  for (let i = 0; i < words.length && i < MAX_LEXICAL / 2; i++) {
    if (!ADDRESSED.has(words[i])) continue;
    for (let j = i + 1; j <= i + 3 && j < words.length; j++)
      if (!ADDRESSED.has(words[j])) features.push(`d:${words[j]}`);
  }
  const profane = (input.profanity ?? profanityMatches(input.text.slice(0, MAX_TEXT))).filter(
    (m) => m.end < MAX_TEXT,
  ).length;
  if (profane > 0) features.push(`prof:${Math.min(profane, 3)}`);
  for (const signal of abuseSignals(words)) features.push(`sig:${signal}`);
  return features;
}

/**
 * The features that say only that a comment links elsewhere: how many links, to which
 * hosts, the same site again and again. Links alone never condemn a comment that says
 * something (see the spam check): a reader who cites three sources is held at most.
 */
export function isLinkFeature(feature: string): boolean {
  return feature.startsWith('urls:') || feature.startsWith('host:') || feature === 'sig:many-links';
}

/** Lexical features share one unit of weight between them; structural ones count 1 each. */
export function isLexical(feature: string): boolean {
  const kind = feature.charCodeAt(0);
  // w:, b:, d:
  return feature.charCodeAt(1) === 58 && (kind === 119 || kind === 98 || kind === 100);
}
