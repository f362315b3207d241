import type { CommentText, Tokens } from './features';

/**
 * The shapes of spam that every site gets, whatever its topic: support-line scams,
 * contact offers, money promises, links pushed with a call to action or generic
 * praise, raw markup. No training file holds most of them, so each comes with a
 * weight of its own (its prior, in logits), which training and moderators can move
 * but which holds where no example says otherwise.
 */
export const SPAM_SIGNALS = {
  'phone-support': { prior: 6, reason: 'a phone number offered as a support or booking line' },
  'brand-support': { prior: 4, reason: "a brand name with 'support', 'helpline' or 'number'" },
  phone: { prior: 1.5, reason: 'a phone number' },
  'contact-offer': { prior: 3, reason: 'asks readers to get in touch through an address or messenger' },
  'money-promise': { prior: 3, reason: 'promises money, loans, recovered funds or spells' },
  'free-stream': { prior: 2.5, reason: 'offers a film, show or match to watch or download free' },
  'crypto-wallet': { prior: 3, reason: 'a cryptocurrency wallet address to send money to' },
  'promo-link': { prior: 2.5, reason: "a call to action ('visit', 'check out', 'click') with a link" },
  'praise-link': { prior: 2, reason: "generic praise ('nice post', 'thanks for sharing') with a link" },
  'praise-website': { prior: 1, reason: 'generic praise from an author who gives a website' },
  'markup-link': { prior: 4, reason: 'an HTML or BBCode link, which readers of this form do not write' },
  'many-links': { prior: 1, reason: 'the same site linked again and again' },
  'short-link': { prior: 1.5, reason: 'a link through a URL shortener, which hides where it goes' },
} as const satisfies Record<string, { prior: number; reason: string }>;

export type SpamSignalName = keyof typeof SPAM_SIGNALS;

export interface SpamSignal {
  name: SpamSignalName;
}

// Digits grouped as phone numbers are written: +1 (800) 555-0199, 1-888-555-0199,
// 0800 123 456, +44 20 7946 0958. Runs of 9 to 15 digits in groups of 2 to 4.
const PHONE = /(?<![\d.])(?:\+|00)?\d{1,4}(?:[\s.\-–]?\(?\d{2,4}\)?){2,4}(?![\d.])/g;
const SUPPORT_WORDS =
  /\b(?:call(?:ing)?|dial|ring|support|helpline|help ?line|help ?desk|hotline|customer (?:service|care|support)|tech(?:nical)? support|reservations?|bookings?|toll ?free|contact (?:us|number|no)|(?:phone|contact|support|service|care|helpline|reservation|booking|toll ?free) (?:number|no)|whatsapp|telegram|viber|signal me|text (?:me|us))\b/;
// Brands that support-line and booking scams use, from software and banks to airlines.
const BRANDS =
  /\b(?:quickbooks?|quicken|sage|turbotax|norton|mcafee|avast|avg|kaspersky|bitdefender|webroot|malwarebytes|microsoft|windows|outlook|hotmail|office ?365|gmail|google|yahoo|aol|apple|icloud|itunes|iphone|macbook|amazon|alexa|kindle|roku|netflix|hulu|facebook|instagram|whatsapp|paypal|venmo|cash ?app|zelle|coinbase|binance|metamask|blockchain|trust ?wallet|kraken|ledger|trezor|robinhood|hp|canon|epson|brother|dell|lenovo|asus|acer|garmin|tomtom|netgear|linksys|arlo|comcast|xfinity|verizon|at ?& ?t|spectrum|delta|united airlines|american airlines|southwest|jetblue|spirit airlines|frontier airlines|alaska airlines|lufthansa|emirates|qatar airways|british airways|air canada|expedia|booking\.com|airbnb|cox)\b/;
