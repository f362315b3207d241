import type { AuthorHistory } from '../comments/comment-repository';
import type { DecisionStatus } from '../comments/status';
import type { ModerationPolicy } from '../sites/site-repository';
import type { Ban } from './ban-repository';
import { authorHistory } from './checks/author-history';
import { ban } from './checks/ban';
import { duplicate } from './checks/duplicate';
import { honeypot } from './checks/honeypot';
import { length } from './checks/length';
import { linkCount } from './checks/link-count';
import { type Finding, VERDICTS, type Verdict } from './finding';
import { countLinks } from './render';
import { sitePolicy } from './site-policy';

/** Everything the checks may look at, gathered once by the caller. */
export interface ModerationContext {
  text: string;
  html: string;
  honeypot: string | undefined;
  maxLength: number;
  linkLimit: number;
  policy: ModerationPolicy;
  history: AuthorHistory;
  earlierDuplicateId: string | undefined;
  matchingBan: Ban | undefined;
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
  const findings = [
    honeypot({ honeypot: ctx.honeypot }),
    ban({ matchingBan: ctx.matchingBan }),
    length({ text: ctx.text, html: ctx.html, maxLength: ctx.maxLength }),
    linkCount({ links: countLinks(ctx.html), linkLimit: ctx.linkLimit }),
    duplicate({ earlierDuplicateId: ctx.earlierDuplicateId }),
    authorHistory({ history: ctx.history }),
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

  const policyFinding = sitePolicy({ policy: ctx.policy, trustedAuthor: ctx.history.approved > 0 });
  if (policyFinding) return { status: 'held', findings: [...findings, policyFinding] };
  return { status: 'approved', findings };
}

function strongestVerdict(findings: Finding[]): Verdict {
  return findings.reduce<Verdict>(
    (best, f) => (VERDICTS.indexOf(f.verdict) > VERDICTS.indexOf(best) ? f.verdict : best),
    'approve',
  );
}
