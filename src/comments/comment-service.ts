import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { ApiError } from '../errors';
import { issueFormToken } from './form-token';
import { renderCommentHtml } from './render';
import type { ModerationQueue } from '../queue/moderation-queue';
import type { EventOutbox } from '../webhooks/outbox';
import type { Site } from '../sites/site-repository';
import type { Comment } from './comment-record';
import type { CommentRepository } from './comment-repository';
import { authorHash, hashToken, newAuthorToken, pendingAvatar, textHash, tokenMatches } from './identity';
import { toPublicComment } from './public-comment';
import type { CommentStatus } from './status';
import type { SubmitComment } from './submit-schema';

export interface CommentServiceOptions {
  commentRepository: CommentRepository;
  moderationQueue: ModerationQueue;
  /** Writes the comment.created event with the comment. */
  eventOutbox: EventOutbox;
  secret: string;
  clock: () => number;
  logger: Logger;
}

export interface SubmitRequest {
  site: Site;
  input: SubmitComment;
  ip: string | undefined;
  userAgent: string | undefined;
}

/** Accepting and reading comments: the request path, which does only cheap work. */
export class CommentService {
  constructor(private readonly options: CommentServiceOptions) {}

  /**
   * Stores the comment as pending, then queues it. The database comes first: once
   * this returns, the comment cannot be lost, even if the enqueue failed (the
   * sweep picks it up when Redis is back).
   */
  async submit(request: SubmitRequest) {
    const { commentRepository, moderationQueue, eventOutbox, secret, clock, logger } = this.options;
    const { site, input } = request;
    if (input.parentId) {
      const parentOk = await commentRepository.isApprovedOnPage({
        id: input.parentId,
        siteKey: site.key,
        pageId: input.pageId,
      });
      if (!parentOk) {
        throw ApiError.validation([{ path: 'parentId', message: 'no published comment with this id on this page' }]);
      }
    }

    const email = input.email.trim().toLowerCase();
    const authorToken = newAuthorToken();
    const now = clock();
    const comment: Comment = {
      id: randomUUID(),
      siteKey: site.key,
      pageId: input.pageId,
      // Shown to moderators and sent in webhooks: only a page of the site's own, not whatever a submitter claims.
      pageUrl: input.pageUrl && site.origins.includes(new URL(input.pageUrl).origin) ? input.pageUrl : null,
      pageTitle: input.pageTitle ?? null,
      parentId: input.parentId ?? null,
      authorName: input.name,
      authorEmail: email,
      authorHash: authorHash({ secret, siteKey: site.key, email }),
      authorWebsite: input.website ?? null,
      ip: request.ip ?? null,
      userAgent: request.userAgent?.slice(0, 500) ?? null,
      text: input.text,
      textHash: textHash(input.text),
      // Rendered now so that a moderator who acts before the worker publishes real HTML.
      html: renderCommentHtml(input.text),
      status: 'pending',
      findings: [],
      signals: {
        honeypot: input.hp,
        formToken: input.formToken,
        proofHash: input.authorProof ? hashToken(input.authorProof) : undefined,
        notifyReplies: input.notifyReplies || undefined,
      },
      authorTokenHash: hashToken(authorToken),
      createdAt: now,
      updatedAt: now,
      decidedAt: null,
      version: 0,
      originalText: null,
      editedAt: null,
    };
    await eventOutbox.commit(async (trx) => {
      await commentRepository.insert(comment, trx);
      return { result: undefined, events: [{ type: 'comment.created', comment, at: now }] };
    });

    try {
      await moderationQueue.enqueue(comment.id);
    } catch (err) {
      logger.warn(
        { commentId: comment.id, err: (err as Error).message },
        'enqueue failed; the sweep will queue the comment',
      );
    }

    const answer = { ...toPublicComment(comment), avatar: pendingAvatar({ secret, commentId: comment.id }) };
    return { comment: { ...answer, status: 'pending' as const }, authorToken };
  }

  /** A signed, timestamped token for the widget's form: the time trap's start. */
  formToken(site: Site): string {
    return issueFormToken({ secret: this.options.secret, siteKey: site.key, now: this.options.clock() });
  }

  /** A page's published comments, oldest first. */
  async thread(options: { siteKey: string; pageId: string; cursor?: string; limit: number }) {
    const { commentRepository } = this.options;
    const [page, total] = await Promise.all([
      commentRepository.approvedThread(options),
      commentRepository.countApproved({ siteKey: options.siteKey, pageId: options.pageId }),
    ]);
    return { comments: page.rows.map(toPublicComment), total, nextCursor: page.nextCursor };
  }

  /**
   * The status of a comment for its author, who proves authorship with the token
   * given at submission. A wrong token looks like an unknown id, so ids cannot be probed.
   */
  async statusForAuthor(options: {
    id: string;
    authorToken: string;
  }): Promise<{ id: string; status: CommentStatus; siteKey: string }> {
    const comment = await this.options.commentRepository.find(options.id);
    if (!comment || !tokenMatches(options.authorToken, comment.authorTokenHash)) throw ApiError.notFound('Comment');
    return { id: comment.id, status: comment.status, siteKey: comment.siteKey };
  }

  /** The site a comment belongs to, for the CORS preflight of the status route. */
  async siteKeyOf(id: string): Promise<string | undefined> {
    return (await this.options.commentRepository.find(id))?.siteKey;
  }
}
