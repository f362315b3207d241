import type { Principal } from '../auth/token-service';
import type { Comment } from '../comments/comment-record';
import type { CommentFilters, CommentRepository } from '../comments/comment-repository';
import { textHash } from '../comments/identity';
import { COMMENT_STATUSES, type CommentStatus, type StatusCounts } from '../comments/status';
import type { Logger } from 'pino';
import type { FeedbackQueue } from '../queue/feedback-queue';
import { STATUS_EVENT } from '../webhooks/events';
import type { EventOutbox } from '../webhooks/outbox';
import { ApiError } from '../errors';
import type { AuditLog } from './audit-log';
import { type Ban, BanMatcher, type BanRepository } from './ban-repository';
import type { NewBanRequest } from './ban-request';
import { type BulkResult, type ModeratorAction, STATUS_OF_ACTION } from './moderator-actions';
import type { CheckStats, ModerationStats } from './moderation-stats';
import { type ModeratorView, toModeratorView } from './moderator-view';
import { renderCommentHtml } from '../comments/render';

/** How often an action re-reads a comment that changed under it before giving up. */
const MAX_ATTEMPTS = 5;
/** Comments of a bulk action under way at once: within the database pool (10), leaving room for other requests. */
const BULK_CONCURRENCY = 8;

/** What an action answers: the comment after it, and the status it had before. */
type ActionResult = { comment: ModeratorView; previousStatus: CommentStatus };

/**
 * Whether a moderator decided against a finding: a hold, spam or reject verdict on a
 * comment that ended approved, or an approve verdict on one that ended spam or
 * rejected. (After the pipeline, only moderators change a status.)
 */
function overturns(verdict: string, status: CommentStatus): boolean {
  if (verdict === 'approve') return status === 'spam' || status === 'rejected';
  return status === 'approved';
}

export interface ModerationServiceOptions {
  commentRepository: CommentRepository;
  /** Writes each change's webhook event with the change. */
  eventOutbox: EventOutbox;
  banRepository: BanRepository;
  auditLog: AuditLog;
  /** Where decisions go to teach the classifier. */
  feedbackQueue: FeedbackQueue;
  logger: Logger;
  clock: () => number;
}

/**
 * What moderators do: review, decide, edit, delete, ban. Every change applies to the
 * version of the comment that was read and is audited in the same transaction, so two
 * moderators acting at once both succeed, in some order, and both are recorded.
 */
export class ModerationService {
  constructor(private readonly options: ModerationServiceOptions) {}

  /** The site a principal may see: its own if it is limited to one, else what it asked for. */
  scopeSite(principal: Principal, requested?: string): string | undefined {
    if (principal.siteKey === null) return requested;
    if (requested && requested !== principal.siteKey) throw ApiError.forbidden();
    return principal.siteKey;
  }

  async list(
    principal: Principal,
    options: CommentFilters & { status: CommentStatus; order: 'newest' | 'oldest'; cursor?: string; limit: number },
  ): Promise<{ comments: ModeratorView[]; counts: StatusCounts; nextCursor: string | null }> {
    const { status, order, cursor, limit, ...filters } = options;
    const scoped = { ...filters, siteKey: this.scopeSite(principal, filters.siteKey) };
    const [page, counts] = await Promise.all([
      this.options.commentRepository.moderationPage({ ...scoped, status, order, cursor, limit }),
      this.options.commentRepository.statusCounts(scoped),
    ]);
    return { comments: page.rows.map(toModeratorView), counts, nextCursor: page.nextCursor };
  }

  /** One comment in full, with the comment it replies to and its author's history on the site. */
  async get(principal: Principal, id: string) {
    const row = await this.load(principal, id);
    const { commentRepository } = this.options;
    const [parent, counts, recent] = await Promise.all([
      row.parentId ? commentRepository.find(row.parentId) : undefined,
      commentRepository.statusCounts({ siteKey: row.siteKey, email: row.authorEmail }),
      row.status === 'deleted'
        ? []
        : commentRepository.recentByAuthor({
            siteKey: row.siteKey,
            email: row.authorEmail,
            excludeId: row.id,
            limit: 5,
          }),
    ]);
    return {
      comment: toModeratorView(row),
      parent: parent ? toModeratorView(parent) : null,
      history: { counts: row.status === 'deleted' ? null : counts, recent: recent.map(toModeratorView) },
    };
  }

