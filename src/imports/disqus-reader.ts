import { createHash } from 'node:crypto';
import type { DecisionStatus } from '../comments/status';
import { decodeEntities } from './html-to-text';
import { parseSourceDate, type SourceEntry, type SourcePage } from './source-comment';
import { child, childText, detached, readXmlElements, type XmlElement } from './xml-elements';

const DISQUS_NAMESPACE = 'http://disqus.com';
const DISQUS_INTERNALS = 'http://disqus.com/disqus-internals';

// Disqus writes "true" and "false"; other tools that write its format use "True" or 1.
const isTrue = (element: XmlElement, local: string) => /^(?:true|1)$/i.test(childText(element, local).trim());

function postStatus(post: XmlElement, threadDeleted: boolean): DecisionStatus {
  if (isTrue(post, 'isSpam')) return 'spam';
  // A post removed on Disqus, or on a discussion removed there, keeps its text in the
  // export: kept, but not published again.
  if (isTrue(post, 'isDeleted') || threadDeleted) return 'rejected';
  if (/^(?:false|0)$/i.test(childText(post, 'isApproved').trim())) return 'held';
  return 'approved';
}

/**
 * Source ids for posts without their dsq:id (some tools' exports): made of where, when,
 * who and what, and how many such posts came before in the file, so two "+1"s by one
 * guest stay two, and the same file gives the same ids on every run: importing it twice
 * still adds each post once.
 */
class DerivedIds {
  private readonly seen = new Map<string, number>();

  next(parts: string[]): string {
    const hash = createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
    const occurrence = (this.seen.get(hash) ?? 0) + 1;
    this.seen.set(hash, occurrence);
    return occurrence === 1 ? `derived:${hash}` : `derived:${hash}:${occurrence}`;
  }
}

/**
 * The posts of a Disqus export, read as a stream. The file lists every `<thread>`
 * before the posts that point at them (by `dsq:id`); the threads are kept (URL,
 * title, identifier: a few hundred bytes each) to give each post its page.
 */
export async function* readDisqusExport(options: {
  file: string;
  now: number;
  onProgress?: (bytes: number) => void;
}): AsyncGenerator<SourceEntry> {
  const threads = new Map<string, SourcePage>();
  const deletedThreads = new Set<string>();
  const derived = new DerivedIds();
  const elements = readXmlElements({
    file: options.file,
    checkRoot: (tag) =>
      tag.local === 'disqus' && tag.uri === DISQUS_NAMESPACE && Object.values(tag.ns ?? {}).includes(DISQUS_INTERNALS)
        ? undefined
        : `not a Disqus export: expected <disqus xmlns="${DISQUS_NAMESPACE}"> declaring ${DISQUS_INTERNALS}`,
    select: (tag, stack) => stack.length === 1 && (tag.local === 'thread' || tag.local === 'post'),
    onProgress: options.onProgress,
  });
  for await (const element of elements) {
    const dsqId = element.attributes.id ?? '';
    if (element.local === 'thread') {
      // Kept for the whole file: copies, not slices of the file's chunks.
      const title = decodeEntities(childText(element, 'title').trim());
      threads.set(detached(dsqId), {
        sourceId: detached(childText(element, 'id').trim()),
        url: detached(childText(element, 'link').trim()),
        title: title ? detached(title) : null,
      });
      if (isTrue(element, 'isDeleted')) deletedThreads.add(detached(dsqId));
      continue;
    }
    const threadId = child(element, 'thread')?.attributes.id ?? '';
    const page = threads.get(threadId);
    if (!page) {
      yield { skipped: 'no-thread' };
      continue;
    }
    const author = child(element, 'author');
    const authorName = author ? childText(author, 'name').trim() || childText(author, 'username').trim() : '';
    const authorEmail = author ? childText(author, 'email').trim().toLowerCase() : '';
    const message = childText(element, 'message').trim();
    const createdAt = childText(element, 'createdAt').trim();
    const parentId = child(element, 'parent')?.attributes.id || null;
    yield {
      comment: {
        sourceId: dsqId || derived.next([threadId, parentId ?? '', createdAt, authorName, authorEmail, message]),
        sourceParentId: parentId,
        page,
        authorName,
        authorEmail,
        authorWebsite: null,
        ip: childText(element, 'ipAddress').trim() || null,
        createdAt: parseSourceDate(createdAt, options.now),
        content: message,
        status: postStatus(element, deletedThreads.has(threadId)),
      },
    };
  }
}
