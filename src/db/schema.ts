import type { Generated } from 'kysely';

/**
 * The database, declared once; every query is typed against it. Times are epoch
 * milliseconds (bigint in PostgreSQL, integer in SQLite); JSON is kept as text so
 * both dialects read and write it the same way.
 */
export interface Database {
  sites: SitesTable;
  comments: CommentsTable;
  settings: SettingsTable;
}

export interface SitesTable {
  key: string;
  name: string;
  /** JSON array of allowed origins, e.g. ["https://blog.example"]. */
  origins: string;
  moderation: 'none' | 'first-time' | 'all';
  link_limit: number;
  created_at: number;
}

export interface CommentsTable {
  id: string;
  site_key: string;
  page_id: string;
  page_url: string | null;
  page_title: string | null;
  parent_id: string | null;
  author_name: string;
  /** Lower-cased; never leaves the moderation API. */
  author_email: string;
  /** Keyed hash of the email: the public avatar seed, not reversible by a dictionary. */
  author_hash: string;
  author_website: string | null;
  ip: string | null;
  user_agent: string | null;
  /** The text exactly as sent (Markdown). */
  text: string;
  /** Hash of the whitespace-normalized text, for duplicate look-ups. */
  text_hash: string;
  /** Rendered and sanitized; empty until the worker has run. */
  html: string;
  status: CommentStatusColumn;
  /** JSON array of every check's finding. */
  findings: string;
  /** JSON object of request signals for the checks (honeypot value, ...). */
  signals: string;
  author_token_hash: string;
  created_at: number;
  updated_at: number;
  decided_at: number | null;
}

export type CommentStatusColumn = 'pending' | 'approved' | 'held' | 'spam' | 'rejected' | 'deleted';

export interface SettingsTable {
  name: string;
  value: string;
  created_at: Generated<number>;
}
