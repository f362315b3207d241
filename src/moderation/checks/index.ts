import { countLinks, linkUrls } from '../../comments/render';
import type { CheckResult } from '../finding';
import type { ModerationContext } from '../moderation-context';
import { WordList } from '../word-list';
import { abuse } from './abuse';
import { akismet } from './akismet';
import { authorHistory } from './author-history';
import { ban } from './ban';
import { disposableEmail } from './disposable-email';
import { duplicate } from './duplicate';
import { flood } from './flood';
import { honeypot } from './honeypot';
import { language } from './language';
import { length } from './length';
import { linkContent } from './link-content';
import { linkCount } from './link-count';
import { profanity } from './profanity';
import { spam } from './spam';
import { timeTrap } from './time-trap';
import { wordLists } from './word-lists';

interface Check {
  name: string;
  run(ctx: ModerationContext): CheckResult | undefined;
}

/**
 * Every check, in the order the pipeline runs them: cheapest first, the content
 * judgements and the remote service last. Each entry hands its check only the
 * context fields it reads; the pipeline stamps the entry's name on the finding, and
 * that name is what moderators, metrics and webhook receivers (`reasons[].check`) see.
 */
export const CHECKS = [
  { name: 'honeypot', run: ({ comment }) => honeypot({ honeypot: comment.honeypot }) },
  {
    name: 'time-trap',
    run: ({ comment, site: { policy } }) =>
      timeTrap({
        token: comment.formToken,
        submittedAt: comment.submittedAt,
        minSubmitSeconds: policy.minSubmitSeconds,
        maxFormAgeHours: policy.maxFormAgeHours,
        required: policy.requireFormToken,
      }),
  },
  { name: 'ban', run: (ctx) => ban({ matchingBan: ctx.matchingBan }) },
  {
    name: 'length',
    run: ({ comment, site }) => length({ text: comment.text, html: comment.html, maxLength: site.maxLength }),
  },
  {
    name: 'link-count',
    run: ({ comment, site }) => linkCount({ links: countLinks(comment.html), linkLimit: site.linkLimit }),
  },
  {
    name: 'link-content',
    run: ({ comment, site }) =>
      linkContent({
        urls: [...linkUrls(comment.html), ...(comment.website ? [comment.website] : [])],
        blockedDomains: site.policy.blockedLinkDomains,
        ownDomains: site.ownDomains,
      }),
  },
  {
    name: 'disposable-email',
    run: ({ comment, site }) => disposableEmail({ email: comment.email, action: site.policy.disposableEmail }),
  },
  {
    name: 'word-lists',
    run: ({ comment, site: { policy } }) =>
      wordLists({
        fields: { text: comment.text, name: comment.name, email: comment.email, website: comment.website },
        blockList: new WordList(policy.blockList),
        watchList: new WordList(policy.watchList),
        blockVerdict: policy.blockListVerdict,
      }),
  },
  {
    name: 'language',
    run: ({ comment, site }) => language({ text: comment.text, siteLanguage: site.policy.language }),
  },
  {
    name: 'profanity',
    run: ({ comment, site }) =>
      profanity({
        name: comment.name,
        text: comment.text,
        matches: comment.profanity,
        action: site.policy.profanity,
      }),
  },
  { name: 'duplicate', run: (ctx) => duplicate({ earlierDuplicateId: ctx.earlierDuplicateId }) },
  {
    name: 'flood',
    run: (ctx) =>
      flood({
        counts: ctx.flood,
        perMinuteLimit: ctx.site.policy.floodPerMinute,
        duplicateOnPage: ctx.earlierDuplicateId !== undefined,
      }),
  },
  { name: 'author-history', run: (ctx) => authorHistory({ history: ctx.history }) },
  {
    name: 'spam',
    run: ({ comment, site: { policy }, content }) =>
      spam({
        result: content?.spam,
        spamThreshold: policy.spamThreshold,
        holdThreshold: policy.spamHoldThreshold,
        hasFormToken: comment.formToken !== undefined,
      }),
  },
  {
    name: 'abuse',
    run: ({ site: { policy }, content }) =>
      abuse({
        result: content?.abuse,
        threshold: policy.abuseThreshold,
        action: policy.abuse,
        contempt: policy.contempt,
      }),
  },
  { name: 'akismet', run: (ctx) => akismet({ result: ctx.akismet }) },
] as const satisfies readonly Check[];

/** The name of a check, as findings carry it; `site-policy` is the site's own rule, applied after the checks. */
export type CheckName = (typeof CHECKS)[number]['name'] | 'site-policy';
export const CHECK_NAMES: readonly CheckName[] = [...CHECKS.map((c) => c.name), 'site-policy'];
