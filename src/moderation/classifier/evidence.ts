import { ABUSE_SIGNALS, type AbuseSignalName } from './abuse-signals';
import { FUNCTION_WORDS } from './features';
import { SPAM_SIGNALS, type SpamSignalName } from './spam-signals';
import type { Contribution } from './linear-model';

const CALLS_TO_ACTION: Record<string, string> = {
  subscribe: "asks for subscribers ('subscribe to me')",
  look: "points readers at the author's own things ('check out my')",
  'like-farming': "farms likes ('like if ...')",
  mine: "promotes the author's own channel, site or shop",
  visit: "a call to action ('visit', 'click here', 'order now')",
  offer: "an offer ('earn money', 'free gift cards')",
};

/** Words as a moderator reads them, or nothing when they are only words like "an" and "is": those explain nothing. */
function quoted(words: string): string {
  return words.split(' ').every((w) => FUNCTION_WORDS.has(w)) ? '' : `"${words}"`;
}

/** One feature as a moderator reads it. */
function describe(feature: string): string {
  const colon = feature.indexOf(':');
  const kind = colon < 0 ? feature : feature.slice(0, colon);
  const value = feature.slice(colon + 1);
  switch (kind) {
    case 'sig':
      // The two judgements' signals have distinct names: each model only has its own.
      return SPAM_SIGNALS[value as SpamSignalName]?.reason ?? ABUSE_SIGNALS[value as AbuseSignalName]?.reason ?? value;
    case 'cta':
      return CALLS_TO_ACTION[value] ?? 'a call to action';
    case 'urls':
      return 'links to other sites';
    case 'host':
      return `links to ${value}`;
    case 'email':
      return 'an email address in the text';
    case 'website':
      return 'the author gives a website';
    case 'prof':
      return 'profanity';
    case 'd':
      return FUNCTION_WORDS.has(value) ? '' : `aimed at a person ("you … ${value}")`;
    case 'b':
      return quoted(value.replace(/\^ |\s\$$/g, '').trim());
    default:
      return quoted(value);
  }
}

/**
 * The strongest reasons behind a score, readable: the structural features by what they
 * mean, the words quoted. At most `limit`, repeats dropped.
 */
export function describeEvidence(evidence: readonly Contribution[], limit = 3): string {
  const parts: string[] = [];
  for (const { feature } of evidence) {
    const text = describe(feature);
    if (text && !parts.includes(text)) parts.push(text);
    if (parts.length >= limit) break;
  }
  return parts.join('; ');
}
