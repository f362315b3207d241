import type { Comment } from '../comments/comment-record';
import type { CommentRepository } from '../comments/comment-repository';
import type { Site, SiteRepository } from '../sites/site-repository';
import { STATUS_EVENT } from '../webhooks/events';
import type { CommentChange, EventOutbox } from '../webhooks/outbox';
import { type AkismetClient, type AkismetComment, AkismetError } from './akismet';
import type { BanRepository } from './ban-repository';
import type { ContentClassifier } from './classifier/content-classifier';
import type { FloodCounters } from './flood-counters';
import { verifyFormToken } from '../comments/form-token';
import type { ModerationContext } from './moderation-context';
import { type Decision, decide } from './pipeline';
import { profanityMatches } from './profanity-matcher';
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

/** One comment of a batch: its outcome, or the error that fails its job alone (BullMQ runs it again). */
export type BatchResult = ModerationOutcome | Error;

/** A pending comment of a batch, judged and ready to store. */
interface Judged {
  comment: Comment;
  html: string;
  decision: Decision;
}

const NOT_FOUND: ModerationOutcome = { outcome: 'skipped', reason: 'not-found' };
const ALREADY_DECIDED: ModerationOutcome = { outcome: 'skipped', reason: 'already-decided' };

const asError = (err: unknown) => (err instanceof Error ? err : new Error(String(err)));

/**
 * Moderates pending comments, one or a batch at a time: loads them and what their checks
 * need with a few set-based queries and one Redis round trip for all, runs the pipeline
 * on each, and stores every decision with its event in one transaction.
 */
export class CommentModerator {
  constructor(private readonly options: CommentModeratorOptions) {}

  async moderate(commentId: string): Promise<ModerationOutcome> {
    const [result] = await this.moderateMany([commentId]);
    if (result instanceof Error) throw result;
    return result;
  }

  /**
   * One result per id, in order. A comment whose own step fails (its Akismet call, its
   * write) gets its error and the others go on; a failed look-up for the whole batch
   * rejects, and every job of the batch runs again. Decided comments are skipped, so a
   * batch that runs again, or overlaps another, decides nothing twice.
   */
  async moderateMany(commentIds: readonly string[]): Promise<BatchResult[]> {
    const results = new Map<string, BatchResult>();
    const comments = new Map(
      (await this.options.commentRepository.findMany([...new Set(commentIds)])).map((c) => [c.id, c]),
    );
    const sites = await this.sitesOf([...comments.values()]);
    const pending: Comment[] = [];
    for (const id of new Set(commentIds)) {
      const comment = comments.get(id);
      if (!comment || !sites.has(comment.siteKey)) results.set(id, NOT_FOUND);
      // A retried or duplicated job for a decided comment must change nothing.
      else if (comment.status !== 'pending') results.set(id, ALREADY_DECIDED);
      else pending.push(comment);
    }

    const contexts = await this.gather(pending, sites);
    const judged: Judged[] = [];
    await Promise.all(
      pending.map(async (comment, i) => {
        try {
          const decision = await this.judge(contexts[i], akismetComment(comment, sites.get(comment.siteKey)!));
          judged.push({ comment, html: contexts[i].comment.html, decision });
        } catch (err) {
          results.set(comment.id, asError(err));
        }
      }),
    );
    for (const [id, result] of await this.store(judged)) results.set(id, result);
    return commentIds.map((id) => results.get(id)!);
  }

  private async sitesOf(comments: Comment[]): Promise<Map<string, Site>> {
    const keys = [...new Set(comments.map((c) => c.siteKey))];
    const sites = await Promise.all(keys.map((key) => this.options.siteRepository.find(key)));
    return new Map(sites.filter((site) => site !== undefined).map((site) => [site.key, site]));
  }

  private async judge(context: ModerationContext, forAkismet: AkismetComment): Promise<Decision> {
    const decision = decide(context);
    // The remote service is asked last, and only about comments the local checks did not already condemn.
    if (!this.options.akismetClient || decision.status === 'spam' || decision.status === 'rejected') return decision;
    const verdict = await this.options.akismetClient.check(forAkismet).catch((err: unknown) => {
      if (err instanceof AkismetError) return err;
      throw err;
    });
    return decide({ ...context, akismet: verdict });
  }

  /**
   * Stores the decisions in one transaction. If it fails, each is tried in a transaction
   * of its own, so that one comment's failure does not hold back the others.
   */
  private async store(judged: Judged[]): Promise<Map<string, BatchResult>> {
    if (judged.length === 0) return new Map();
    const decidedAt = this.options.clock();
    try {
      return await this.commit(judged, decidedAt);
    } catch (err) {
      if (judged.length === 1) return new Map([[judged[0].comment.id, asError(err)]]);
      const results = new Map<string, BatchResult>();
      for (const one of judged) {
        const stored = await this.commit([one], decidedAt).catch(
          (e: unknown) => new Map([[one.comment.id, asError(e)]]),
        );
        for (const [id, result] of stored) results.set(id, result);
      }
      return results;
    }
  }

