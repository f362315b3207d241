import type { Logger } from 'pino';
import { GroupCommit } from '../db/group-commit';
import { isDatabaseOutage } from '../db/outage';
import { ApiError } from '../errors';
import { ENQUEUE_TIMEOUT_MS, withinTimeout } from '../queue/redis';
import { newCommentId } from './comment-id';
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
import { type SerializedPage, serializePage, type ThreadCache } from './thread-cache';

export interface CommentServiceOptions {
  commentRepository: CommentRepository;
  moderationQueue: ModerationQueue;
  /** Writes the comment.created event with the comment. */
  eventOutbox: EventOutbox;
  /** First pages of threads, serialized. */
  threadCache: ThreadCache;
  secret: string;
  clock: () => number;
  logger: Logger;
}

/** Submissions written by one transaction at most (SQLite binds at most 32,766 values per statement). */
const MAX_SUBMIT_BATCH = 100;

export interface SubmitRequest {
  site: Site;
  input: SubmitComment;
  ip: string | undefined;
  userAgent: string | undefined;
}

/** Accepting and reading comments: the request path, which does only cheap work. */
export class CommentService {
  /** Concurrent submissions are written together: one transaction, one job add. */
  private readonly submissions: GroupCommit<Comment, { queued: Promise<void> }>;

  constructor(private readonly options: CommentServiceOptions) {
    this.submissions = new GroupCommit({ commit: (comments) => this.store(comments), maxBatch: MAX_SUBMIT_BATCH });
  }

  /**
   * Stores the comment as pending, then queues it. The database comes first: once
   * this returns, the comment cannot be lost, even if the enqueue failed (the
   * sweep picks it up when Redis is back). It is stored with the submissions that
   * arrived with it; if their transaction fails, none is stored and each gets a 503.
   */
  async submit(request: SubmitRequest) {
    const { commentRepository, secret, clock } = this.options;
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
      id: newCommentId(now),
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
    const { queued } = await this.submissions.add(comment);
    await queued;

    const answer = { ...toPublicComment(comment), avatar: pendingAvatar({ secret, commentId: comment.id }) };
    return { comment: { ...answer, status: 'pending' as const }, authorToken };
  }

  /**
   * One batch of submissions: inserted with their events in one transaction, then queued
   * with one add. The next batch is written while this one's jobs are being queued.
   */
  private async store(comments: Comment[]): Promise<{ queued: Promise<void> }> {
    const { commentRepository, eventOutbox, logger } = this.options;
    try {
      await eventOutbox.commit(async (trx) => {
        await commentRepository.insertMany(comments, trx);
        const events = comments.map((comment) => ({
          type: 'comment.created' as const,
          comment,
          at: comment.createdAt,
        }));
        return { result: undefined, events };
      });
    } catch (err) {
      // Nothing of the batch was written: every request in it may simply be sent again.
      logger.error({ err: (err as Error).message, comments: comments.length }, 'could not store submissions');
      throw isDatabaseOutage(err) ? err : ApiError.unavailable('database_unavailable');
    }
    return { queued: this.enqueue(comments) };
  }

  /** Queues a stored batch; a failure only delays it (the sweep queues pending comments). */
  private async enqueue(comments: Comment[]): Promise<void> {
    try {
      const jobs = comments.map(({ id }) => ({ name: 'moderate', data: { commentId: id }, opts: { jobId: id } }));
      await withinTimeout(this.options.moderationQueue.queue.addBulk(jobs), ENQUEUE_TIMEOUT_MS, 'enqueue');
    } catch (err) {
      this.options.logger.warn(
        { comments: comments.length, err: (err as Error).message },
        'enqueue failed; the sweep will queue the comments',
      );
    }
  }

  /** A signed, timestamped token for the widget's form: the time trap's start. */
  formToken(site: Site): string {
    return issueFormToken({ secret: this.options.secret, siteKey: site.key, now: this.options.clock() });
  }

  /**
   * A page of a thread as JSON, with its ETag. The first page comes from the cache,
   * which the repository's changes drop: it is what every reader of the page asks for.
   */
  async serializedThread(options: {
    siteKey: string;
    pageId: string;
    cursor?: string;
    limit: number;
  }): Promise<SerializedPage> {
    if (options.cursor) return serializePage(await this.thread(options));
    return this.options.threadCache.firstPage(options, () => this.thread(options));
  }

  /** A thread's first page if this process has it serialized and fresh: no promise, no database. */
  cachedFirstPage(page: { siteKey: string; pageId: string; limit: number }): SerializedPage | undefined {
    return this.options.threadCache.cached(page);
  }

  /** A page's published comments, oldest first. */
  async thread(options: { siteKey: string; pageId: string; cursor?: string; limit: number }) {
    const { commentRepository } = this.options;
    // Counted after the page is read, not beside it: on PostgreSQL the two statements see
    // different snapshots, and a count taken first could miss a comment the page then shows.
    const page = await commentRepository.approvedThread(options);
    const total = await commentRepository.countApproved({ siteKey: options.siteKey, pageId: options.pageId });
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