  /**
   * Approve, hold, reject or mark as spam. Repeating the current status is allowed (and
   * audited). A change of status teaches the content judgements (see feedback.ts).
   */
  async act(
    principal: Principal,
    options: { id: string; action: ModeratorAction; note?: string },
  ): Promise<ActionResult> {
    const status = STATUS_OF_ACTION[options.action];
    const result = await this.change(principal, options.id, () => ({
      action: options.action,
      note: options.note,
      changes: { status, decidedAt: this.options.clock() },
    }));
    if (result.previousStatus !== status) {
      // The decision is stored and audited; a lost lesson must not fail the moderator's action.
      await this.options.feedbackQueue
        .enqueue({
          commentId: options.id,
          teacher: { id: principal.id, role: principal.role },
          version: result.comment.version,
        })
        .catch((err: Error) => {
          this.options.logger.warn({ commentId: options.id, err: err.message }, 'could not queue classifier feedback');
        });
    }
    return result;
  }

  /**
   * The same action on up to 500 comments, each on its own: one failure does not undo the
   * others. A few run at once, so PostgreSQL commits them side by side instead of one
   * round trip after another; the results keep the order of the ids.
   */
  async actOnMany(
    principal: Principal,
    options: { ids: string[]; action: ModeratorAction; note?: string },
  ): Promise<BulkResult[]> {
    const one = async (id: string): Promise<BulkResult> => {
      try {
        const { comment, previousStatus } = await this.act(principal, {
          id,
          action: options.action,
          note: options.note,
        });
        return { id, ok: true, status: comment.status, previousStatus };
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        return { id, ok: false, error: { code: err.code, message: err.message } };
      }
    };
    const ids = [...new Set(options.ids)];
    const results: BulkResult[] = [];
    for (let i = 0; i < ids.length; i += BULK_CONCURRENCY)
      results.push(...(await Promise.all(ids.slice(i, i + BULK_CONCURRENCY).map(one))));
    return results;
  }

  /** Replaces the text (re-rendered and re-sanitized), keeping what the author first sent. */
  async edit(principal: Principal, options: { id: string; text: string; note?: string }): Promise<ActionResult> {
    const html = renderCommentHtml(options.text);
    return this.change(principal, options.id, (row) => ({
      action: 'edit',
      note: options.note,
      changes: {
        text: options.text,
        html,
        textHash: textHash(options.text),
        originalText: row.originalText ?? row.text,
        editedAt: this.options.clock(),
      },
    }));
  }

  /** Erases the content and the author's details; the tombstone keeps replies threaded. */
  async erase(principal: Principal, options: { id: string; note?: string }): Promise<ActionResult> {
    return this.change(principal, options.id, () => ({
      action: 'delete',
      note: options.note,
      changes: {
        status: 'deleted',
        text: '',
        html: '',
        originalText: null,
        textHash: '',
        authorName: '',
        authorEmail: '',
        authorHash: '',
        authorWebsite: null,
        ip: null,
        userAgent: null,
        findings: [],
        signals: {},
      },
    }));
  }

  /** The bans a principal may see: a site-limited moderator sees its site's own, not the global ones with their values and reasons. */
  async listBans(principal: Principal): Promise<Ban[]> {
    const bans = await this.options.banRepository.active({ siteKey: principal.siteKey });
    return principal.siteKey === null ? bans : bans.filter((ban) => ban.siteKey === principal.siteKey);
  }

