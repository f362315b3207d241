import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Request, Response } from 'express';
import { ApiError } from '../errors';
import { html, type Route, route } from './route';

export interface ModeratorUiOptions {
  /** Where scripts/build-ui.js wrote the UI (default: dist/moderator-ui in the package). */
  assetDir?: string;
}

interface Asset {
  body: Buffer;
  etag: string;
  version: string;
  mtimeMs: number;
}

const CONTENT_TYPES = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
} as const;
type AssetName = keyof typeof CONTENT_TYPES;

/**
 * The page loads only its own script and stylesheet and talks only to this server;
 * comment links open elsewhere but nothing is fetched from another host.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** A year: the asset URLs carry a content hash, so a new build is a new URL. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/** The same function as scripts/build-ui.js uses for the `?v=` in index.html. */
export function assetVersion(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex').slice(0, 16);
}

/** The package root (the folder with package.json), from src/http or dist/src/http alike. */
function packageRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(from, '..', '..');
  }
}

/**
 * The moderator UI: `GET /moderation` (the page) and its two bundled assets, built by
 * `npm run build` into dist/moderator-ui. The page revalidates every time (ETag, 304);
 * the assets are cached for a year when asked for under their current `?v=` hash, and
 * revalidated otherwise. Files are re-read when a rebuild changes them.
 */
export function moderatorUiRoutes(options: ModeratorUiOptions = {}): Route[] {
  const assetDir = options.assetDir ?? path.join(packageRoot(__dirname), 'dist', 'moderator-ui');
  const cache = new Map<AssetName, Asset>();

  async function load(name: AssetName): Promise<Asset> {
    const file = path.join(assetDir, name);
    let stat;
    try {
      stat = await fs.stat(file);
    } catch {
      throw ApiError.unavailable('ui_not_built');
    }
    const cached = cache.get(name);
    if (cached && cached.mtimeMs === stat.mtimeMs) return cached;
    const body = await fs.readFile(file);
    const asset = {
      body,
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
      version: assetVersion(body),
      mtimeMs: stat.mtimeMs,
    };
    cache.set(name, asset);
    return asset;
  }

  async function send(req: Request, res: Response, name: AssetName): Promise<void> {
    const asset = await load(name);
    res.set({
      'Content-Type': CONTENT_TYPES[name],
      ETag: asset.etag,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
    });
    if (name === 'index.html') {
      res.set({
        'Cache-Control': 'no-cache',
        'Content-Security-Policy': CONTENT_SECURITY_POLICY,
        'X-Frame-Options': 'DENY',
      });
    } else {
      res.set('Cache-Control', req.query.v === asset.version ? IMMUTABLE : 'no-cache');
    }
    // res.send answers 304 when If-None-Match matches the ETag set above.
    res.send(asset.body);
  }

  const page = { tag: 'Browser pages', errors: [503] } as const;
  return [
    route({
      ...page,
      method: 'get',
      path: '/moderation',
      summary: 'The moderator UI',
      responses: { 200: html('The page (it signs in with a token).') },
      handler: ({ req, res }) => send(req, res, 'index.html'),
    }),
    route({
      ...page,
      method: 'get',
      path: '/moderation/app.js',
      summary: "The moderator UI's script",
      responses: { 200: { description: 'The script.', contentType: 'text/javascript' } },
      handler: ({ req, res }) => send(req, res, 'app.js'),
    }),
    route({
      ...page,
      method: 'get',
      path: '/moderation/app.css',
      summary: "The moderator UI's styles",
      responses: { 200: { description: 'The stylesheet.', contentType: 'text/css' } },
      handler: ({ req, res }) => send(req, res, 'app.css'),
    }),
  ];
}
