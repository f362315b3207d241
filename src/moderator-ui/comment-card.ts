// Browser code: one comment in the queue, as a moderator needs to see it.
import type { Action, CommentDetail, Counts, Filters, Finding, ModComment, Status } from './api';
import { externalLink, h, publishedHtml, replaceChildren, uniqueId } from './dom';
import { absoluteTime, relativeTime } from './time';

export const ACTION_LABEL: Record<Action, string> = {
  approve: 'Approve',
  reject: 'Reject',
  spam: 'Spam',
  hold: 'Hold',
};
export const ACTION_KEY: Record<Action, string> = { approve: 'a', reject: 'r', spam: 's', hold: 'h' };

/** What a moderator can do from a status: every move but to where it already is; nothing once deleted. */
export function actionsFor(status: Status): Action[] {
  switch (status) {
    case 'deleted':
      return [];
    case 'held':
    case 'pending':
      return ['approve', 'reject', 'spam'];
    case 'approved':
      return ['hold', 'reject', 'spam'];
    case 'spam':
      return ['approve', 'hold', 'reject'];
    case 'rejected':
      return ['approve', 'hold', 'spam'];
  }
}

export interface CardContext {
  siteName(key: string): string;
  onAction(id: string, action: Action): void;
  onSelect(id: string, selected: boolean): void;
  onFilter(filters: Partial<Filters>): void;
  loadDetail(id: string): Promise<CommentDetail>;
}

export interface Card {
  comment: ModComment;
  element: HTMLLIElement;
  /** What keyboard navigation focuses. */
  focusTarget: HTMLElement;
  setSelected(selected: boolean): void;
  setCurrent(current: boolean): void;
  setBusy(busy: boolean): void;
}

export function commentCard(comment: ModComment, context: CardContext): Card {
  const { author } = comment;
  const headingId = uniqueId('author');
  const checkbox = h('input', {
    type: 'checkbox',
    class: 'select',
    'aria-label': `Select the comment by ${author.name}`,
    onchange: () => context.onSelect(comment.id, checkbox.checked),
  });
  const actions = actionsFor(comment.status);
  const buttons = actions.map((action) =>
    h(
      'button',
      {
        type: 'button',
        class: `action action-${action}`,
        'aria-keyshortcuts': ACTION_KEY[action],
        onclick: () => context.onAction(comment.id, action),
      },
      ACTION_LABEL[action],
    ),
  );

  const article = h(
    'article',
    { class: 'card-body', tabindex: -1, 'aria-labelledby': headingId, 'data-comment-id': comment.id },
    h(
      'header',
      { class: 'card-head' },
      checkbox,
      avatar(author.name, author.email),
      h(
        'div',
        { class: 'who' },
        h('h3', { id: headingId, class: 'author-name' }, author.name),
        h(
          'p',
          { class: 'author-meta' },
          h(
            'button',
            {
              type: 'button',
              class: 'link',
              title: 'Show every comment from this email',
              onclick: () => context.onFilter({ email: author.email }),
            },
            author.email,
          ),
          author.ip && h('span', { class: 'ip' }, h('span', { class: 'label' }, 'IP '), author.ip),
          author.website && externalLink(author.website, author.website, { class: 'website' }),
        ),
      ),
    ),
    h(
      'p',
      { class: 'where' },
      'On ',
      externalLink(comment.pageUrl, comment.pageTitle || comment.pageId, { class: 'page' }),
      ' · ',
      h(
        'button',
        {
          type: 'button',
          class: 'link',
          title: 'Show only comments on this page',
          onclick: () => context.onFilter({ site: comment.siteKey, pageId: comment.pageId }),
        },
        'this page only',
      ),
      ' · ',
      h('span', { class: 'site' }, context.siteName(comment.siteKey)),
      ' · ',
      h(
        'time',
        { datetime: comment.createdAt, title: absoluteTime(comment.createdAt) },
        relativeTime(comment.createdAt),
      ),
      comment.editedAt && h('span', { class: 'edited', title: absoluteTime(comment.editedAt) }, ' · edited'),
      comment.parentId && h('span', { class: 'reply' }, ' · a reply'),
    ),
    h('div', { class: 'published', 'aria-label': 'The comment as it will be published' }, publishedHtml(comment.html)),
    findingsSection(comment),
    h(
      'details',
      { class: 'raw' },
      h('summary', null, comment.originalText ? 'Text (edited) and as first sent' : 'Text as sent'),
      h('pre', null, comment.text),
      comment.originalText && h('pre', { 'aria-label': 'As first sent' }, comment.originalText),
    ),
    contextDetails(comment, context),
    actions.length > 0 &&
      h('div', { class: 'actions', role: 'group', 'aria-label': `Actions for the comment by ${author.name}` }, buttons),
  );
  const element = h('li', { class: 'card', 'data-id': comment.id }, article);

  return {
    comment,
    element,
    focusTarget: article,
    setSelected(selected) {
      checkbox.checked = selected;
      element.classList.toggle('selected', selected);
    },
    setCurrent(current) {
      element.classList.toggle('current', current);
      article.tabIndex = current ? 0 : -1;
    },
    setBusy(busy) {
      element.classList.toggle('busy', busy);
      element.setAttribute('aria-busy', String(busy));
      for (const button of buttons) button.disabled = busy;
    },
  };
}

