import type { AuthorHistory } from '../comments/comment-repository';
import type { DecisionStatus } from '../comments/status';
import type { SitePolicy } from '../sites/site-policy';
import type { ModerationPolicy } from '../sites/site-repository';
import type { AkismetVerdict } from './akismet';
import type { Ban } from './ban-repository';
import { akismet } from './checks/akismet';
import { authorHistory } from './checks/author-history';
import { ban } from './checks/ban';
import { abuse } from './checks/abuse';
import { disposableEmail } from './checks/disposable-email';
import { duplicate } from './checks/duplicate';
import { flood } from './checks/flood';
import { honeypot } from './checks/honeypot';
import { language } from './checks/language';
import { length } from './checks/length';
import { linkContent } from './checks/link-content';
import { linkCount } from './checks/link-count';
import { profanity } from './checks/profanity';
import { spam } from './checks/spam';
import { timeTrap } from './checks/time-trap';
import { wordLists } from './checks/word-lists';
import type { ContentScores } from './classifier/content-classifier';
import { type Finding, VERDICTS, type Verdict } from './finding';
import type { FloodCounts } from './flood-counters';
import type { FormTokenCheck } from './form-token';
import { countLinks, linkUrls } from './render';
import { sitePolicy } from './site-policy';
import { WordList } from './word-list';

/** Everything the checks may look at, gathered once by the caller. */
export interface ModerationContext {
  comment: {
    text: string;
    html: string;
    name: string;
    email: string;
    website: string | null;
    submittedAt: number;
    honeypot: string | undefined;
    /** Undefined when the comment came without a form token. */
    formToken: FormTokenCheck | undefined;
  };
  site: {
    moderation: ModerationPolicy;
    linkLimit: number;
    maxLength: number;
    /** Host names of the site's own origins: links there are never suspicious. */
    ownDomains: string[];
    policy: SitePolicy;
  };
  history: AuthorHistory;
  earlierDuplicateId: string | undefined;
  matchingBan: Ban | undefined;
  flood: FloodCounts;
  /** The spam and abuse judgements of the text. */
  content: ContentScores | undefined;
  /** Undefined when Akismet is not configured, or was not asked. */
  akismet?: AkismetVerdict | Error;
}

export interface Decision {
  status: DecisionStatus;
  findings: Finding[];
}

const STATUS_OF: Record<Verdict, DecisionStatus> = {
  approve: 'approved',
  hold: 'held',
  reject: 'rejected',
  spam: 'spam',
};

/** The checks, cheapest first. Each takes only the context fields it uses. */
function runChecks(ctx: ModerationContext): Finding[] {
  const { comment, site } = ctx;
  const { policy } = site;
  const findings = [
    honeypot({ honeypot: comment.honeypot }),
    timeTrap({
      token: comment.formToken,
      submittedAt: comment.submittedAt,
      minSubmitSeconds: policy.minSubmitSeconds,
      maxFormAgeHours: policy.maxFormAgeHours,
      required: policy.requireFormToken,
    }),
    ban({ matchingBan: ctx.matchingBan }),
    length({ text: comment.text, html: comment.html, maxLength: site.maxLength }),
    linkCount({ links: countLinks(comment.html), linkLimit: site.linkLimit }),
    linkContent({
      urls: [...linkUrls(comment.html), ...(comment.website ? [comment.website] : [])],
      blockedDomains: policy.blockedLinkDomains,
      ownDomains: site.ownDomains,
    }),
    disposableEmail({ email: comment.email, action: policy.disposableEmail }),
    wordLists({
      fields: { text: comment.text, name: comment.name, email: comment.email, website: comment.website },
      blockList: new WordList(policy.blockList),
      watchList: new WordList(policy.watchList),
      blockVerdict: policy.blockListVerdict,
    }),
    language({ text: comment.text, siteLanguage: policy.language }),
    profanity({ name: comment.name, text: comment.text, action: policy.profanity }),
    duplicate({ earlierDuplicateId: ctx.earlierDuplicateId }),
    flood({
      counts: ctx.flood,
      perMinuteLimit: policy.floodPerMinute,
      duplicateOnPage: ctx.earlierDuplicateId !== undefined,
    }),
    authorHistory({ history: ctx.history }),
    spam({
      result: ctx.content?.spam,
      spamThreshold: policy.spamThreshold,
      holdThreshold: policy.spamHoldThreshold,
      hasFormToken: comment.formToken !== undefined,
    }),
    abuse({ result: ctx.content?.abuse, threshold: policy.abuseThreshold, action: policy.abuse }),
    akismet({ result: ctx.akismet }),
  ];
  return findings.filter((f): f is Finding => f !== undefined);
}

/**
 * Runs every check, keeps every finding, and decides: the strongest verdict wins
 * (spam, then reject, then hold, then approve), so an author's good standing never
 * overrides another check's spam. The site policy is applied last, and only to a
 * comment nothing else objected to.
 */
export function moderate(ctx: ModerationContext): Decision {
  const findings = runChecks(ctx);
  const strongest = strongestVerdict(findings);
  if (strongest !== 'approve') return { status: STATUS_OF[strongest], findings };

  const policyFinding = sitePolicy({
    policy: ctx.site.moderation,
    trustedAuthor: ctx.history.lastModerated === 'approved',
  });
  if (policyFinding) return { status: 'held', findings: [...findings, policyFinding] };
  return { status: 'approved', findings };
}

function strongestVerdict(findings: Finding[]): Verdict {
  return findings.reduce<Verdict>(
    (best, f) => (VERDICTS.indexOf(f.verdict) > VERDICTS.indexOf(best) ? f.verdict : best),
    'approve',
  );
}
