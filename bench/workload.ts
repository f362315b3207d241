import { loadSharedDatasets } from './shared-datasets';

/** Real comment texts of ../shared/datasets by kind: what the pipeline's checks and classifiers get to judge. */
export interface Texts {
  ham: string[];
  spam: string[];
  abuse: string[];
}

export function loadTexts(): Texts {
  const texts: Texts = { ham: [], spam: [], abuse: [] };
  for (const file of loadSharedDatasets()) {
    // The tweets are not comments, and the toxic-spans file holds only posts already rated toxic.
    if (file.file.startsWith('abuse/davidson') || file.file.startsWith('abuse/toxic-spans')) continue;
    for (const { text, label } of file.comments) {
      const clean = text.slice(0, 2000);
      if (label === 0) texts.ham.push(clean);
      else (file.judgement === 'spam' ? texts.spam : texts.abuse).push(clean);
    }
  }
  return texts;
}

/** An author who has a published comment and sends its author token as proof: trusted on a first-time site. */
export interface TrustedAuthor {
  name: string;
  email: string;
  authorToken: string;
}

/** A client IP behind the trusted proxy: 50,000 of them, so no reader nears the per-IP limit unless it floods. */
export function clientIp(i: number): string {
  const n = i % 50_000;
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
}

export interface WorkloadOptions {
  pageIds: string[];
  texts: Texts;
  trusted: TrustedAuthor[];
  /** Share of comments from trusted authors (0..1). */
  trustedShare: number;
  /** Shares of spam and abusive texts among the others; the rest is ham. */
  spamShare: number;
  abuseShare: number;
}

/**
 * The i-th comment of a varied workload: a deterministic mix of trusted and new
 * authors (each new one posts once, from an IP of its own), ham, spam and abusive
 * texts, over several pages. Every text is made distinct, so nothing is a duplicate.
 */
export function commentBody(options: WorkloadOptions, i: number): string {
  const { texts, trusted } = options;
  const bucket = ((i * 2654435761) >>> 0) % 1000;
  const pageId = options.pageIds[i % options.pageIds.length];
  const trustedLimit = options.trustedShare * 1000;
  const spamLimit = trustedLimit + options.spamShare * 1000;
  const abuseLimit = spamLimit + options.abuseShare * 1000;
  const pick = (list: string[]) => list[i % list.length];
  let author: { name: string; email: string; authorProof?: string };
  let text: string;
  if (bucket < trustedLimit && trusted.length > 0) {
    const t = trusted[i % trusted.length];
    author = { name: t.name, email: t.email, authorProof: t.authorToken };
    text = pick(texts.ham);
  } else {
    author = { name: `Reader ${i}`, email: `reader${i}@example.com` };
    text = bucket < spamLimit ? pick(texts.spam) : bucket < abuseLimit ? pick(texts.abuse) : pick(texts.ham);
  }
  return JSON.stringify({ pageId, ...author, text: `${text} (${i})` });
}