function findingsSection(comment: ModComment): HTMLElement {
  const title = comment.status === 'held' ? 'Why it was held' : 'What the checks found';
  const headingId = uniqueId('findings');
  return h(
    'section',
    { class: 'findings', 'aria-labelledby': headingId },
    h('h4', { id: headingId }, title),
    comment.findings.length === 0
      ? h('p', { class: 'none' }, 'No check had anything to say.')
      : h('ul', null, comment.findings.map(findingItem)),
  );
}

function findingItem(finding: Finding): HTMLElement {
  return h(
    'li',
    { class: 'finding' },
    h('span', { class: `verdict verdict-${finding.verdict}` }, finding.verdict),
    ' ',
    h('span', { class: 'check' }, finding.check),
    ': ',
    h('span', { class: 'reason' }, finding.reason),
    typeof finding.score === 'number' && h('span', { class: 'score' }, ` (score ${formatScore(finding.score)})`),
  );
}

/** The thread and the author's history, loaded when first opened. */
function contextDetails(comment: ModComment, context: CardContext): HTMLElement {
  const content = h('div', { class: 'context-content' }, 'Loading…');
  let loaded = false;
  const details = h(
    'details',
    {
      class: 'context',
      ontoggle: () => {
        if (!details.open || loaded) return;
        loaded = true;
        context.loadDetail(comment.id).then(
          (detail) => replaceChildren(content, detailView(detail, context)),
          (err: Error) => {
            loaded = false;
            replaceChildren(content, h('p', { class: 'error' }, `Could not load: ${err.message}`));
          },
        );
      },
    },
    h('summary', null, 'Thread and author history'),
    content,
  );
  return details;
}

function detailView(detail: CommentDetail, context: CardContext): HTMLElement {
  const { parent, history } = detail;
  return h(
    'div',
    null,
    parent
      ? h(
          'div',
          { class: 'parent' },
          h('h4', null, `In reply to ${parent.author.name}`, h('span', { class: 'status-badge' }, parent.status)),
          h('div', { class: 'published' }, publishedHtml(parent.html)),
        )
      : null,
    h('h4', null, 'This author on record'),
    h('p', { class: 'history-counts' }, historyCounts(history.counts)),
    history.recent.length > 0 &&
      h(
        'ul',
        { class: 'history' },
        history.recent.map((c) =>
          h(
            'li',
            null,
            h('span', { class: `status-badge status-${c.status}` }, c.status),
            ' ',
            h('time', { datetime: c.createdAt, title: absoluteTime(c.createdAt) }, relativeTime(c.createdAt)),
            ` on ${context.siteName(c.siteKey)} / ${c.pageTitle || c.pageId}: `,
            h('span', { class: 'snippet' }, snippet(c.text)),
          ),
        ),
      ),
  );
}

function historyCounts(counts: Partial<Counts> | null): string {
  if (!counts) return 'Not kept for a deleted comment.';
  const parts = (['approved', 'held', 'spam', 'rejected', 'pending', 'deleted'] as const)
    .filter((status) => (counts[status] ?? 0) > 0)
    .map((status) => `${counts[status]} ${status}`);
  return parts.length > 0 ? parts.join(', ') : 'Nothing else from this author.';
}

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 140 ? `${flat.slice(0, 139)}…` : flat;
}

function formatScore(score: number): string {
  return Number.isInteger(score) ? String(score) : score.toFixed(2);
}

/** The author's initial on a colour of their own (set through CSSOM: the CSP allows no inline styles). */
function avatar(name: string, seed: string): HTMLElement {
  const element = h(
    'span',
    { class: 'avatar', 'aria-hidden': 'true' },
    (Array.from(name.trim())[0] ?? '?').toUpperCase(),
  );
  element.style.setProperty('--hue', String(hue(seed)));
  return element;
}

/** A stable colour for an author. */
function hue(seed: string): number {
  let hash = 0;
  for (const char of seed) hash = (hash * 31 + char.charCodeAt(0)) % 360;
  return hash;
}
