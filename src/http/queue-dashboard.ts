import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { TokenService } from '../auth/token-service';
import { ApiError } from '../errors';
import { bearerToken, requireRole } from './auth';
import { TOKEN } from './examples';
import { html, noContent, type Route, route } from './route';
import { type Mount, mount } from './route-registry';

export interface QueueDashboardOptions {
  tokens: TokenService;
  /** The queues to show (moderation, feedback, webhooks, ...). */
  queues: Queue[];
}

export const DASHBOARD_PATH = '/admin/queues';
/** The sign-in cookie: it holds the admin token, so it is HttpOnly, SameSite=Strict and sent to the dashboard's path only. */
export const DASHBOARD_COOKIE = 'parley_queues';

/**
 * Bull Board's page links Google's fonts: the link is taken out of the page (see
 * withoutExternalLinks), and this policy keeps every other request on this server too.
 * Its scripts are files; it styles elements inline.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const PAGE_HEADERS = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

function signInPage(problem?: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Sign in · Parley queues</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 26rem; margin: 4rem auto; padding: 0 1rem; color: #222; }
  label, input, button { display: block; width: 100%; box-sizing: border-box; }
  input { font: inherit; padding: .5rem; margin: .25rem 0 1rem; }
  button { font: inherit; padding: .5rem; cursor: pointer; }
  .problem { color: #b00020; }
</style>
</head>
<body>
<h1>Parley queues</h1>
<p>The queue dashboard is for admins. Sign in with an admin token (<code>npx parley tokens create --role admin</code>).</p>
${problem ? `<p class="problem" role="alert">${escapeHtml(problem)}</p>` : ''}
<form method="post" action="${DASHBOARD_PATH}/login">
  <label for="token">Admin token</label>
  <input id="token" name="token" type="password" autocomplete="off" required autofocus>
  <button type="submit">Sign in</button>
</form>
</body>
</html>
`;
}

function cookieToken(req: Request): string | undefined {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === DASHBOARD_COOKIE) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim()) || undefined;
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/**
 * A request that changes something must come from this server's own pages.
 * SameSite=Strict already keeps other sites' requests from carrying the cookie; this
 * also refuses other origins of the same site (a sibling subdomain). Browsers say
 * where a request comes from in `Sec-Fetch-Site`, which no proxy rewrites; without it,
 * the `Origin` host must be this host (the scheme is not compared: behind a TLS proxy
 * the request arrives as http).
 */
function sameOrigin(req: Request): boolean {
  const site = req.get('sec-fetch-site');
  if (site) return site === 'same-origin' || site === 'none';
  const origin = req.get('origin');
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === req.get('host');
  } catch {
    return false;
  }
}

function cookie(req: Request, value: string, maxAgeSeconds?: number): string {
  return [
    `${DASHBOARD_COOKIE}=${encodeURIComponent(value)}`,
    `Path=${DASHBOARD_PATH}`,
    'HttpOnly',
    'SameSite=Strict',
    ...(req.secure ? ['Secure'] : []),
    ...(maxAgeSeconds !== undefined ? [`Max-Age=${maxAgeSeconds}`] : []),
  ].join('; ');
}

/** Drops `<link>`s to other hosts (Bull Board's Google Fonts stylesheet): the page falls back to system fonts. */
export function withoutExternalLinks(html: string): string {
  return html.replace(/<link\b[^>]*\bhref="(?:https?:)?\/\/[^"]*"[^>]*>/gi, '');
}

const wantsPage = (req: Request) => req.method === 'GET' && req.accepts(['json', 'html']) === 'html';

/**
 * The queue dashboard (Bull Board) at `/admin/queues`, for admin tokens only.
 *
 * A browser cannot send a bearer header when it navigates, so besides
 * `Authorization: Bearer <token>` the dashboard takes the token once through a sign-in
 * form (`/admin/queues/login`), which keeps it in a cookie that is HttpOnly (no script
 * reads it), SameSite=Strict (no other site's page can make the browser send it),
 * limited to `/admin/queues` (the API never sees it), Secure over HTTPS, and gone when
 * the browser closes. The token is checked again on every request, so revoking it
 * signs the browser out. The token never travels in a URL, where logs and history
 * would keep it.
 */
