import type { Writable } from 'node:stream';
import type { Selectable } from 'kysely';
import type { Db } from '../db/connect';
import type { CommentsTable } from '../db/schema';
import { isoTime, isoTimeOrNull } from '../db/timestamps';

export const EXPORT_FORMATS = ['json', 'wxr'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

type Row = Selectable<CommentsTable>;

/** One line of the JSON export: everything stored about the comment but the moderation internals. */
function jsonLine(row: Row) {
  return {
    id: row.id,
    siteKey: row.site_key,
    pageId: row.page_id,
    pageUrl: row.page_url,
    pageTitle: row.page_title,
    parentId: row.parent_id,
    status: row.status,
    authorName: row.author_name,
    authorEmail: row.author_email,
    authorWebsite: row.author_website,
    ip: row.ip,
    text: row.text,
    html: row.html,
    createdAt: isoTime(row.created_at),
    editedAt: isoTimeOrNull(row.edited_at),
    source: row.source,
    sourceId: row.source_id,
  };
}

const WP_APPROVED: Record<Row['status'], string> = {
  approved: '1',
  held: '0',
  pending: '0',
  spam: 'spam',
  rejected: 'trash',
  // A tombstone (content already erased) goes as trash, so the replies under it keep their thread.
  deleted: 'trash',
};

// Characters XML 1.0 cannot carry at all.
const stripInvalid = (text: string) => text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '');
const cdata = (text: string | null) => `<![CDATA[${stripInvalid(text ?? '').replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
const escapeXml = (text: string) =>
  stripInvalid(text).replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);
const wpDate = (ms: number) => new Date(Number(ms)).toISOString().slice(0, 19).replace('T', ' ');

/** One page's comments as a WXR `<item>`; comments are numbered from `firstId`, parents by those numbers. */
function wxrItem(page: Row[], postId: number, firstId: number): string {
  const numbers = new Map(page.map((row, i) => [row.id, firstId + i]));
  const { page_id: pageId, page_url: url, page_title: title } = page[0];
  const comments = page.map((row) => {
    const date = wpDate(row.created_at);
    return `
    <wp:comment>
      <wp:comment_id>${numbers.get(row.id)}</wp:comment_id>
      <wp:comment_author>${cdata(row.author_name)}</wp:comment_author>
      <wp:comment_author_email>${cdata(row.author_email)}</wp:comment_author_email>
      <wp:comment_author_url>${cdata(row.author_website)}</wp:comment_author_url>
      <wp:comment_author_IP>${cdata(row.ip)}</wp:comment_author_IP>
      <wp:comment_date>${date}</wp:comment_date>
      <wp:comment_date_gmt>${date}</wp:comment_date_gmt>
      <wp:comment_content>${cdata(row.text)}</wp:comment_content>
      <wp:comment_approved>${WP_APPROVED[row.status]}</wp:comment_approved>
      <wp:comment_type>comment</wp:comment_type>
      <wp:comment_parent>${(row.parent_id && numbers.get(row.parent_id)) ?? 0}</wp:comment_parent>
      <wp:comment_user_id>0</wp:comment_user_id>
    </wp:comment>`;
  });
  return `
  <item>
    <title>${cdata(title ?? pageId)}</title>
    <link>${escapeXml(url ?? pageId)}</link>
    <guid isPermaLink="false">${escapeXml(pageId)}</guid>
    <wp:post_id>${postId}</wp:post_id>
    <wp:post_type>post</wp:post_type>
    <wp:status>publish</wp:status>${comments.join('')}
  </item>`;
}

/** Waits for the stream to take more when it says it is full: the export stays in constant memory. */
async function write(out: Writable, text: string): Promise<void> {
  if (!out.write(text)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
}

/**
 * Writes every comment of a site: JSON lines (everything, one comment a line, oldest
 * first), or a WordPress export (WXR 1.2, one `<item>` per page), so a site can move
 * back to WordPress. Read in batches; a WXR item holds one page's comments at a time.
 */
export class CommentExporter {
  constructor(private readonly options: { db: Db; batchSize?: number }) {}

  /** Returns how many comments were written. */
  async export(options: {
    siteKey: string;
    format: ExportFormat;
    out: Writable;
    site: { name: string; url: string };
  }): Promise<number> {
    const { out, format } = options;
    let count = 0;
    if (format === 'json') {
      for await (const row of this.rows(options.siteKey, false)) {
        await write(out, `${JSON.stringify(jsonLine(row))}\n`);
        count++;
      }
      return count;
    }
    await write(
      out,
      `<?xml version="1.0" encoding="UTF-8"?>
<!-- generator="Parley" -->
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
  <title>${cdata(options.site.name)}</title>
  <link>${escapeXml(options.site.url)}</link>
  <wp:wxr_version>1.2</wp:wxr_version>
  <wp:base_site_url>${escapeXml(options.site.url)}</wp:base_site_url>
  <wp:base_blog_url>${escapeXml(options.site.url)}</wp:base_blog_url>`,
    );
    let page: Row[] = [];
    let postId = 0;
    const flush = async () => {
      if (page.length === 0) return;
      await write(out, wxrItem(page, ++postId, count + 1));
      count += page.length;
      page = [];
    };
    for await (const row of this.rows(options.siteKey, true)) {
      if (page.length > 0 && page[0].page_id !== row.page_id) await flush();
      page.push(row);
    }
    await flush();
    await write(out, '\n</channel>\n</rss>\n');
    return count;
  }

  /** The site's comments, oldest first (grouped by page first when `byPage`), a batch at a time. */
  private async *rows(siteKey: string, byPage: boolean): AsyncGenerator<Row> {
    const batch = this.options.batchSize ?? 1000;
    let after: Row | undefined;
    for (;;) {
      let query = this.options.db.selectFrom('comments').selectAll().where('site_key', '=', siteKey);
      if (after) {
        const { page_id: pageId, created_at: createdAt, id } = after;
        query = query.where((eb) => {
          const sameTime = eb.or([
            eb('created_at', '>', createdAt),
            eb.and([eb('created_at', '=', createdAt), eb('id', '>', id)]),
          ]);
          return byPage
            ? eb.or([eb('page_id', '>', pageId), eb.and([eb('page_id', '=', pageId), sameTime])])
            : sameTime;
        });
      }
      if (byPage) query = query.orderBy('page_id');
      const rows = await query.orderBy('created_at').orderBy('id').limit(batch).execute();
      yield* rows;
      if (rows.length < batch) return;
      after = rows[rows.length - 1];
    }
  }
}
