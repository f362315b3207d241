import type { Response } from 'express';
import type { MailLinkService } from '../mail/mail-link-service';
import { type MailPage, renderMailPage } from '../mail/mail-pages';
import { html, type Route, route } from './route';

const LINKS = [
  { path: 'act', what: 'a moderator’s approve, reject or spam link' },
  { path: 'confirm', what: 'the confirmation of an address' },
  { path: 'unsubscribe', what: 'an unsubscribe link' },
] as const;

/** Nothing of these pages is cached or framed; a page loads nothing and posts only to this server. */
function answer(res: Response, page: MailPage): void {
  res
    .status(page.status)
    .set({
      'Cache-Control': 'no-store',
      'Content-Security-Policy':
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
      'Referrer-Policy': 'no-referrer',
    })
    .type('html')
    .send(renderMailPage(page));
}

/**
 * The pages the links in mails open. A GET only shows the page and its one POST
 * button (mail scanners follow links); the POST acts. A mail client's RFC 8058
 * one-click unsubscribe is that same POST.
 */
export function mailRoutes(links: MailLinkService): Route[] {
  return LINKS.flatMap(({ path, what }) => [
    route({
      method: 'get',
      path: `/mail/${path}/:token`,
      tag: 'Browser pages',
      summary: `The page of ${what}`,
      description: 'Changes nothing: shows a button whose form POSTs to the same URL.',
      responses: {
        200: html('The page.'),
        400: html('A forged link.'),
        404: html('Nothing left to do.'),
        410: html('An expired link.'),
      },
      handler: async ({ res, params }) => answer(res, await links.show(path, params.token)),
    }),
    route({
      method: 'post',
      path: `/mail/${path}/:token`,
      tag: 'Browser pages',
      summary: `Carry out ${what}`,
      description:
        'Single-use for action links; a forged, expired or used link answers a 4xx page and changes nothing.',
      responses: {
        200: html('Done.'),
        400: html('A forged link.'),
        403: html('The moderator may no longer do this.'),
        404: html('Nothing left to do.'),
        409: html('A link already used.'),
        410: html('An expired link.'),
      },
      handler: async ({ res, params }) => answer(res, await links.perform(path, params.token)),
    }),
  ]);
}
