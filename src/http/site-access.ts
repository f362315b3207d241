import type { Request, Response } from 'express';
import { ApiError } from '../errors';
import type { Site } from '../sites/site-repository';

/**
 * The browser rule of the public API: a request that carries an Origin must come
 * from one of the site's origins, and only those are named in CORS answers.
 * Requests without Origin (servers, curl) are allowed.
 */
export function allowSiteOrigin(site: Site, req: Request, res: Response): void {
  res.vary('Origin');
  const origin = req.get('origin');
  if (origin === undefined) return;
  if (!site.origins.includes(origin)) {
    throw ApiError.originNotAllowed(origin);
  }
  res.set('Access-Control-Allow-Origin', origin);
  res.set('Access-Control-Expose-Headers', 'ETag, Retry-After');
}

/** What allowSiteOrigin answers a browser whose origin the site does not list, for a request that has no site. */
export function refuseOrigin(req: Request, res: Response): void {
  res.vary('Origin');
  const origin = req.get('origin');
  if (origin !== undefined) throw ApiError.originNotAllowed(origin);
}

/** Answers a CORS preflight that allowSiteOrigin has accepted. */
export function answerPreflight(res: Response): void {
  res.set('Access-Control-Allow-Methods', 'GET, POST');
  res.set('Access-Control-Allow-Headers', 'Content-Type, Authorization');
  res.set('Access-Control-Max-Age', '600');
  res.status(204).end();
}
