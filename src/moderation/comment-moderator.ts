import type { Comment } from '../comments/comment-record';
import type { CommentRepository } from '../comments/comment-repository';
import type { Site, SiteRepository } from '../sites/site-repository';
import { STATUS_EVENT } from '../webhooks/events';
import type { EventOutbox } from '../webhooks/outbox';
import { type AkismetClient, type AkismetComment, AkismetError } from './akismet';
import type { BanRepository } from './ban-repository';
import type { ContentClassifier } from './classifier/content-classifier';
import type { FloodCounters } from './flood-counters';
import { verifyFormToken } from '../comments/form-token';
import type { ModerationContext } from './moderation-context';
import { type Decision, decide } from './pipeline';
import { renderCommentHtml } from '../comments/render';

export interface CommentModeratorOptions {
  commentRepository: CommentRepository;
  /** Writes the decision's event (comment.approved, .held, ...) with the decision. */
  eventOutbox: EventOutbox;
  siteRepository: SiteRepository;
  banRepository: BanRepository;
  floodCounters: FloodCounters;
  contentClassifier: ContentClassifier;
  /** Present only when an Akismet key is configured. */
  akismetClient: AkismetClient | undefined;
  /** The instance secret that signs form tokens. */
  secret: string;
  maxLength: number;
  clock: () => number;
}

export type ModerationOutcome =
  /** `acceptedAt` (the comment's created_at) and `decidedAt`, in ms: the pipeline latency metric. */
  | { outcome: 'decided'; decision: Decision; acceptedAt: number; decidedAt: number }
  | { outcome: 'skipped'; reason: 'not-found' | 'already-decided' };

/** What a comment looks like to Akismet, for checks and for feedback. */
export function akismetComment(comment: Comment, site: Site): AkismetComment {
  return {
    blog: site.origins[0] ?? '',
    userIp: comment.ip,
    userAgent: comment.userAgent,
    permalink: comment.pageUrl,
    author: comment.authorName,
    authorEmail: comment.authorEmail,
    authorUrl: comment.authorWebsite,
    content: comment.text,
    createdAt: comment.createdAt,
  };
}

/** Loads a pending comment, gathers what the checks need, runs the pipeline and stores the decision. */
export class CommentModerator {
  constructor(private readonly options: CommentModeratorOptions) {}

  async moderate(commentId: string): Promise<ModerationOutcome> {
    const { commentRepository, siteRepository } = this.options;
    const comment = await commentRepository.find(commentId);
    if (!comment) return { outcome: 'skipped', reason: 'not-found' };
    // A retried or duplicated job for a decided comment must change nothing.
    if (comment.status !== 'pending') return { outcome: 'skipped', reason: 'already-decided' };
    const site = await siteRepository.find(comment.siteKey);
    if (!site) return { outcome: 'skipped', reason: 'not-found' };

    const context = await this.gather(comment, site);
    let decision = decide(context);
    // The remote service is asked last, and only about comments the local checks did not already condemn.
    if (this.options.akismetClient && decision.status !== 'spam' && decision.status !== 'rejected') {
      const verdict = await this.options.akismetClient.check(akismetComment(comment, site)).catch((err: unknown) => {
        if (err instanceof AkismetError) return err;
        throw err;
      });
      decision = decide({ ...context, akismet: verdict });
    }

    const decidedAt = this.options.clock();
    const saved = await this.options.eventOutbox.commit(async (trx) => {
      if (
        !(await commentRepository.saveDecision(
          { id: comment.id, version: comment.version, ...decision, html: context.comment.html, at: decidedAt },
          trx,
        ))
      ) {
        return { result: false, events: [] };
      }
      const decided = (await commentRepository.find(comment.id, trx))!;
      return {
        result: true,
        events: [{ type: STATUS_EVENT[decision.status]!, comment: decided, at: decidedAt }],
      };
    });
    if (!saved && (await commentRepository.find(comment.id))?.status === 'pending') {
      // A moderator edited it while the checks ran: BullMQ runs the job again on the new text.
      throw new Error('the comment changed while it was being moderated');
    }
    return saved
      ? { outcome: 'decided', decision, acceptedAt: comment.createdAt, decidedAt }
      : { outcome: 'skipped', reason: 'already-decided' };
  }

  private async gather(comment: Comment, site: Site): Promise<ModerationContext> {
    const { commentRepository, banRepository, floodCounters, contentClassifier, secret } = this.options;
    const html = renderCommentHtml(comment.text);
    const { signals } = comment;
    const ownDomains = site.origins.map((origin) => new URL(origin).hostname);
    const [history, earlierDuplicateId, banMatcher, floodCounts, content] = await Promise.all([
      commentRepository.authorHistory({
        siteKey: comment.siteKey,
        email: comment.authorEmail,
        excludeId: comment.id,
        proofHash: signals.proofHash,
      }),
      commentRepository.findEarlierDuplicate(comment),
      banRepository.matcherFor(comment.siteKey),
      floodCounters.record({
        id: comment.id,
        email: comment.authorEmail,
        ip: comment.ip,
        textHash: comment.textHash,
        at: comment.createdAt,
      }),
      contentClassifier.score({ text: comment.text, website: comment.authorWebsite, ownDomains, siteKey: site.key }),
    ]);
    return {
      comment: {
        text: comment.text,
        html,
        name: comment.authorName,
        email: comment.authorEmail,
        website: comment.authorWebsite,
        submittedAt: comment.createdAt,
        honeypot: signals.honeypot,
        formToken: signals.formToken
          ? verifyFormToken({ secret, siteKey: site.key, token: signals.formToken })
          : undefined,
      },
      site: {
        moderation: site.moderation,
        linkLimit: site.linkLimit,
        maxLength: this.options.maxLength,
        ownDomains,
        policy: site.policy,
      },
      history,
      earlierDuplicateId,
      matchingBan: banMatcher.match({ email: comment.authorEmail, ip: comment.ip }),
      flood: floodCounts,
      content,
    };
  }
}