export function queueDashboard(options: QueueDashboardOptions): (Route | Mount)[] {
  const adapter = new ExpressAdapter();
  adapter.setBasePath(DASHBOARD_PATH);
  createBullBoard({
    queues: options.queues.map((queue) => new BullMQAdapter(queue)),
    serverAdapter: adapter,
    options: { uiConfig: { boardTitle: 'Parley queues' } },
  });
  const board = adapter.getRouter() as express.Express;
  // bull-board's own Express app would announce itself: the main app's setting does not reach a mounted app.
  board.disable('x-powered-by');
  const admin = requireRole(options.tokens, 'admin');

  const form = express.urlencoded({ extended: false, limit: 4096 });

  const guard = async (req: Request, res: Response, next: NextFunction) => {
    const fromCookie = bearerToken(req) ? undefined : cookieToken(req);
    if (fromCookie) {
      if (req.method !== 'GET' && req.method !== 'HEAD' && !sameOrigin(req)) {
        throw ApiError.forbidden('Requests that change queues must come from the dashboard itself.');
      }
      // requireRole reads the bearer header; the cookie stands in for it.
      req.headers.authorization = `Bearer ${fromCookie}`;
    }
    try {
      await admin(req, res, () => undefined);
    } catch (err) {
      // A browser that is not (or no longer) signed in goes to the form rather than a JSON error.
      if (err instanceof ApiError && err.status === 401 && wantsPage(req)) {
        if (fromCookie) res.set('Set-Cookie', cookie(req, '', 0));
        res.set('Cache-Control', 'no-store').redirect(303, `${DASHBOARD_PATH}/login`);
        return;
      }
      throw err;
    }
    res.set(PAGE_HEADERS);
    if (req.path.startsWith('/static/')) res.set('Cache-Control', 'private, max-age=3600');
    // The page is rendered as a string (res.render → res.send): take its external links out.
    const send = res.send.bind(res);
    res.send = (body?: unknown) =>
      send(typeof body === 'string' && /^\s*<!DOCTYPE html/i.test(body) ? withoutExternalLinks(body) : body);
    next();
  };

  return [
    route({
      method: 'get',
      path: `${DASHBOARD_PATH}/login`,
      tag: 'Operations',
      summary: 'Sign-in page of the queue dashboard',
      responses: { 200: html('A form that asks for an admin token.') },
      handler: ({ res }) => {
        res.set(PAGE_HEADERS).type('html').send(signInPage());
      },
    }),
    route({
      method: 'post',
      path: `${DASHBOARD_PATH}/login`,
      tag: 'Operations',
      summary: 'Sign in to the queue dashboard',
      description:
        'Checks the admin token and keeps it in an `HttpOnly`, `SameSite=Strict` cookie limited to `/admin/queues` (and `Secure` over HTTPS) until the browser closes or `POST /admin/queues/logout`.',
      formBody: {
        type: 'object',
        properties: {
          token: { type: 'string', description: 'An admin token.', examples: [TOKEN] },
        },
        required: ['token'],
      },
      responses: {
        303: noContent('Signed in: on to `/admin/queues`.'),
        401: html('Not an active admin token: the form again, with the reason.'),
      },
      errors: [403],
      use: [form],
      handler: async ({ req, res }) => {
        if (!sameOrigin(req)) throw ApiError.forbidden("Sign in from this server's own page.");
        const token = typeof req.body?.token === 'string' ? req.body.token.trim() : '';
        const principal = token ? await options.tokens.authenticate(token) : undefined;
        if (!principal || principal.role !== 'admin') {
          res
            .status(401)
            .set(PAGE_HEADERS)
            .type('html')
            .send(signInPage(principal ? 'That is not an admin token.' : 'That token is not valid (or was revoked).'));
          return;
        }
        res.set('Set-Cookie', cookie(req, token)).set('Cache-Control', 'no-store').redirect(303, DASHBOARD_PATH);
      },
    }),
    route({
      method: 'post',
      path: `${DASHBOARD_PATH}/logout`,
      tag: 'Operations',
      summary: 'Sign out of the queue dashboard',
      responses: { 303: noContent('Signed out: on to the sign-in page.') },
      errors: [403],
      handler: ({ req, res }) => {
        if (!sameOrigin(req)) throw ApiError.forbidden("Sign out from this server's own page.");
        res
          .set('Set-Cookie', cookie(req, '', 0))
          .set('Cache-Control', 'no-store')
          .redirect(303, `${DASHBOARD_PATH}/login`);
      },
    }),
    {
      ...mount(DASHBOARD_PATH, guard, board),
      operations: [
        {
          method: 'get',
          path: DASHBOARD_PATH,
          tag: 'Operations',
          auth: 'dashboard',
          summary: 'The queue dashboard (Bull Board)',
          description:
            'Admin tokens only: `Authorization: Bearer <token>`, or the cookie that `POST /admin/queues/login` sets. A browser without either is sent to the sign-in page. ' +
            "The dashboard's own scripts and JSON API live under this path too.",
          responses: {
            200: html('The dashboard.'),
            303: noContent('Not signed in: see `/admin/queues/login`.'),
          },
          errors: [401, 403],
        },
      ],
    },
  ];
}
