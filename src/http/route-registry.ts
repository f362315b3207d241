import { type Request, type RequestHandler, Router } from 'express';
import { match } from 'path-to-regexp';
import type { Operation, Route } from './route';

/**
 * Middleware under a path prefix: a guard in front of a group of routes (the token check
 * of `/v1/moderation`), or something that answers by itself (the queue dashboard), whose
 * operations are documented with it.
 */
export interface Mount {
  path: string;
  handlers: RequestHandler[];
  operations?: Operation[];
}

export function mount(path: string, ...handlers: RequestHandler[]): Mount {
  return { path, handlers };
}

const isMount = (entry: Route | Mount): entry is Mount => !('method' in entry);

type Matcher = { template: string; method: string; matches: (path: string) => boolean };

function compile(template: string, end: boolean): (path: string) => boolean {
  const fn = match(template, { end, trailing: true, decode: false });
  return (path) => fn(path) !== false;
}

/**
 * Every route and mount of an app, as they are registered: what the OpenAPI document is
 * built from, what the tests enumerate, and what names requests by route template for
 * the metrics and the logs.
 */
export class RouteRegistry {
  private readonly entries: (Route | Mount)[] = [];
  private matchers: Matcher[] | undefined;
  private readonly named = new WeakMap<Request, string>();
  /** Templates by method and path: every request is named, and most ask for the same few paths. */
  private readonly byPath = new Map<string, string>();

  /** An Express router for these routes and mounts, in this order; each is recorded here. */
  router(entries: (Route | Mount)[]): Router {
    const router = Router();
    for (const entry of entries) {
      if (isMount(entry)) router.use(entry.path, ...entry.handlers);
      else router[entry.method](entry.path, ...entry.handlers);
      this.entries.push(entry);
    }
    this.matchers = undefined;
    this.byPath.clear();
    return router;
  }

  /** Every documented operation, in the order of registration: the routes, and what mounts answer themselves. */
  operations(): Operation[] {
    return this.entries.flatMap((entry) => (isMount(entry) ? (entry.operations ?? []) : [entry]));
  }

  /**
   * The template of the route a request is for (`/v1/sites/:siteKey/comments`), the
   * mount's (`/admin/queues/*`) when no route matches, or `unmatched`: labels that stay
   * few, never a raw path with keys or ids in it. Named once per request, when it
   * arrives, whoever ends up answering it.
   */
  templateOf(req: Request): string {
    const cached = this.named.get(req);
    if (cached) return cached;
    const path = (req.originalUrl ?? req.url).split('?')[0];
    const key = `${req.method} ${path}`;
    let template = this.byPath.get(key);
    if (template === undefined) {
      const wanted = req.method === 'HEAD' ? ['HEAD', 'GET'] : [req.method];
      const found = this.matchersOf().find((m) => (m.method === '*' || wanted.includes(m.method)) && m.matches(path));
      template = found?.template ?? 'unmatched';
      // A bound on memory (paths hold page ids), not an eviction policy.
      if (this.byPath.size >= 10_000) this.byPath.clear();
      this.byPath.set(key, template);
    }
    this.named.set(req, template);
    return template;
  }

  private matchersOf(): Matcher[] {
    if (this.matchers) return this.matchers;
    const routes = this.entries.filter((entry): entry is Route => !isMount(entry));
    const mounts = this.entries.filter(isMount);
    this.matchers = [
      ...routes.map((r) => ({ template: r.path, method: r.method.toUpperCase(), matches: compile(r.path, true) })),
      // The longest mount first, so `/v1/admin/sites/x/webhooks/y` is not counted under `/v1/admin`.
      ...mounts
        .sort((a, b) => b.path.length - a.path.length)
        .map((m) => ({ template: `${m.path.replace(/\/$/, '')}/*`, method: '*', matches: compile(m.path, false) })),
    ];
    return this.matchers;
  }
}
