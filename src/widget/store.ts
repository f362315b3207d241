// Browser code: what the widget keeps in localStorage. The reader's name, email and
// website only when "remember me" is ticked; the author's own comments that are not
// yet published, with their authorToken (never the email), so they can be shown
// "awaiting moderation" on this device and followed. Storage may be off: then
// nothing is kept and nothing breaks.
import type { PublicComment } from './api';

export interface Identity {
  name: string;
  email: string;
  website: string;
}

export interface OwnComment {
  comment: PublicComment;
  authorToken: string;
  postedAt: number;
}

const IDENTITY_KEY = 'parley:identity';
/** Own unpublished comments are forgotten after a week. */
const OWN_TTL_MS = 7 * 864e5;

function read<T>(key: string): T | undefined {
  try {
    const raw = localStorage.getItem(key);
    // The only cast of parsed JSON: what this widget itself wrote under its own key (a
    // schema library would cost the bundle more than the check is worth; a bad value is
    // caught below and read as nothing).
    return raw ? (JSON.parse(raw) as T) : undefined;
  } catch {
    return undefined;
  }
}

function write(key: string, value: unknown): void {
  try {
    if (value === undefined) localStorage.removeItem(key);
    else localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // storage off or full: keep it in this page only
  }
}

export const loadIdentity = (): Identity | undefined => read<Identity>(IDENTITY_KEY);

/**
 * The author token of this reader's latest published comment on a site: sent with new
 * comments, it proves to the site that the same author wrote them (an email proves
 * nothing), so a trusted author is trusted only on their own device.
 */
const proofKey = (site: string) => `parley:proof:${site}`;
export const loadProof = (site: string): string | undefined => {
  const proof = read<string>(proofKey(site));
  return typeof proof === 'string' ? proof : undefined;
};
export const saveProof = (site: string, authorToken: string): void => write(proofKey(site), authorToken);
export const saveIdentity = (identity: Identity | undefined): void => write(IDENTITY_KEY, identity);

export class OwnComments {
  private readonly key: string;

  constructor(site: string, pageId: string) {
    this.key = `parley:own:${site}:${pageId}`;
  }

  list(): OwnComment[] {
    const all = read<OwnComment[]>(this.key);
    return Array.isArray(all) ? all.filter((o) => o?.comment?.id && Date.now() - o.postedAt < OWN_TTL_MS) : [];
  }

  add(own: OwnComment): void {
    write(this.key, [...this.list(), own].slice(-20));
  }

  remove(id: string): void {
    const rest = this.list().filter((o) => o.comment.id !== id);
    write(this.key, rest.length ? rest : undefined);
  }
}
