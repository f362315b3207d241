import type { RequestHandler, Response } from 'express';
import type { CommentService } from '../comments/comment-service';
import type { SerializedPage } from '../comments/thread-cache';
import type { SiteCache } from '../sites/site-cache';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './paging';
import { allowSiteOrigin } from './site-access';

/** A thread may change any second (approval, removal): caches revalidate with the ETag. */
const THREAD_CACHE_CONTROL = 'public, max-age=1, must-revalidate';

/** `/v1/sites/:siteKey/pages/:pageId/comments`, with no query or only `?limit=N`: the widget's read. */
const FIRST_PAGE_READ = /^\/v1\/sites\/([^/?]+)\/pages\/([^/?]+)\/comments(?:\?limit=(\d{1,3}))?$/;

/**
 * A thread page as the JSON bytes serialized once, with its ETag: Express answers a
 * matching If-None-Match with 304.
 */
export function sendThreadPage(res: Response, page: SerializedPage): void {
  res.set({
    'Cache-Control': THREAD_CACHE_CONTROL,
    ETag: page.etag,
    'Content-Type': 'application/json; charset=utf-8',
  });
  res.send(page.body);
}

const decoded = (part: string): string | undefined => {
  try {
    return decodeURIComponent(part);
  } catch {
    return undefined;
  }
};

/**
 * Nearly every request a comment service gets is a reader loading a thread's first page.
 * When this process holds that page and its site in memory, it is answered here, in
 * front of the routers, as the route would answer it (same bytes, ETag, CORS), without
 * walking the routers, parsing the query with zod or waiting on a promise: a cache in
 * front of the app, as a reverse proxy would keep one, but dropped at once on every
 * change (ChangeFeed). Anything else (a miss, a cursor, another query, an unknown site)
 * goes on to the route in public-routes.ts, which stays the contract.
 */
export function threadReadsFromMemory(options: { siteCache: SiteCache; comments: CommentService }): RequestHandler {
  /** The site and cached page a first-page read asks for, when both are in memory. */
  const fromMemory = (url: string) => {
    const match = FIRST_PAGE_READ.exec(url);
    if (!match) return undefined;
    const [siteKey, pageId] = [decoded(match[1]), decoded(match[2])];
    const limit = match[3] === undefined ? DEFAULT_PAGE_SIZE : Number(match[3]);
    const site = siteKey === undefined ? undefined : options.siteCache.cached(siteKey);
    if (!site || !pageId || limit < 1 || limit > MAX_PAGE_SIZE) return undefined;
    const page = options.comments.cachedFirstPage({ siteKey: site.key, pageId, limit });
    return page && { site, page };
  };
  return (req, res, next) => {
    const hit = req.method === 'GET' || req.method === 'HEAD' ? fromMemory(req.url) : undefined;
    if (!hit) return next();
    allowSiteOrigin(hit.site, req, res);
    sendThreadPage(res, hit.page);
  };
}