const BRAND_SUPPORT = new RegExp(
  `${BRANDS.source}(?:\\W+\\w+){0,3}?\\W+(?:support|helpline|help ?desk|customer (?:service|care)|phone|number|contact|toll ?free|reservations?|hotline|login|recovery)\\b`,
);
const CONTACT_WORDS = /\b(?:contact|reach|write to|email|e-mail|mail|whatsapp|telegram|viber|wechat|dm|inbox|text)\b/;
// A messenger account offered in words ("add lionsvillagexo on skype") is a contact offer of its own.
const ON_MESSENGER =
  /\b(?:add|message|msg|text|dm|find|reach|contact) (?:me|us|[a-z0-9_.]*\d[a-z0-9_.]*|[a-z0-9_.]{8,}) (?:on|at|via) (?:skype|snapchat|kik|discord|telegram|whatsapp|wechat|viber)\b/;
const MONEY =
  /\b(?:(?:earn|earning|make|making|made|get|getting|got|paid|receive[ds]?)\b[^.!?\n]{0,25}(?:\$ ?\d|\d[\d,.]* ?(?:\$|usd|dollars|euros?|pounds))|\$ ?\d[\d,.]* ?(?:per|a|every|each|\/) ?(?:day|week|month|hour)|work(?:ing)? from home|online job|make money (?:online|from home|fast)|passive income|investment (?:platform|manager|plan)|binary options|forex (?:trading|signals)|crypto ?(?:currency)? (?:recovery|trading|investment)|recover (?:my|your|their|lost|stolen) (?:funds|money|bitcoin|crypto|account)|(?:spell|love) caster|love spell|loan (?:offer|lender)|quick loans?)\b/;
const CALL_TO_ACTION_BEFORE_LINK =
  /\b(?:visit|check(?: it)? out|(?:take|have) a look|click|go to|read more|learn more|more (?:info|details)|find (?:it|them|out more)|buy|order|download|sign up|join|get (?:it|yours)|available) [^.!?\n]{0,60}(?:https?:\/\/|www\.|\b[a-z0-9-]{2,63}\.(?:com|net|org|info|biz|ru|io|co|in|xyz|online|site|shop|store|app)\b)/;
const PRAISE =
  /\b(?:(?:nice|great|good|awesome|excellent|amazing|wonderful|informative|useful|helpful|interesting|fantastic|superb|brilliant|valuable|impressive) (?:post|article|blog|information|info|content|read|share|sharing|work|job|writing|write up|site|website|stuff|topic|tips|points?|piece)|thanks? (?:you |a lot )?for (?:the )?(?:sharing|this (?:post|article|information|info)|the (?:info|information|post|article|great post))|keep (?:it up|up the good work|posting|sharing|writing)|i (?:really )?(?:like|liked|enjoyed|appreciate) (?:your|this) (?:post|article|blog|writing|content|site)|very (?:informative|helpful|useful|interesting)|(?:this|your) (?:post|article|blog|site) is (?:very |so |really )?(?:good|nice|great|helpful|informative|useful|amazing))\b/;
// Pirate-stream spam under every film, series and sports page: a title to watch or download, free.
const FREE = String.raw`(?:for free|free of charge|without (?:any )?(?:cost|charge|paying)|at no cost|(?:totally|absolutely|completely|100%) free|free (?:online|here|now|in hd|on this|at|streaming|download)|free(?=\s*(?:[.!,:>)-]|$)))`;
const FREE_STREAM = new RegExp(
  String.raw`\b(?:watch|stream|download)\w*\b[^.!?;\n]{0,50}\b(?:movie|film|episode|season|series|match|game|fight|online|in hd)\b[^.!?;\n]{0,30}\b${FREE}|\b(?:full|whole|complete|entire) (?:movie|film)\b[^.!?;\n]{0,40}\b${FREE}|\b(?:movie|film|episode|match)\b[^.!?;\n]{0,30}\b(?:stream|watch|download|leech)\w*\b[^.!?;\n]{0,30}\b${FREE}|\blive ?stream(?:ing)? ${FREE}`,
);
// Bitcoin (base58 and bech32) and Ethereum addresses: nobody quotes one but to be paid.
const WALLET = /\b(?:[13][a-km-zA-HJ-NP-Z1-9]{25,34}|bc1[a-z0-9]{25,62}|0x[a-fA-F0-9]{40})\b/g;
// Link shorteners: a reader citing a source links to it; a spammer hides where the link goes (and counts the clicks).
const SHORTENERS = new Set([
  'bit.ly',
  'goo.gl',
  'tinyurl.com',
  't.co',
  'ow.ly',
  'is.gd',
  'buff.ly',
  'adf.ly',
  'shorte.st',
  'cutt.ly',
  'rebrand.ly',
  'tiny.cc',
  'bit.do',
  'rb.gy',
  'shorturl.at',
  'tiny.one',
]);
const MARKUP_LINK = /<a\s+[^>]*href|\[url[=\]]|\[link[=\]]/i;

