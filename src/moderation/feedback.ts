import type { Comment } from '../comments/comment-record';
import type { CommentRepository } from '../comments/comment-repository';
import type { CommentStatus } from '../comments/status';
import type { Site, SiteRepository } from '../sites/site-repository';
import type { AkismetClient } from './akismet';
import type { ContentClassifier, LearnOutcome, Lessons, Teacher } from './classifier/content-classifier';
import { akismetComment } from './comment-moderator';
import type { Finding } from './finding';

export interface ModerationFeedbackOptions {
  commentRepository: CommentRepository;
  siteRepository: SiteRepository;
  contentClassifier: ContentClassifier;
  akismetClient: AkismetClient | undefined;
}

/**
 * What a comment's status, set by a moderator, teaches each judgement. Derived from
 * the status the comment has when the lesson is applied, not from the action that
 * queued it: lessons that arrive out of order still end in the comment's last word.
 * - spam teaches spam, and takes back any abuse lesson;
 * - rejected teaches abuse when a check had found abuse in it (a comment rejected for
 *   another reason teaches nothing);
 * - approved teaches "neither";
 * - held takes every lesson back.
 */
export function lessonsOf(status: CommentStatus, findings: readonly Finding[]): Lessons | undefined {
  switch (status) {
    case 'spam':
      return { spam: 1, abuse: null };
    case 'rejected':
      return { spam: null, abuse: findings.some((f) => f.check === 'abuse' || f.check === 'profanity') ? 1 : null };
    case 'approved':
      return { spam: 0, abuse: 0 };
    case 'held':
      return { spam: null, abuse: null };
    default:
      return undefined;
  }
}

/**
 * Moderator decisions as training examples: the content judgements learn from each
 * (see ContentClassifier.learn for which layer), and Akismet, when configured, is
 * told through submit-spam / submit-ham.
 */
export class ModerationFeedback {
  constructor(private readonly options: ModerationFeedbackOptions) {}

  /** Undefined when there is nothing to learn from (the comment is gone, deleted or undecided). */
  async apply(options: {
    commentId: string;
    teacher: Teacher;
  }): Promise<{ status: CommentStatus; outcome: LearnOutcome } | undefined> {
    const comment = await this.options.commentRepository.find(options.commentId);
    if (!comment) return undefined;
    const lessons = lessonsOf(comment.status, comment.findings);
    if (!lessons) return undefined;
    const site = await this.options.siteRepository.find(comment.siteKey);
    if (!site) return undefined;
    const outcome = await this.options.contentClassifier.learn({
      siteKey: site.key,
      exampleKey: comment.id,
      textHash: comment.textHash,
      input: {
        text: comment.text,
        website: comment.authorWebsite,
        ownDomains: site.origins.map((o) => new URL(o).hostname),
      },
      lessons,
      teacher: options.teacher,
    });
    if (this.options.akismetClient && (comment.status === 'spam' || comment.status === 'approved'))
      await this.tellAkismet(comment, site);
    return { status: comment.status, outcome };
  }

  private async tellAkismet(comment: Comment, site: Site): Promise<void> {
    await this.options.akismetClient!.submit(comment.status === 'spam' ? 'spam' : 'ham', akismetComment(comment, site));
  }
}
