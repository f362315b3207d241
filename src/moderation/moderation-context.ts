import type { AuthorHistory } from '../comments/comment-repository';
import type { FormTokenCheck } from '../comments/form-token';
import type { SitePolicy } from '../sites/policy-schema';
import type { ModerationPolicy } from '../sites/site-repository';
import type { AkismetVerdict } from './akismet';
import type { Ban } from './ban-repository';
import type { ContentScores } from './classifier/content-classifier';
import type { FloodCounts } from './flood-counters';
import type { ProfaneMatch } from './profanity-matcher';

/** Everything the checks may look at, gathered once by the caller. */
export interface ModerationContext {
  comment: {
    text: string;
    html: string;
    name: string;
    email: string;
    website: string | null;
    submittedAt: number;
    honeypot: string | undefined;
    /** Undefined when the comment came without a form token. */
    formToken: FormTokenCheck | undefined;
    /** The listed words of the text, matched once for the profanity check and the abuse judgement. */
    profanity?: readonly ProfaneMatch[];
  };
  site: {
    moderation: ModerationPolicy;
    linkLimit: number;
    maxLength: number;
    /** Host names of the site's own origins: links there are never suspicious. */
    ownDomains: string[];
    policy: SitePolicy;
  };
  history: AuthorHistory;
  earlierDuplicateId: string | undefined;
  matchingBan: Ban | undefined;
  flood: FloodCounts;
  /** The spam and abuse judgements of the text. */
  content: ContentScores | undefined;
  /** Undefined when Akismet is not configured, or was not asked. */
  akismet?: AkismetVerdict | Error;
}
