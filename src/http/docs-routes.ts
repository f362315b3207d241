import path from 'node:path';
import { ApiError } from '../errors';
import { html, type Route, route } from './route';

export interface DocsRoutesOptions {
  /** The OpenAPI document of the app. */
  document: () => unknown;
}

/** swagger-ui-dist's folder, from the package itself (no CDN: the page loads only from this server). */
const SWAGGER_UI_DIR = path.dirname(require.resolve('swagger-ui-dist/package.json'));

/** The files of swagger-ui-dist the page uses; nothing else in that folder is served. */
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
};

/**
 * Swagger UI's own start-up script would load a sample API from the internet; this one
 * loads ours, and turns off the validator badge (which asks an outside service).
 */
const INIT_SCRIPT = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
    defaultModelsExpandDepth: 0,
  });
});
`;

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Parley API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
<link rel="icon" type="image/png" href="/docs/favicon-32x32.png" sizes="32x32">
<link rel="icon" type="image/png" href="/docs/favicon-16x16.png" sizes="16x16">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>
`;

/** Only this server: Swagger UI styles some elements inline, nothing else is relaxed. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * `GET /openapi.json`, and `GET /docs`: Swagger UI from the swagger-ui-dist package,
 * served by Parley itself. The document is built at the first request, when every route
 * of the app is registered.
 */
export function docsRoutes(options: DocsRoutesOptions): Route[] {
  let document: string | undefined;
  return [
    route({
      method: 'get',
      path: '/openapi.json',
      tag: 'Operations',
      summary: 'This document (OpenAPI 3.1)',
      responses: { 200: { description: 'The OpenAPI document.', contentType: 'application/json' } },
      handler: ({ res }) => {
        document ??= JSON.stringify(options.document());
        res.set({
          'Content-Type': 'application/json; charset=utf-8',
          'Cache-Control': 'no-cache',
          'Access-Control-Allow-Origin': '*',
        });
        res.send(document);
      },
    }),
    route({
      method: 'get',
      path: '/docs',
      tag: 'Operations',
      summary: 'This documentation, rendered (Swagger UI, served locally)',
      responses: { 200: html('The documentation page.') },
      handler: ({ res }) => {
        res.set({
          'Content-Type': 'text/html; charset=utf-8',
          'Cache-Control': 'no-cache',
          'Content-Security-Policy': CONTENT_SECURITY_POLICY,
          'X-Content-Type-Options': 'nosniff',
          'Referrer-Policy': 'no-referrer',
        });
        res.send(PAGE);
      },
    }),
    route({
      method: 'get',
      path: '/docs/:asset',
      tag: 'Operations',
      summary: 'Scripts, styles and icons of the documentation page',
      responses: { 200: { description: 'The file.', contentType: 'application/octet-stream' } },
      errors: [404],
      handler: ({ res, params }) => {
        res.set({ 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'public, max-age=3600' });
        if (params.asset === 'init.js') {
          res.type('text/javascript; charset=utf-8').send(INIT_SCRIPT);
          return;
        }
        const type = ASSETS[params.asset];
        if (!type) throw ApiError.notFound('File');
        return new Promise<void>((resolve, reject) => {
          res.sendFile(path.join(SWAGGER_UI_DIR, params.asset), { headers: { 'Content-Type': type } }, (err) =>
            err ? reject(ApiError.notFound('File')) : resolve(),
          );
        });
      },
    }),
  ];
}
