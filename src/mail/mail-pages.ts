import { escapeHtml } from './mail-text';
import type { MailComment } from './templates';
import type { MailLanguage } from './templates-i18n';

/** A page that a link in a mail opens: a message, maybe a comment, maybe one button. */
export interface MailPage {
  status: number;
  lang: MailLanguage;
  title: string;
  message?: string;
  comment?: MailComment & { byOn: string };
  /** A form whose method is POST: only the POST acts, so a scanner that follows links changes nothing. */
  form?: { action: string; button: string };
}

export function renderMailPage(page: MailPage): string {
  const comment = page.comment
    ? `<p>${escapeHtml(page.comment.byOn)}</p><blockquote>${page.comment.html}</blockquote>`
    : '';
  const form = page.form
    ? `<form method="post" action="${escapeHtml(page.form.action)}"><button type="submit">${escapeHtml(page.form.button)}</button></form>`
    : '';
  return [
    `<!doctype html><html lang="${page.lang}"><head><meta charset="utf-8">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">',
    `<title>${escapeHtml(page.title)}</title>`,
    '<style>body{font-family:system-ui,sans-serif;line-height:1.5;max-width:36em;margin:2em auto;padding:0 1em}',
    'blockquote{border-left:3px solid #ccc;margin:1em 0;padding-left:1em}button{font-size:1.1em;padding:.5em 1.2em}</style>',
    `</head><body><h1>${escapeHtml(page.title)}</h1>`,
    page.message ? `<p>${escapeHtml(page.message)}</p>` : '',
    comment,
    form,
    '</body></html>',
  ].join('');
}
