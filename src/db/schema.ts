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
  webhook_endpoints: WebhookEndpointsTable;
  webhook_events: WebhookEventsTable;
  webhook_messages: WebhookMessagesTable;
  webhook_deliveries: WebhookDeliveriesTable;
}

export interface SitesTable {
  key: string;
  name: string;
  /** JSON array of allowed origins, e.g. ["https://blog.example"]. */
  origins: string;
  moderation: 'none' | 'first-time' | 'all';
  link_limit: number;
  created_at: number;
  /** JSON of the site's policy settings (see src/sites/site-policy.ts); missing keys take the defaults. */
  policy: Generated<string>;
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

export interface WebhookEndpointsTable {
  id: string;
  site_key: string;
  url: string;
  description: string | null;
  /** JSON array of event types, or ["*"]. */
  events: string;
  enabled: number;
  /** `whsec_...`: kept as is, since signing needs it. */
  secret: string;
  /** The secret before the last rotation, still signing until it expires. */
  previous_secret: string | null;
  previous_secret_expires_at: number | null;
  /** Why the endpoint was disabled by Parley (410 Gone, days of failures). */
  disabled_reason: string | null;
  /** When its deliveries started failing without a success since. */
  failing_since: number | null;
  created_at: number;
  updated_at: number;
}

export interface WebhookEventsTable {
  id: string;
  site_key: string;
  comment_id: string;
  type: string;
  sequence: number;
  /** The JSON body every delivery of the event sends. */
  payload: string;
  created_at: number;
  fanned_out_at: number | null;
}

export interface WebhookMessagesTable {
  id: string;
  endpoint_id: string;
  event_id: string;
  comment_id: string;
  sequence: number;
  state: 'pending' | 'succeeded' | 'failed';
  attempts: number;
  created_at: number;
  finished_at: number | null;
  /** The job delivering it when that is not the message id (a redelivery); null otherwise. */
  job_id: Generated<string | null>;
}

export interface WebhookDeliveriesTable {
  id: string;
  /** Null for a test event, which belongs to no message. */
  message_id: string | null;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  attempt: number;
  succeeded: number;
  status_code: number | null;
  latency_ms: number;
  /** The first 1 KB of the answer. */
  response_body: string | null;
  error: string | null;
  created_at: number;
}
