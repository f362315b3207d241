import type { CommentRepository } from '../comments/comment-repository';
import type { SiteRepository } from '../sites/site-repository';
import type { AkismetClient } from './akismet';
import { classifierInput, type SpamClassifier, type SpamLabel } from './classifier/spam-classifier';
import { akismetComment } from './comment-moderator';

export interface ModerationFeedbackOptions {
  comments: CommentRepository;
  sites: SiteRepository;
  classifier: SpamClassifier;
  akismet: AkismetClient | undefined;
}

/**
 * Moderator decisions as training examples: the classifier learns from each, and
 * Akismet (when configured) is told through submit-spam / submit-ham.
 */
export class ModerationFeedback {
  constructor(private readonly options: ModerationFeedbackOptions) {}

  /** False when there is nothing to learn from any more (the comment was deleted). */
  async apply(options: { commentId: string; label: SpamLabel }): Promise<boolean> {
    const comment = await this.options.comments.find(options.commentId);
    if (!comment || comment.status === 'deleted') return false;
    await this.options.classifier.learn(classifierInput(comment, comment.html), options.label);
    if (this.options.akismet) {
      const site = await this.options.sites.find(comment.site_key);
      if (site) await this.options.akismet.submit(options.label, akismetComment(comment, site));
    }
    return true;
  }
}
