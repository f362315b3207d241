import type { CommentRow } from '../../comments/comment-repository';
import { countLinks } from '../render';

/** What the classifier looks at: the comment as the author sent it, plus cheap signals. */
export interface ClassifierInput {
  text: string;
  name: string;
  website: string | null;
  /** Links in the rendered HTML. */
  links: number;
}

export type SpamLabel = 'spam' | 'ham';

export interface SpamScore {
  /** Probability-like score in [0, 1]; higher is more likely spam. */
  score: number;
  /** How many examples of each class the model has learned from. */
  examples: Record<SpamLabel, number>;
}

/**
 * A content classifier whose model lives in Redis, shared by every worker, and
 * learns online from moderator decisions. Untrained (too few examples of either
 * class), `score` answers undefined: no opinion.
 */
export interface SpamClassifier {
  score(input: ClassifierInput): Promise<SpamScore | undefined>;
  learn(input: ClassifierInput, label: SpamLabel): Promise<void>;
}

/** A stored comment as the classifier sees it, whether scoring it or learning from it. */
export function classifierInput(comment: Pick<CommentRow, 'text' | 'author_name' | 'author_website'>, html: string): ClassifierInput {
  return { text: comment.text, name: comment.author_name, website: comment.author_website, links: countLinks(html) };
}
