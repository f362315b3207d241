import { escapeHtml, plainText } from './mail-text';
import { type MailLanguage, STRINGS, type Strings } from './templates-i18n';

/** A mail's content: every mail has a plain-text part and an HTML part. */
export interface MailContent {
  subject: string;
  text: string;
  html: string;
}

/** A comment as a mail shows it: its sanitized HTML only, never an address or IP. */
export interface MailComment {
  authorName: string;
  html: string;
  /** The page's title, or its URL or id. */
  page: string;
  reasons: string[];
}

export interface ModeratorLinks {
  approve: string;
  reject: string;
  spam: string;
  open: string;
}

export interface HeldEntry {
  comment: MailComment;
  links: ModeratorLinks;
}

export interface ReplyEntry {
  reply: MailComment;
  /** The start of the reader's own comment. */
  ownExcerpt: string;
  /** `pageUrl#comment-ID`. */
  url: string;
}

/** The unsubscribe links of a mail: the thread's (or the subscription's) and, for readers, the whole site's. */
export interface UnsubscribeLinks {
  thread: string;
  site?: string;
}

const link = (href: string, label: string) => `<a href="${escapeHtml(href)}">${escapeHtml(label)}</a>`;

function layout(options: { lang: MailLanguage; title: string; body: string; footer?: string }): string {
  return [
    `<!doctype html><html lang="${options.lang}"><head><meta charset="utf-8"><title>${escapeHtml(options.title)}</title></head>`,
    '<body style="font-family:system-ui,sans-serif;line-height:1.5;max-width:40em;margin:auto;padding:1em">',
    options.body,
    options.footer ? `<hr><p style="font-size:small;color:#555">${options.footer}</p>` : '',
    '</body></html>',
  ].join('');
}

function unsubscribeParts(t: Strings, links: UnsubscribeLinks, moderator: boolean) {
  const entries: [string, string][] = [[moderator ? t.unsubscribeModerator : t.unsubscribeThread, links.thread]];
  if (links.site) entries.push([t.unsubscribeSite, links.site]);
  return {
    text: entries.map(([label, href]) => `${label}: ${href}`).join('\n'),
    html: entries.map(([label, href]) => link(href, label)).join(' · '),
  };
}

function quote(comment: MailComment) {
  return `<blockquote style="border-left:3px solid #ccc;margin:0;padding-left:1em">${comment.html}</blockquote>`;
}

function heldParts(t: Strings, entry: HeldEntry) {
  const { comment, links } = entry;
  const actions: [string, string][] = [
    [t.approve, links.approve],
    [t.reject, links.reject],
    [t.spam, links.spam],
    [t.openQueue, links.open],
  ];
  const reasons = comment.reasons.length > 0 ? comment.reasons : ['-'];
  return {
    text: [
      t.heldIntro(comment.authorName, comment.page),
      '',
      plainText(comment.html),
      '',
      `${t.whyHeld}:`,
      ...reasons.map((r) => `- ${r}`),
      '',
      ...actions.map(([label, href]) => `${label}: ${href}`),
    ].join('\n'),
    html: [
      `<p>${escapeHtml(t.heldIntro(comment.authorName, comment.page))}</p>`,
      quote(comment),
      `<p><strong>${escapeHtml(t.whyHeld)}</strong></p><ul>${reasons.map((r) => `<li>${escapeHtml(r)}</li>`).join('')}</ul>`,
      `<p>${actions.map(([label, href]) => link(href, label)).join(' · ')}</p>`,
    ].join(''),
  };
}

function replyParts(t: Strings, entry: ReplyEntry) {
  const { reply } = entry;
  return {
    text: [
      t.replyIntro(reply.authorName, reply.page),
      '',
      plainText(reply.html),
      '',
      `${t.yourComment}: “${entry.ownExcerpt}”`,
      '',
      `${t.readReply}: ${entry.url}`,
    ].join('\n'),
    html: [
      `<p>${escapeHtml(t.replyIntro(reply.authorName, reply.page))}</p>`,
      quote(reply),
      `<p style="color:#555">${escapeHtml(t.yourComment)}: “${escapeHtml(entry.ownExcerpt)}”</p>`,
      `<p>${link(entry.url, t.readReply)}</p>`,
    ].join(''),
  };
}

function assemble(options: {
  lang: MailLanguage;
  subject: string;
  parts: { text: string; html: string }[];
  footer?: { text: string; html: string };
}): MailContent {
  const { lang, subject, parts, footer } = options;
  return {
    subject,
    text: [...parts.map((p) => p.text), ...(footer ? [`--\n${footer.text}`] : [])].join('\n\n') + '\n',
    html: layout({ lang, title: subject, body: parts.map((p) => p.html).join('<hr>'), footer: footer?.html }),
  };
}

export function confirmMail(options: { lang: MailLanguage; site: string; confirmUrl: string }): MailContent {
  const t = STRINGS[options.lang];
  return assemble({
    lang: options.lang,
    subject: t.confirmSubject(options.site),
    parts: [
      {
        text: `${t.confirmIntro(options.site)}\n\n${t.confirmButton}: ${options.confirmUrl}\n\n${t.confirmIgnore}`,
        html: `<p>${escapeHtml(t.confirmIntro(options.site))}</p><p>${link(options.confirmUrl, t.confirmButton)}</p><p>${escapeHtml(t.confirmIgnore)}</p>`,
      },
    ],
  });
}

export function heldMail(options: {
  lang: MailLanguage;
  site: string;
  entry: HeldEntry;
  unsubscribe: UnsubscribeLinks;
}): MailContent {
  const t = STRINGS[options.lang];
  return assemble({
    lang: options.lang,
    subject: t.heldSubject(options.site, options.entry.comment.authorName),
    parts: [heldParts(t, options.entry)],
    footer: unsubscribeParts(t, options.unsubscribe, true),
  });
}

export function digestMail(options: {
  lang: MailLanguage;
  site: string;
  entries: HeldEntry[];
  unsubscribe: UnsubscribeLinks;
}): MailContent {
  const t = STRINGS[options.lang];
  const count = options.entries.length;
  return assemble({
    lang: options.lang,
    subject: t.digestSubject(options.site, count),
    parts: [
      { text: t.digestIntro(count), html: `<p>${escapeHtml(t.digestIntro(count))}</p>` },
      ...options.entries.map((e) => heldParts(t, e)),
    ],
    footer: unsubscribeParts(t, options.unsubscribe, true),
  });
}

export function replyMail(options: {
  lang: MailLanguage;
  site: string;
  entries: ReplyEntry[];
  unsubscribe: UnsubscribeLinks;
}): MailContent {
  const t = STRINGS[options.lang];
  const [first] = options.entries;
  const single = options.entries.length === 1;
  const count = options.entries.length;
  return assemble({
    lang: options.lang,
    subject: single ? t.replySubject(options.site, first.reply.authorName) : t.replyDigestSubject(options.site, count),
    parts: [
      ...(single ? [] : [{ text: t.replyDigestIntro(count), html: `<p>${escapeHtml(t.replyDigestIntro(count))}</p>` }]),
      ...options.entries.map((e) => replyParts(t, e)),
    ],
    footer: unsubscribeParts(t, options.unsubscribe, false),
  });
}

export function testMail(): MailContent {
  const t = STRINGS.en;
  return assemble({ lang: 'en', subject: t.testSubject, parts: [{ text: t.testBody, html: `<p>${t.testBody}</p>` }] });
}
