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
  api_tokens: ApiTokensTable;
  bans: BansTable;
  audit_log: AuditLogTable;
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
  /** Bumped by every change; a moderator action applies only to the version it read. */
  version: Generated<number>;
  /** The text as the author sent it, kept when a moderator edits it. */
  original_text: string | null;
  edited_at: number | null;
}

export type CommentStatusColumn = 'pending' | 'approved' | 'held' | 'spam' | 'rejected' | 'deleted';

export interface SettingsTable {
  name: string;
  value: string;
  created_at: Generated<number>;
}

export interface ApiTokensTable {
  /** Public part of the token (`tok_...`); the secret part is only stored hashed. */
  id: string;
  secret_hash: string;
  role: 'admin' | 'moderator';
  /** A token limited to one site; null for all sites. */
  site_key: string | null;
  label: string | null;
  created_at: number;
  revoked_at: number | null;
}

export interface BansTable {
  id: string;
  /** Null for a ban on every site. */
  site_key: string | null;
  kind: 'email' | 'domain' | 'ip';
  /** Lower-cased email or domain, or an IP address or CIDR range. */
  value: string;
  reason: string | null;
  expires_at: number | null;
  created_by: string;
  created_at: number;
}

export interface AuditLogTable {
  id: string;
  at: number;
  actor_id: string;
  actor_label: string | null;
  action: string;
  site_key: string | null;
  comment_id: string | null;
  before_status: string | null;
  after_status: string | null;
  note: string | null;
  /** JSON object with what else the action changed. */
  details: string;
}
