import type { DecisionStatus } from '../comments/status';
import { CHECKS } from './checks';
import { sitePolicy } from './checks/site-policy';
import { type Finding, VERDICTS, type Verdict } from './finding';
import type { ModerationContext } from './moderation-context';

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

/**
 * Runs every check of CHECKS in order, keeps every finding (each stamped with its
 * check's name), and decides: the strongest verdict wins (spam, then reject, then
 * hold, then approve), so an author's good standing never overrides another check's
 * spam. The site policy is applied last, and only to a comment nothing else objected to.
 */
export function decide(ctx: ModerationContext): Decision {
  const findings: Finding[] = [];
  for (const check of CHECKS) {
    const result = check.run(ctx);
    if (result) findings.push({ check: check.name, ...result });
  }
  const strongest = strongestVerdict(findings);
  if (strongest !== 'approve') return { status: STATUS_OF[strongest], findings };

  // Trusted: an author with an approved comment here who proves to be its author.
  const trustedAuthor = ctx.history.lastModerated === 'approved' && ctx.history.proven;
  const policy = sitePolicy({ policy: ctx.site.moderation, trustedAuthor });
  if (policy) return { status: 'held', findings: [...findings, { check: 'site-policy', ...policy }] };
  return { status: 'approved', findings };
}

function strongestVerdict(findings: Finding[]): Verdict {
  return findings.reduce<Verdict>(
    (best, f) => (VERDICTS.indexOf(f.verdict) > VERDICTS.indexOf(best) ? f.verdict : best),
    'approve',
  );
}
