import type { CommentRepository } from '../comments/comment-repository';
import type { SiteRepository } from '../sites/site-repository';
import type { BanRepository } from './ban-repository';
import { type Decision, moderate } from './pipeline';
import { renderCommentHtml } from './render';

export interface CommentModeratorOptions {
  comments: CommentRepository;
  sites: SiteRepository;
  bans: BanRepository;
  maxLength: number;
  clock: () => number;
}

export type ModerationOutcome =
  | { outcome: 'decided'; decision: Decision }
  | { outcome: 'skipped'; reason: 'not-found' | 'already-decided' };

/** Loads a pending comment, runs the pipeline on it and stores the decision. */
export class CommentModerator {
  constructor(private readonly options: CommentModeratorOptions) {}

  async moderate(commentId: string): Promise<ModerationOutcome> {
    const { comments, sites } = this.options;
    const comment = await comments.find(commentId);
    if (!comment) return { outcome: 'skipped', reason: 'not-found' };
    // A retried or duplicated job for a decided comment must change nothing.
    if (comment.status !== 'pending') return { outcome: 'skipped', reason: 'already-decided' };

    const site = await sites.find(comment.site_key);
    if (!site) return { outcome: 'skipped', reason: 'not-found' };

    const html = renderCommentHtml(comment.text);
    const [history, earlierDuplicateId, bans] = await Promise.all([
      comments.authorHistory({ siteKey: comment.site_key, email: comment.author_email, excludeId: comment.id }),
      comments.findEarlierDuplicate(comment),
      this.options.bans.matcherFor(comment.site_key),
    ]);
    const signals = JSON.parse(comment.signals) as { honeypot?: string };
    const decision = moderate({
      text: comment.text,
      html,
      honeypot: signals.honeypot,
      maxLength: this.options.maxLength,
      linkLimit: site.linkLimit,
      policy: site.moderation,
      history,
      earlierDuplicateId,
      matchingBan: bans.match({ email: comment.author_email, ip: comment.ip }),
    });

    const saved = await comments.saveDecision({ id: comment.id, ...decision, html, at: this.options.clock() });
    return saved ? { outcome: 'decided', decision } : { outcome: 'skipped', reason: 'already-decided' };
  }
}
