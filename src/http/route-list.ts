import type { Request } from 'express';
import { match } from 'path-to-regexp';

/** One route an Express app answers, with its full path template (`/v1/sites/:siteKey/comments`). */
export interface DeclaredRoute {
  /** Upper case: `GET`, `POST`, ... (`HEAD` of a `GET` route is not listed). */
  method: string;
  path: string;
}

/** What the walker reads of router 2.x internals (`express.Router()` and `app.router`). */
interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
  /** The path given to `router.use(path, ...)` (router 2.3+). */
  rawPath?: unknown;
}

interface RouterLike {
  stack: Layer[];
}

export interface RouteTree {
  routes: DeclaredRoute[];
  /**
   * Paths under which middleware or a mounted app answers requests that match no route
   * (`/v1/moderation` for the token check, `/admin/queues` for the dashboard).
   */
  mounts: string[];
}

function join(prefix: string, path: string): string {
  if (path === '/' || path === '') return prefix || '/';
  return `${prefix.replace(/\/$/, '')}${path.startsWith('/') ? '' : '/'}${path}`;
}

function walk(router: RouterLike, prefix: string, tree: RouteTree): void {
  for (const layer of router.stack) {
    if (layer.route) {
      const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
      const methods = Object.keys(layer.route.methods)
        .filter((m) => m !== '_all')
        .map((m) => m.toUpperCase());
      if (layer.route.methods._all) methods.push('ALL');
      for (const path of paths) for (const method of methods) tree.routes.push({ method, path: join(prefix, path) });
      continue;
    }
    const raw = layer.rawPath;
    const paths = (Array.isArray(raw) ? raw : [raw]).filter((p): p is string => typeof p === 'string');
    if (Array.isArray(layer.handle?.stack)) {
      for (const path of paths.length > 0 ? paths : ['/']) {
        // A router's own middleware answers too (a preflight, an unknown site's 404).
        if (path !== '/' && path !== '') tree.mounts.push(join(prefix, path));
        walk(layer.handle as RouterLike, join(prefix, path), tree);
      }
    } else {
      for (const path of paths) if (path !== '/' && path !== '') tree.mounts.push(join(prefix, path));
    }
  }
}

/** The router of an Express app (`app.router`), or the router itself. */
function routerOf(appOrRouter: unknown): RouterLike {
  const candidate = (appOrRouter as { router?: RouterLike }).router ?? (appOrRouter as RouterLike);
  if (!Array.isArray(candidate?.stack)) throw new TypeError('not an Express app or router');
  return candidate;
}

/**
 * Every route an Express app or router declares, nested routers included, from the
 * routers' own stacks: what the OpenAPI test and the metrics' route labels rely on, so a
 * new route cannot be left out of either.
 */
export function declaredRoutes(appOrRouter: unknown): RouteTree {
  const tree: RouteTree = { routes: [], mounts: [] };
  walk(routerOf(appOrRouter), '', tree);
  return tree;
}

/** `/v1/comments/:id/status` → `/v1/comments/{id}/status`, as OpenAPI writes path templates. */
export function toOpenApiPath(path: string): string {
  return path.replace(/:(\w+)/g, '{$1}');
}

type Matcher = { template: string; method: string; matches: (path: string) => boolean };

/** Names the route template a request path belongs to, for labels that stay few (metrics, logs). */
export class RouteNamer {
  private readonly matchers: Matcher[];

  constructor(tree: RouteTree) {
    const routes: Matcher[] = tree.routes.map((r) => ({
      template: r.path,
      method: r.method,
      matches: compile(r.path, true),
    }));
    // The longest mount first, so `/v1/moderation/x` is not counted under a shorter one.
    const mounts: Matcher[] = [...tree.mounts]
      .sort((a, b) => b.length - a.length)
      .map((mount) => ({ template: `${mount.replace(/\/$/, '')}/*`, method: 'ALL', matches: compile(mount, false) }));
    this.matchers = [...routes, ...mounts];
  }

  /** The template of the route (or mount) that answers `method path`, or `unmatched`. */
  name(method: string, path: string): string {
    const wanted = method === 'HEAD' ? ['HEAD', 'GET', 'ALL'] : [method, 'ALL'];
    for (const m of this.matchers) {
      if (wanted.includes(m.method) && m.matches(path)) return m.template;
    }
    return 'unmatched';
  }
}

function compile(template: string, end: boolean): (path: string) => boolean {
  try {
    const fn = match(template, { end, trailing: true, decode: false });
    return (path) => fn(path) !== false;
  } catch {
    return () => false;
  }
}

const namers = new WeakMap<object, RouteNamer>();
const named = new WeakMap<Request, string>();

/**
 * The route template of a request to an Express app, e.g. `/v1/sites/:siteKey/comments`,
 * or `unmatched`. The app's routes are read once, at the first request (when every
 * route is registered).
 */
export function routeTemplateOf(req: Request): string {
  const cached = named.get(req);
  if (cached) return cached;
  let namer = namers.get(req.app);
  if (!namer) {
    namer = new RouteNamer(declaredRoutes(req.app));
    namers.set(req.app, namer);
  }
  const path = (req.originalUrl ?? req.url).split('?')[0];
  const template = namer.name(req.method, path);
  named.set(req, template);
  return template;
}