  private async commit(judged: Judged[], decidedAt: number): Promise<Map<string, BatchResult>> {
    const { commentRepository, eventOutbox } = this.options;
    const saved = await eventOutbox.commit(async (trx) => {
      const ids = new Set<string>();
      const events: CommentChange[] = [];
      for (const { comment, html, decision } of judged) {
        const saving = { id: comment.id, version: comment.version, ...decision, html, at: decidedAt };
        if (!(await commentRepository.saveDecision(saving, trx))) continue;
        ids.add(comment.id);
        // The row as saveDecision left it, without reading it back.
        const decided: Comment = {
          ...comment,
          status: decision.status,
          findings: decision.findings,
          html,
          decidedAt,
          updatedAt: decidedAt,
          version: comment.version + 1,
        };
        events.push({ type: STATUS_EVENT[decision.status]!, comment: decided, at: decidedAt });
      }
      return { result: ids, events };
    });
    const unsaved = judged.filter(({ comment }) => !saved.has(comment.id)).map(({ comment }) => comment.id);
    const stillPending = new Set(
      (await commentRepository.findMany(unsaved)).filter((c) => c.status === 'pending').map((c) => c.id),
    );
    return new Map(
      judged.map(({ comment, decision }): [string, BatchResult] => [
        comment.id,
        saved.has(comment.id)
          ? { outcome: 'decided', decision, acceptedAt: comment.createdAt, decidedAt }
          : stillPending.has(comment.id)
            ? // A moderator edited it while the checks ran: BullMQ runs the job again on the new text.
              new Error('the comment changed while it was being moderated')
            : ALREADY_DECIDED,
      ]),
    );
  }

  private async gather(comments: Comment[], sites: Map<string, Site>): Promise<ModerationContext[]> {
    if (comments.length === 0) return [];
    const { commentRepository, banRepository, floodCounters, contentClassifier, secret } = this.options;
    const ownDomains = new Map(
      [...sites.values()].map((site) => [site.key, site.origins.map((origin) => new URL(origin).hostname)]),
    );
    const siteKeys = [...new Set(comments.map((c) => c.siteKey))];
    // Matched once: the abuse judgement and the profanity check both read them.
    const profanity = comments.map((c) => profanityMatches(c.text));
    const [histories, duplicates, banMatchers, floodCounts, contents] = await Promise.all([
      commentRepository.authorHistories(
        comments.map((c) => ({ siteKey: c.siteKey, email: c.authorEmail, proofHash: c.signals.proofHash })),
      ),
      commentRepository.earlierDuplicates(comments),
      Promise.all(siteKeys.map(async (key) => [key, await banRepository.matcherFor(key)] as const)).then(
        (entries) => new Map(entries),
      ),
      floodCounters.recordMany(
        comments.map((c) => ({ id: c.id, email: c.authorEmail, ip: c.ip, textHash: c.textHash, at: c.createdAt })),
      ),
      contentClassifier.scoreMany(
        comments.map((c, i) => ({
          text: c.text,
          website: c.authorWebsite,
          ownDomains: ownDomains.get(c.siteKey)!,
          profanity: profanity[i],
          siteKey: c.siteKey,
        })),
      ),
    ]);
    return comments.map((comment, i) => {
      const site = sites.get(comment.siteKey)!;
      const { signals } = comment;
      return {
        comment: {
          text: comment.text,
          // Rendered at submit and on every edit; only a comment stored without HTML is rendered here.
          html: comment.html || renderCommentHtml(comment.text),
          name: comment.authorName,
          email: comment.authorEmail,
          website: comment.authorWebsite,
          submittedAt: comment.createdAt,
          honeypot: signals.honeypot,
          formToken: signals.formToken
            ? verifyFormToken({ secret, siteKey: site.key, token: signals.formToken })
            : undefined,
          profanity: profanity[i],
        },
        site: {
          moderation: site.moderation,
          linkLimit: site.linkLimit,
          maxLength: this.options.maxLength,
          ownDomains: ownDomains.get(site.key)!,
          policy: site.policy,
        },
        history: histories[i],
        earlierDuplicateId: duplicates[i],
        matchingBan: banMatchers.get(comment.siteKey)!.match({ email: comment.authorEmail, ip: comment.ip }),
        flood: floodCounts[i],
        content: contents[i],
      };
    });
  }
}
