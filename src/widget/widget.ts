// Browser code: one mounted widget: the thread of a page, the form, and the author's own
// comments awaiting moderation. Everything is drawn inside a shadow root.
import { Api, ApiFailure, type PublicComment } from './api';
import { append, h, uid } from './dom';
import { CommentForm, type FormContext } from './form';
import { identicon } from './identicon';
import { type Labels, pickLanguage, plural, type Translate, translator } from './i18n';
import { LINK_REL, safeWebsite, sanitizeHtml } from './sanitize';
import { OwnComments, saveProof } from './store';
import { applyStyles } from './styles';
import { exactTime, relativeTime } from './time';

export interface WidgetOptions {
  /** The site key (`data-site`). */
  site: string;
  /** Default: the page's canonical URL, else its URL without query and hash. */
  pageId?: string;
  pageUrl?: string;
  /** Default: document.title. */
  pageTitle?: string;
  /** A bundled translation (`en`, `fr`); default: the page's <html lang>, else English. */
  lang?: string;
  /** `auto` (default) follows prefers-color-scheme. */
  theme?: 'auto' | 'light' | 'dark';
  /** Texts to use instead of the bundled ones (see i18n.ts for the keys). */
  labels?: Partial<Labels>;
  /** Where Parley runs, e.g. "https://comments.example/" (default: where embed.js came from). */
  api?: string;
  /** The server's PARLEY_MAX_COMMENT_LENGTH, for the character count (default 5000). */
  maxLength?: number;
  /** Comments fetched per "load more" (1-100, default 50). */
  pageSize?: number;
}

interface Entry {
  comment: PublicComment;
  depth: number;
  li: HTMLLIElement;
  article: HTMLElement;
  actions: HTMLElement;
  slot: HTMLElement;
  badge?: HTMLElement;
  replyButton?: HTMLButtonElement;
  replies?: HTMLUListElement;
  toggle?: HTMLButtonElement;
  count: number;
  own: boolean;
}

/** Replies below this depth start collapsed behind "Show N replies". */
const COLLAPSE_DEPTH = 3;
/** Indentation stops growing here, so deep threads stay readable at 320 px. */
const FLAT_DEPTH = 4;
/** When to ask again about an own comment's status: quickly at first, then every minute. */
const POLL_DELAYS = [1000, 2000, 3000, 5000, 8000, 13000, 20000, 30000];
const POLL_FOR_MS = 15 * 6e4;

function canonicalUrl(): string | undefined {
  const href = document.querySelector<HTMLLinkElement>('link[rel="canonical"]')?.href;
  return href && /^https?:\/\//.test(href) ? href : undefined;
}

export class Widget {
  private readonly t: Translate;
  private readonly lang: string;
  private readonly root: HTMLElement;
  private readonly abort = new AbortController();
  private readonly api: Api;
  private readonly pageId: string;
  private readonly pageSize: number;
  private readonly entries = new Map<string, Entry>();
  private readonly own: OwnComments;
  private readonly timers = new Set<number>();
  private readonly heading: HTMLElement;
  private readonly status: HTMLElement;
  private readonly list: HTMLUListElement;
  private readonly more: HTMLButtonElement;
  private readonly failure: HTMLElement;
  private readonly ctx: FormContext;
  private readonly site: string;
  private readonly replyForms = new Map<string, CommentForm>();
  private openReply?: Entry;
  private total = 0;
  private cursor: string | null = null;

  constructor(host: Element, options: WidgetOptions) {
    this.lang = pickLanguage(options.lang ?? document.documentElement.lang);
    this.t = translator(this.lang, options.labels);
    const canonical = canonicalUrl();
    const here = /^https?:/.test(location.href) ? location.href.split('#')[0] : undefined;
    const pageUrl = options.pageUrl ?? canonical ?? here;
    this.pageId = (options.pageId || canonical || location.origin + location.pathname).slice(0, 500);
    this.pageSize = Math.min(100, Math.max(1, options.pageSize ?? 50));
    const base = new URL(options.api ?? '/', location.href).href.replace(/\/?$/, '/');
    this.api = new Api(base, options.site, this.abort.signal);
    this.own = new OwnComments(options.site, this.pageId);
    this.site = options.site;
    this.ctx = {
      api: this.api,
      site: options.site,
      t: this.t,
      maxLength: options.maxLength ?? 5000,
      page: {
        pageId: this.pageId,
        pageUrl: pageUrl && pageUrl.length <= 2000 ? pageUrl : undefined,
        pageTitle: (options.pageTitle ?? document.title).trim().slice(0, 300) || undefined,
      },
      posted: (comment, token, form) => this.posted(comment, token, form),
    };

    const headingId = uid();
    this.heading = h('h2', { class: 'hd', id: headingId }, this.t('loading'));
    this.status = h('p', { class: 'st', role: 'status' });
    this.list = h('ul', { class: 'ls' });
    this.more = h(
      'button',
      { type: 'button', class: 'bt more', hidden: true, onclick: () => void this.load() },
      this.t('loadMore'),
    );
    this.failure = h('div', { class: 'row', hidden: true }, h('p', null, this.t('loadFailed')));
    append(
      this.failure,
      h('button', { type: 'button', class: 'lk', onclick: () => void this.load() }, this.t('retry')),
    );
    const theme = options.theme === 'light' || options.theme === 'dark' ? options.theme : 'auto';
    this.root = h(
      'section',
      { class: `r ${theme}`, lang: this.lang, 'aria-labelledby': headingId },
      this.heading,
      this.status,
      new CommentForm(this.ctx).el,
      this.failure,
      this.list,
      this.more,
    );

    let shadow: ShadowRoot;
    try {
      shadow = host.shadowRoot ?? host.attachShadow({ mode: 'open' });
    } catch {
      // An element that cannot host a shadow root (e.g. <ul>): draw in a div inside it.
      shadow = host.appendChild(document.createElement('div')).attachShadow({ mode: 'open' });
    }
    shadow.replaceChildren();
    applyStyles(shadow);
    shadow.appendChild(this.root);

    this.every(6e4, () => {
      this.root.querySelectorAll('time').forEach((time) => (time.textContent = relativeTime(time.dateTime, this.lang)));
    });
    void this.load().then(() => {
      for (const own of this.own.list()) {
        const entry = this.add(own.comment, true);
        if (entry.own) this.follow(entry, own.authorToken, 0);
        else this.own.remove(own.comment.id);
      }
    });
  }

