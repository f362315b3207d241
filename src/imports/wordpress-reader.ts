import type { DecisionStatus } from '../comments/status';
import { decodeEntities } from './html-to-text';
import { parseSourceDate, type SourceEntry, webUrlOrNull } from './source-comment';
import { childText, readXmlElements, type XmlElement } from './xml-elements';

/** WXR 1.0, 1.1 and 1.2 (WordPress.com writes https). */
const WXR_NAMESPACE = /^https?:\/\/wordpress\.org\/export\/1\.[0-2]\/$/;

/** `comment_approved` → status: trash (and comments of a trashed post) become rejected. */
const STATUS_OF_APPROVED: Record<string, DecisionStatus> = {
  '1': 'approved',
  '0': 'held',
  spam: 'spam',
  trash: 'rejected',
  'post-trashed': 'rejected',
};

function wpText(element: XmlElement, local: string): string {
  const found = element.children.find((c) => c.local === local && WXR_NAMESPACE.test(c.uri));
  return (found?.text ?? '').trim();
}

/**
 * The comments of one `<item>` (a post, page or attachment). Comment ids are numbered
 * per WordPress site, so they are kept qualified by the blog's address: two blogs'
 * exports imported into one site do not mistake each other's comments for their own.
 */
function* itemEntries(item: XmlElement, options: { blog: string; now: number }): Generator<SourceEntry> {
  const { blog, now } = options;
  const qualified = (id: string) => (blog ? `${blog}#${id}` : id);
  const comments = item.children.filter((c) => c.local === 'comment' && WXR_NAMESPACE.test(c.uri));
  if (comments.length === 0) return;
  const link = childText(item, 'link').trim() || childText(item, 'guid').trim();
  const title = decodeEntities(childText(item, 'title').trim());
  const page = { sourceId: wpText(item, 'post_id'), url: link, title: title || null };
  for (const comment of comments) {
    const type = wpText(comment, 'comment_type');
    if (type === 'pingback' || type === 'trackback') {
      yield { skipped: type };
      continue;
    }
    const parent = wpText(comment, 'comment_parent');
    const gmt = wpText(comment, 'comment_date_gmt');
    yield {
      comment: {
        sourceId: qualified(wpText(comment, 'comment_id')),
        sourceParentId: parent && parent !== '0' ? qualified(parent) : null,
        page,
        authorName: wpText(comment, 'comment_author'),
        authorEmail: wpText(comment, 'comment_author_email').toLowerCase(),
        authorWebsite: webUrlOrNull(wpText(comment, 'comment_author_url')),
        ip: wpText(comment, 'comment_author_IP') || null,
        // The GMT date when WordPress recorded one; the local date (taken as UTC) otherwise.
        createdAt: parseSourceDate(gmt, parseSourceDate(wpText(comment, 'comment_date'), now)),
        content: wpText(comment, 'comment_content'),
        status: STATUS_OF_APPROVED[wpText(comment, 'comment_approved')] ?? 'held',
      },
    };
  }
}

/** The comments of a WordPress export (WXR), in file order, read as a stream. */
export async function* readWordpressExport(options: {
  file: string;
  now: number;
  onProgress?: (bytes: number) => void;
}): AsyncGenerator<SourceEntry> {
  const items = readXmlElements({
    file: options.file,
    checkRoot: (tag) =>
      tag.local === 'rss' && Object.values(tag.ns ?? {}).some((uri) => WXR_NAMESPACE.test(uri))
        ? undefined
        : 'not a WordPress export: expected <rss> declaring the http://wordpress.org/export/1.x/ namespace',
    // The items, and the blog's address before them (the site's own link when the export has no base_blog_url).
    select: (tag, stack) =>
      stack.length === 2 &&
      stack[1].local === 'channel' &&
      (tag.local === 'item' || tag.local === 'link' || (tag.local === 'base_blog_url' && WXR_NAMESPACE.test(tag.uri))),
    onProgress: options.onProgress,
  });
  let blog = '';
  let blogFromBaseUrl = false;
  for await (const element of items) {
    if (element.local === 'item') yield* itemEntries(element, { blog, now: options.now });
    else if (element.local === 'base_blog_url') [blog, blogFromBaseUrl] = [element.text.trim(), true];
    else if (!blogFromBaseUrl) blog = element.text.trim();
  }
}