/** Whether a run of digit groups reads as a phone number rather than years or a large amount. */
function isPhoneNumber(run: string): boolean {
  const groups = run.match(/\d+/g) ?? [];
  const digits = groups.join('').length;
  if (digits < 9 || digits > 15) return false;
  // "2012 2013 2014" are years; "1 000 000 000" is an amount with thousands separators.
  if (groups.every((g) => /^(?:19|20)\d\d$/.test(g))) return false;
  if (groups.length > 2 && groups.slice(1).every((g) => g.length === 3)) return false;
  return groups.length > 1 || /^\+|^1?8[0-9]{2}/.test(run);
}

function phoneNumbers(folded: string): { index: number; text: string }[] {
  const found: { index: number; text: string }[] = [];
  for (const match of folded.matchAll(PHONE))
    if (isPhoneNumber(match[0])) found.push({ index: match.index ?? 0, text: match[0] });
  return found;
}

/** The spam signals a comment shows. `tokens` is the comment's tokenization (see features.ts). */
export function spamSignals(input: CommentText, tokens: Tokens): SpamSignal[] {
  const { folded, prose } = tokens;
  const found = new Set<SpamSignalName>();
  const phones = phoneNumbers(prose);
  if (phones.length > 0) {
    const nearSupport = phones.some(({ index, text }) =>
      SUPPORT_WORDS.test(prose.slice(Math.max(0, index - 80), index + text.length + 80)),
    );
    found.add(nearSupport ? 'phone-support' : 'phone');
  }
  if (BRAND_SUPPORT.test(folded)) found.add('brand-support');
  const reachable = tokens.emails > 0 || /(?:^|\s)@[a-z0-9_]{3,}/.test(folded) || phones.length > 0;
  if (((reachable && CONTACT_WORDS.test(folded)) || ON_MESSENGER.test(folded)) && !found.has('phone-support'))
    found.add('contact-offer');
  if (MONEY.test(folded)) found.add('money-promise');
  if (FREE_STREAM.test(folded)) found.add('free-stream');
  // A base58 address mixes cases and digits; a word or a number run does not.
  for (const [address] of input.text.matchAll(WALLET))
    if (
      /\d/.test(address) &&
      (/[a-z]/.test(address) || address.startsWith('0x')) &&
      (/[A-Z]/.test(address) || !/^[13]/.test(address))
    )
      found.add('crypto-wallet');
  if (tokens.foreignLinks > 0) {
    if (CALL_TO_ACTION_BEFORE_LINK.test(folded)) found.add('promo-link');
    if (PRAISE.test(folded)) found.add('praise-link');
    if (tokens.foreignLinks >= 3 && new Set(tokens.hosts).size < tokens.foreignLinks) found.add('many-links');
    if (tokens.hosts.some((host) => SHORTENERS.has(host))) found.add('short-link');
  } else if (input.website && PRAISE.test(folded)) {
    found.add('praise-website');
  }
  if (MARKUP_LINK.test(input.text)) found.add('markup-link');
  return [...found].map((name) => ({ name }));
}
