/**
 * A client for Akismet's REST API (comment-check, submit-spam, submit-ham). Optional:
 * used only when a key is configured. Requests are form-encoded POSTs; comment-check
 * answers `true` (spam) or `false` (ham), with `X-akismet-pro-tip: discard` for
 * blatant spam; anything else is an error (the body is `invalid`, or
 * `X-akismet-debug-help` says why).
 */
export interface AkismetComment {
  /** The site's home URL (Akismet's `blog`). */
  blog: string;
  userIp: string | null;
  userAgent: string | null;
  referrer?: string | null;
  permalink: string | null;
  author: string;
  authorEmail: string;
  authorUrl: string | null;
  content: string;
  createdAt: number;
}

export type AkismetVerdict = { spam: boolean; discard: boolean };

export class AkismetError extends Error {}

export interface AkismetClientOptions {
  apiKey: string;
  /** `https://rest.akismet.com`, or a local server that speaks the protocol (tests). */
  baseUrl: string;
  timeoutMs: number;
}

export class AkismetClient {
  constructor(private readonly options: AkismetClientOptions) {}

  async check(comment: AkismetComment): Promise<AkismetVerdict> {
    const res = await this.post('comment-check', comment);
    const body = (await res.text()).trim();
    if (body === 'true') return { spam: true, discard: res.headers.get('x-akismet-pro-tip') === 'discard' };
    if (body === 'false') return { spam: false, discard: false };
    throw new AkismetError(
      `Akismet comment-check answered ${res.status} ${JSON.stringify(body.slice(0, 100))}${debugHelp(res)}`,
    );
  }

  /** Tells Akismet a moderator's verdict, so it learns too. */
  async submit(label: 'spam' | 'ham', comment: AkismetComment): Promise<void> {
    const res = await this.post(label === 'spam' ? 'submit-spam' : 'submit-ham', comment);
    if (!res.ok) throw new AkismetError(`Akismet submit-${label} answered ${res.status}${debugHelp(res)}`);
  }

  private async post(method: string, comment: AkismetComment): Promise<Response> {
    const fields: Record<string, string | null | undefined> = {
      api_key: this.options.apiKey,
      blog: comment.blog,
      user_ip: comment.userIp,
      user_agent: comment.userAgent,
      referrer: comment.referrer,
      permalink: comment.permalink,
      comment_type: 'comment',
      comment_author: comment.author,
      comment_author_email: comment.authorEmail,
      comment_author_url: comment.authorUrl,
      comment_content: comment.content,
      comment_date_gmt: new Date(comment.createdAt).toISOString(),
      blog_charset: 'UTF-8',
    };
    const body = new URLSearchParams();
    for (const [name, value] of Object.entries(fields)) if (value) body.set(name, value);
    try {
      return await fetch(`${this.options.baseUrl.replace(/\/$/, '')}/1.1/${method}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'User-Agent': 'Parley/0.1 | Akismet/1.1' },
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (err) {
      throw new AkismetError(`Akismet ${method} failed: ${(err as Error).message}`);
    }
  }
}

function debugHelp(res: Response): string {
  const help = res.headers.get('x-akismet-debug-help');
  return help ? ` (${help})` : '';
}
