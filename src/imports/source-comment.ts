import type { DecisionStatus } from '../comments/status';

/** The page a source thread is on: its URL and title, and its id in the source. */
export interface SourcePage {
  /** WordPress `wp:post_id`, Disqus thread `<id>` (the site's identifier; may be empty). */
  sourceId: string;
  url: string;
  title: string | null;
}

/** A comment as an export file has it, before it becomes a Parley comment. */
export interface SourceComment {
  sourceId: string;
  /** The parent's id in the source, or null for a top-level comment. */
  sourceParentId: string | null;
  page: SourcePage;
  authorName: string;
  authorEmail: string;
  authorWebsite: string | null;
  ip: string | null;
  createdAt: number;
  /** The body as the source stores it: HTML, or plain text with line breaks. */
  content: string;
  status: DecisionStatus;
}

/** What a reader hands out: a comment, or an entry it skips and why (counted in the summary). */
export type SourceEntry = { comment: SourceComment } | { skipped: 'pingback' | 'trackback' | 'no-thread' };

/** A date as an export writes it, as epoch ms; `fallback` when it is missing or invalid. */
export function parseSourceDate(value: string, fallback: number): number {
  const trimmed = value.trim();
  // WordPress writes "2014-05-01 10:31:00" (UTC in comment_date_gmt); the zero date means unknown.
  const iso = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(trimmed) ? `${trimmed.replace(' ', 'T')}Z` : trimmed;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) && ms > 0 ? ms : fallback;
}

/** A URL or null when it is empty or not http(s). */
export function webUrlOrNull(value: string): string | null {
  const trimmed = value.trim();
  if (!trimmed) return null;
  try {
    const url = new URL(trimmed);
    return /^https?:$/.test(url.protocol) ? trimmed : null;
  } catch {
    return null;
  }
}
