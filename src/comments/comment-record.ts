import type { Insertable, Selectable, Updateable } from 'kysely';
import { z } from 'zod';
import type { CommentsTable } from '../db/schema';
import type { Finding } from '../moderation/finding';
import type { CommentStatus } from './status';

/**
 * A comment as the domain sees it: camelCase, its JSON columns parsed (once, here, by
 * zod) and its times and counters as numbers. Repositories hand these out; the
 * snake_case row never leaves comment-repository.ts.
 */
export interface Comment {
  id: string;
  siteKey: string;
  pageId: string;
  pageUrl: string | null;
  pageTitle: string | null;
  parentId: string | null;
  authorName: string;
  /** Lower-cased; never leaves the moderation API. */
  authorEmail: string;
  /** Keyed hash of the email: the public avatar seed. */
  authorHash: string;
  authorWebsite: string | null;
  ip: string | null;
  userAgent: string | null;
  /** The text exactly as sent (Markdown). */
  text: string;
  /** Hash of the whitespace-normalized text, for duplicate look-ups. */
  textHash: string;
  /** Rendered and sanitized; empty until the worker has run. */
  html: string;
  status: CommentStatus;
  /** Every check's finding, from the decision. */
  findings: Finding[];
  signals: CommentSignals;
  authorTokenHash: string;
  createdAt: number;
  updatedAt: number;
  decidedAt: number | null;
  /** Bumped by every change; a moderator action applies only to the version it read. */
  version: number;
  /** The text as the author sent it, kept when a moderator edits it. */
  originalText: string | null;
  editedAt: number | null;
}

/** What the request carried for the checks, besides the comment itself. */
export const commentSignalsSchema = z.object({
  honeypot: z.string().optional(),
  formToken: z.string().optional(),
  /** The hash of the author proof the submission carried (never the token itself). */
  proofHash: z.string().optional(),
  /** The author asked to hear about replies by email (issue 15: after confirming the address). */
  notifyReplies: z.boolean().optional(),
});
export type CommentSignals = z.infer<typeof commentSignalsSchema>;

/** A comment to store: every field but those the database fills in. */
export type NewComment = Omit<Comment, 'version'>;

/** The fields a change may set. */
export type CommentChanges = Partial<
  Pick<
    Comment,
    | 'status'
    | 'decidedAt'
    | 'updatedAt'
    | 'text'
    | 'html'
    | 'textHash'
    | 'originalText'
    | 'editedAt'
    | 'authorName'
    | 'authorEmail'
    | 'authorHash'
    | 'authorWebsite'
    | 'ip'
    | 'userAgent'
    | 'findings'
    | 'signals'
  >
>;

type Row = Selectable<CommentsTable>;

/** Record field → column. */
const COLUMNS = {
  id: 'id',
  siteKey: 'site_key',
  pageId: 'page_id',
  pageUrl: 'page_url',
  pageTitle: 'page_title',
  parentId: 'parent_id',
  authorName: 'author_name',
  authorEmail: 'author_email',
  authorHash: 'author_hash',
  authorWebsite: 'author_website',
  ip: 'ip',
  userAgent: 'user_agent',
  text: 'text',
  textHash: 'text_hash',
  html: 'html',
  status: 'status',
  findings: 'findings',
  signals: 'signals',
  authorTokenHash: 'author_token_hash',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
  decidedAt: 'decided_at',
  version: 'version',
  originalText: 'original_text',
  editedAt: 'edited_at',
} as const satisfies Record<keyof Comment, keyof Row>;

export type CommentColumn = (typeof COLUMNS)[keyof typeof COLUMNS];

/** The columns of the given record fields, for selecting only what a reader needs. */
export function columnsOf<K extends keyof Comment>(fields: readonly K[]): Array<(typeof COLUMNS)[K]> {
  return fields.map((f) => COLUMNS[f]);
}

/** Turns stored JSON into findings: the moderation module's schema, handed to the repository. */
export type FindingsParser = (json: unknown) => Finding[];

const numberOrNull = (v: number | string | null) => (v === null ? null : Number(v));

/** A row, or the part of one a query selected, as a record (of the same fields). */
export function toRecord<K extends keyof Comment>(
  row: Pick<Row, (typeof COLUMNS)[K]>,
  parseFindings: FindingsParser,
): Pick<Comment, K> {
  const record: Partial<Record<keyof Comment, unknown>> = {};
  for (const [field, column] of Object.entries(COLUMNS) as Array<[keyof Comment, keyof Row]>) {
    if (!(column in row)) continue;
    const value = (row as Row)[column];
    if (field === 'findings') record.findings = parseFindings(JSON.parse(value as string));
    else if (field === 'signals') record.signals = commentSignalsSchema.parse(JSON.parse(value as string));
    else if (field === 'createdAt' || field === 'updatedAt' || field === 'version') record[field] = Number(value);
    else if (field === 'decidedAt' || field === 'editedAt') record[field] = numberOrNull(value as number | null);
    else record[field] = value;
  }
  return record as Pick<Comment, K>;
}

/** A new comment as the row to insert: JSON columns serialized. */
export function insertColumns(c: NewComment): Insertable<CommentsTable> {
  return {
    id: c.id,
    site_key: c.siteKey,
    page_id: c.pageId,
    page_url: c.pageUrl,
    page_title: c.pageTitle,
    parent_id: c.parentId,
    author_name: c.authorName,
    author_email: c.authorEmail,
    author_hash: c.authorHash,
    author_website: c.authorWebsite,
    ip: c.ip,
    user_agent: c.userAgent,
    text: c.text,
    text_hash: c.textHash,
    html: c.html,
    status: c.status,
    findings: JSON.stringify(c.findings),
    signals: JSON.stringify(c.signals),
    author_token_hash: c.authorTokenHash,
    created_at: c.createdAt,
    updated_at: c.updatedAt,
    decided_at: c.decidedAt,
    original_text: c.originalText,
    edited_at: c.editedAt,
  };
}

/** Changed fields as the columns to set: JSON columns serialized, fields not given left alone. */
export function changedColumns(changes: CommentChanges): Updateable<CommentsTable> {
  const { findings, signals, ...plain } = changes;
  const columns: Updateable<CommentsTable> = {
    status: plain.status,
    decided_at: plain.decidedAt,
    updated_at: plain.updatedAt,
    text: plain.text,
    html: plain.html,
    text_hash: plain.textHash,
    original_text: plain.originalText,
    edited_at: plain.editedAt,
    author_name: plain.authorName,
    author_email: plain.authorEmail,
    author_hash: plain.authorHash,
    author_website: plain.authorWebsite,
    ip: plain.ip,
    user_agent: plain.userAgent,
    findings: findings && JSON.stringify(findings),
    signals: signals && JSON.stringify(signals),
  };
  return Object.fromEntries(Object.entries(columns).filter(([, v]) => v !== undefined));
}
