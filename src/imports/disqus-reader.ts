import type { DecisionStatus } from '../comments/status';
import { decodeEntities } from './html-to-text';
import { parseSourceDate, type SourceEntry, type SourcePage } from './source-comment';
import { child, childText, detached, readXmlElements, type XmlElement } from './xml-elements';

const DISQUS_NAMESPACE = 'http://disqus.com';
const DISQUS_INTERNALS = 'http://disqus.com/disqus-internals';

const isTrue = (element: XmlElement, local: string) => childText(element, local).trim() === 'true';

function postStatus(post: XmlElement, threadDeleted: boolean): DecisionStatus {
  if (isTrue(post, 'isSpam')) return 'spam';
  // A post removed on Disqus, or on a discussion removed there, keeps its text in the
  // export: kept, but not published again.
  if (isTrue(post, 'isDeleted') || threadDeleted) return 'rejected';
  if (childText(post, 'isApproved').trim() === 'false') return 'held';
  return 'approved';
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
    yield {
      comment: {
        sourceId: dsqId,
        sourceParentId: child(element, 'parent')?.attributes.id || null,
        page,
        authorName: author ? childText(author, 'name').trim() || childText(author, 'username').trim() : '',
        authorEmail: author ? childText(author, 'email').trim().toLowerCase() : '',
        authorWebsite: null,
        ip: childText(element, 'ipAddress').trim() || null,
        createdAt: parseSourceDate(childText(element, 'createdAt'), options.now),
        content: childText(element, 'message').trim(),
        status: postStatus(element, deletedThreads.has(threadId)),
      },
    };
  }
}