  destroy(): void {
    this.abort.abort();
    for (const timer of this.timers) clearTimeout(timer);
    this.root.remove();
  }

  private later(ms: number, run: () => void): void {
    const timer = window.setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, ms);
    this.timers.add(timer);
  }

  private every(ms: number, run: () => void): void {
    this.later(ms, () => {
      run();
      this.every(ms, run);
    });
  }

  private announce(text: string): void {
    this.status.textContent = text;
  }

  private async load(): Promise<void> {
    this.more.disabled = true;
    this.failure.hidden = true;
    try {
      const page = await this.api.thread(this.pageId, this.pageSize, this.cursor);
      for (const comment of page.comments) this.add(comment, false);
      this.total = page.total;
      this.cursor = page.nextCursor;
      this.more.hidden = !this.cursor;
      this.showCount();
    } catch {
      if (this.abort.signal.aborted) return;
      this.failure.hidden = false;
      if (!this.total) this.heading.textContent = this.t('count_zero');
    } finally {
      this.more.disabled = false;
    }
  }

  private showCount(): void {
    const n = this.total;
    this.heading.textContent = n ? this.t(`count_${plural(this.lang, n)}`, { n }) : this.t('count_zero');
  }

  /** Puts a comment in its thread (once), oldest first; own unpublished comments stay last. */
  private add(comment: PublicComment, own: boolean): Entry {
    const known = this.entries.get(comment.id);
    if (known) {
      if (known.own && !own) this.published(known, false);
      return known;
    }
    const parent = comment.parentId ? this.entries.get(comment.parentId) : undefined;
    const entry = this.draw(comment, parent ? parent.depth + 1 : 0, own);
    let list = this.list;
    if (parent) {
      if (!parent.replies) {
        parent.replies = h('ul', { class: 'rep', id: uid(), hidden: parent.depth >= COLLAPSE_DEPTH - 1 });
        parent.li.appendChild(parent.replies);
      }
      list = parent.replies;
      parent.count++;
      this.drawToggle(parent);
    }
    list.insertBefore(entry.li, own ? null : list.querySelector(':scope>.own'));
    this.entries.set(comment.id, entry);
    return entry;
  }

  private draw(comment: PublicComment, depth: number, own: boolean): Entry {
    const { t, lang } = this;
    const nameId = uid();
    const website = safeWebsite(comment.website);
    const name = comment.deleted
      ? undefined
      : website
        ? h('a', { class: 'nm', id: nameId, href: website, rel: LINK_REL }, comment.name)
        : h('span', { class: 'nm', id: nameId }, comment.name);
    const text = h('div', { class: 'tx' });
    if (comment.deleted) append(text, t('deleted'));
    else text.appendChild(sanitizeHtml(comment.html));
    const badge = own ? h('span', { class: 'bg' }, t('pending')) : undefined;
    const actions = h('div', { class: 'ac row' });
    const slot = h('div');
    const article = h(
      'article',
      { class: 'cm', tabindex: -1, 'aria-labelledby': name && nameId },
      comment.deleted ? h('span', { class: 'av' }) : identicon(comment.avatar),
      h(
        'div',
        null,
        h(
          'div',
          { class: 'mt' },
          name,
          h(
            'time',
            { class: 'tm', datetime: comment.createdAt, title: exactTime(comment.createdAt, lang) },
            relativeTime(comment.createdAt, lang),
          ),
          badge,
        ),
        text,
        actions,
        slot,
      ),
    );
    const li = h(
      'li',
      { class: `c${own ? ' own' : ''}${comment.deleted ? ' gone' : ''}${depth >= FLAT_DEPTH ? ' deep' : ''}` },
      article,
    );
    const entry: Entry = { comment, depth, li, article, actions, slot, badge, count: 0, own };
    if (!own && !comment.deleted) this.addReplyButton(entry);
    return entry;
  }

  private addReplyButton(entry: Entry): void {
    entry.replyButton = h(
      'button',
      {
        type: 'button',
        class: 'lk',
        'aria-expanded': 'false',
        'aria-label': this.t('replyTo', { name: entry.comment.name }),
        onclick: () => this.toggleReply(entry),
      },
      this.t('reply'),
    );
    entry.actions.prepend(entry.replyButton);
  }

  private drawToggle(entry: Entry): void {
    if (entry.depth < COLLAPSE_DEPTH - 1 || !entry.replies) return;
    const replies = entry.replies;
    if (!entry.toggle) {
      entry.toggle = h('button', {
        type: 'button',
        class: 'lk',
        'aria-controls': replies.id,
        onclick: () => {
          replies.hidden = !replies.hidden;
          this.drawToggle(entry);
        },
      });
      entry.actions.appendChild(entry.toggle);
    }
    entry.toggle.setAttribute('aria-expanded', String(!replies.hidden));
    entry.toggle.textContent = replies.hidden
      ? this.t(`showReplies_${plural(this.lang, entry.count)}`, { n: entry.count })
      : this.t('hideReplies');
  }

  private toggleReply(entry: Entry): void {
    const wasOpen = this.openReply === entry;
    this.closeReply(wasOpen);
    if (wasOpen) return;
    const { id, name } = entry.comment;
    let form = this.replyForms.get(id);
    if (!form) {
      form = new CommentForm(this.ctx, { id, name }, () => this.closeReply(true));
      this.replyForms.set(id, form); // kept when closed: a draft survives closing and reopening
    }
    entry.slot.appendChild(form.el);
    entry.replyButton?.setAttribute('aria-expanded', 'true');
    entry.replyButton?.setAttribute('aria-controls', form.el.id);
    this.openReply = entry;
    form.focus();
  }

  private closeReply(focusButton: boolean): void {
    const entry = this.openReply;
    if (!entry) return;
    entry.slot.replaceChildren();
    entry.replyButton?.setAttribute('aria-expanded', 'false');
    this.openReply = undefined;
    if (focusButton) entry.replyButton?.focus();
  }

  private posted(comment: PublicComment, authorToken: string, form: CommentForm): void {
    this.own.add({ comment, authorToken, postedAt: Date.now() });
    if (form.parent) {
      this.closeReply(false);
      this.replyForms.delete(form.parent.id);
    }
    const entry = this.add(comment, true);
    // Make sure the author sees it, even deep in a collapsed thread.
    for (let up = this.entries.get(comment.parentId ?? ''); up; up = this.entries.get(up.comment.parentId ?? '')) {
      if (up.replies?.hidden) {
        up.replies.hidden = false;
        this.drawToggle(up);
      }
    }
    this.announce(this.t('posted'));
    if (form.parent) entry.article.focus();
    this.follow(entry, authorToken, POLL_DELAYS[0]);
  }

  /** Polls the status of an own comment for a while, and shows what became of it. */
  private follow(entry: Entry, authorToken: string, firstDelay: number): void {
    const until = Date.now() + POLL_FOR_MS;
    let attempt = 0;
    const check = async () => {
      try {
        const { status } = await this.api.status(entry.comment.id, authorToken);
        if (status === 'approved') return this.published(entry, true);
        if (status === 'spam' || status === 'rejected' || status === 'deleted') return this.notPublished(entry);
        if (status === 'held' && entry.badge) entry.badge.textContent = this.t('held');
      } catch (err) {
        if (this.abort.signal.aborted) return;
        if (err instanceof ApiFailure && err.status === 404) return this.notPublished(entry);
      }
      if (Date.now() < until) this.later(POLL_DELAYS[attempt++] ?? 6e4, check);
    };
    this.later(firstDelay, check);
  }

  private published(entry: Entry, justNow: boolean): void {
    if (!entry.own) return;
    entry.own = false;
    const mine = this.own.list().find((o) => o.comment.id === entry.comment.id);
    if (mine) saveProof(this.site, mine.authorToken);
    this.own.remove(entry.comment.id);
    entry.li.classList.remove('own');
    entry.badge?.remove();
    entry.badge = undefined;
    this.addReplyButton(entry);
    if (justNow) {
      this.total++;
      this.showCount();
      this.announce(this.t('published'));
    }
  }

  private notPublished(entry: Entry): void {
    this.own.remove(entry.comment.id);
    if (entry.badge) {
      entry.badge.textContent = this.t('notPublished');
      entry.badge.classList.add('no');
    }
    this.announce(this.t('rejected'));
  }
}

const mounted = new WeakMap<Element, Widget>();

/** Draws the widget in `element` (replacing one already there). */
export function mount(element: Element, options: WidgetOptions): Widget {
  unmount(element);
  const widget = new Widget(element, options);
  mounted.set(element, widget);
  return widget;
}

/** Removes the widget from `element`, stopping its requests and timers. */
export function unmount(element: Element): void {
  mounted.get(element)?.destroy();
  mounted.delete(element);
}