  /** Creates a ban; with `rejectPending`, also rejects the author's held and pending comments in its scope. */
  async createBan(principal: Principal, request: NewBanRequest): Promise<{ ban: Ban; rejected: string[] }> {
    const siteKey = request.siteKey ?? null;
    if (principal.siteKey !== null && siteKey !== principal.siteKey) throw ApiError.forbidden();
    const ban = await this.options.banRepository.create({
      siteKey,
      kind: request.kind,
      value: request.value,
      reason: request.reason,
      expiresAt: request.expiresAt,
      createdBy: principal.id,
    });
    await this.options.auditLog.record({
      actor: principal,
      action: 'ban',
      siteKey,
      details: { banId: ban.id, kind: ban.kind, value: ban.value, expiresAt: ban.expiresAt },
      note: request.reason,
    });
    const rejected: string[] = [];
    if (request.rejectPending) {
      const matcher = new BanMatcher([ban]);
      for (const status of ['pending', 'held'] as const) {
        let cursor: string | undefined;
        do {
          const page = await this.options.commentRepository.moderationPage({
            siteKey: siteKey ?? undefined,
            email: ban.kind === 'email' ? ban.value : undefined,
            status,
            order: 'oldest',
            cursor,
            limit: 500,
          });
          for (const row of page.rows) {
            if (!matcher.match({ email: row.authorEmail, ip: row.ip })) continue;
            await this.act(principal, { id: row.id, action: 'reject', note: `banned (${ban.kind} ${ban.value})` });
            rejected.push(row.id);
          }
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
      }
    }
    return { ban, rejected };
  }

  async deleteBan(principal: Principal, id: string): Promise<void> {
    const ban = await this.options.banRepository.find(id);
    if (!ban) throw ApiError.notFound('Ban');
    if (principal.siteKey !== null && ban.siteKey !== principal.siteKey) throw ApiError.forbidden();
    await this.options.banRepository.delete(id);
    await this.options.auditLog.record({
      actor: principal,
      action: 'unban',
      siteKey: ban.siteKey,
      details: { banId: id, kind: ban.kind, value: ban.value },
    });
  }

  /** Counts per check and verdict over the last `days`, and how many a moderator overturned: how a site tunes its thresholds. */
  async stats(principal: Principal, options: { siteKey?: string; days: number }): Promise<ModerationStats> {
    const siteKey = this.scopeSite(principal, options.siteKey);
    const since = this.options.clock() - options.days * 24 * 3600_000;
    const statuses = Object.fromEntries(COMMENT_STATUSES.map((s) => [s, 0])) as Record<CommentStatus, number>;
    const checks = new Map<string, CheckStats>();
    let comments = 0;
    for await (const row of this.options.commentRepository.decisions({ siteKey, since })) {
      comments++;
      statuses[row.status]++;
      if (row.status === 'deleted') continue;
      for (const finding of row.findings) {
        const key = `${finding.check}:${finding.verdict}`;
        const entry = checks.get(key) ?? { check: finding.check, verdict: finding.verdict, count: 0, overturned: 0 };
        entry.count++;
        if (overturns(finding.verdict, row.status)) entry.overturned++;
        checks.set(key, entry);
      }
    }
    return {
      site: siteKey ?? null,
      days: options.days,
      since: new Date(since).toISOString(),
      comments,
      statuses,
      checks: [...checks.values()].sort((a, b) => b.count - a.count || a.check.localeCompare(b.check)),
    };
  }

  /** The audit trail, newest first, within the principal's site. */
  async auditLog(
    principal: Principal,
    options: { siteKey?: string; commentId?: string; cursor?: string; limit: number },
  ) {
    return this.options.auditLog.list({ ...options, siteKey: this.scopeSite(principal, options.siteKey) });
  }

  private async load(principal: Principal, id: string): Promise<Comment> {
    const row = await this.options.commentRepository.find(id);
    if (!row) throw ApiError.notFound('Comment');
    if (principal.siteKey !== null && row.siteKey !== principal.siteKey) throw ApiError.forbidden();
    return row;
  }

  /**
   * Applies a change to the version of the comment just read, with its audit entry,
   * in one transaction; if another change got there first, reads again and retries.
   */
  private async change(
    principal: Principal,
    id: string,
    plan: (row: Comment) => {
      action: string;
      note?: string;
      changes: Parameters<CommentRepository['updateIfVersion']>[1]['changes'];
    },
  ): Promise<ActionResult> {
    const { eventOutbox, commentRepository, auditLog, clock } = this.options;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
      const row = await this.load(principal, id);
      if (row.status === 'deleted') {
        throw ApiError.conflict('comment_deleted');
      }
      const { action, note, changes } = plan(row);
      const applied = await eventOutbox.commit(async (trx) => {
        const at = clock();
        const updated = await commentRepository.updateIfVersion(trx, {
          id,
          version: row.version,
          changes: { ...changes, updatedAt: at },
        });
        if (!updated) return { result: false, events: [] };
        await auditLog.record(
          {
            actor: principal,
            action,
            siteKey: row.siteKey,
            commentId: id,
            beforeStatus: row.status,
            afterStatus: changes.status ?? row.status,
            note,
          },
          trx,
        );
        const changed = (await commentRepository.find(id, trx))!;
        const type = action === 'edit' ? 'comment.edited' : STATUS_EVENT[changed.status]!;
        return { result: true, events: [{ type, comment: changed, at }] };
      });
      if (applied) return { comment: toModeratorView((await commentRepository.find(id))!), previousStatus: row.status };
    }
    throw ApiError.conflict('conflict');
  }
}
