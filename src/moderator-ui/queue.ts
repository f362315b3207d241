// Browser code: the review queue. It loads, polls and acts on comments, and wires the status tabs,
// filter form, bulk bar, card list and shortcuts together; what its state becomes after each of
// these is for queue-state.ts to say.
import {
  type Action,
  ApiError,
  type Counts,
  type Filters,
  type Me,
  type ModerationApi,
  type Site,
  STATUS_AFTER,
} from './api';
import { BulkBar } from './bulk-bar';
import { CardList, isBusy } from './card-list';
import { ACTION_LABEL, actionsFor, type Card } from './comment-card';
import { h, replaceChildren, uniqueId } from './dom';
import { FilterForm } from './filter-form';
import { filtersToQuery } from './filters';
import { requestAction, requestUndo } from './moderation-requests';
import { actionNotice, emptyListMessage, newCommentsMessage, undoNotice } from './queue-notices';
import {
  actionOutcome,
  actionTargets,
  type Changed,
  countsAfterAction,
  countsAfterUndo,
  currentAfterRemoval,
  mergePolledPage,
  reinsertions,
  selectComment,
  selectedInListOrder,
  selectionWithout,
  toggleSelectAll,
  unlistedComments,
} from './queue-state';
import { shortcutHandler } from './shortcuts';
import { STATUS_LABEL, StatusTabs } from './status-tabs';
import { type Toaster } from './toast';

const PAGE_SIZE = 25;
export const POLL_MS = 10_000;
const POLL_WINDOW = 50;

export interface QueueOptions {
  api: ModerationApi;
  me: Me;
  sites: Site[];
  filters: Filters;
  toaster: Toaster;
  /** Opens the keyboard shortcuts dialog. */
  showShortcuts(): void;
}

export class QueueView {
  readonly element: HTMLElement;
  private filters: Filters;
  private counts: Partial<Counts> = {};
  private nextCursor: string | null = null;
  private selection: ReadonlySet<string> = new Set();
  /** Bumped by every full load: answers to an older one are dropped. */
  private loadSeq = 0;
  /** Bumped by every change this page makes to the list: a poll that overlapped one is dropped. */
  private changeSeq = 0;
  private pollTimer: number | undefined;
  private stopped = false;
  private readonly siteNames: Map<string, string>;

  private readonly listHeading = h('h2', { id: uniqueId('queue'), class: 'visually-hidden' });
  private readonly list = new CardList({
    labelledBy: this.listHeading.id,
    context: {
      siteName: (key) => this.siteNames.get(key) ?? key,
      onAction: (id, action) => void this.actOn([id], action),
      onSelect: (id, selected) => this.select(id, selected),
      onFilter: (change) => this.setFilters(change),
      loadDetail: (id) => this.options.api.comment(id),
    },
  });
  private readonly emptyState = h('div', { class: 'empty', tabindex: -1 });
  private readonly loadMoreButton = h(
    'button',
    { type: 'button', class: 'load-more', hidden: true, onclick: () => void this.loadMore() },
    'Load more',
  );
  private readonly announcer = h('p', { class: 'visually-hidden', 'aria-live': 'polite' });
  private readonly bulkBar = new BulkBar({
    onToggleAll: () => this.toggleSelectAll(),
    onAction: (action) =>
      void this.actOn(selectedInListOrder({ selection: this.selection, shown: this.list.ids() }), action),
  });
  private readonly form: FilterForm;
  private readonly tabs: StatusTabs;

  constructor(private readonly options: QueueOptions) {
    this.filters = { ...options.filters };
    this.siteNames = new Map(options.sites.map((s) => [s.key, s.name]));
    if (options.me.siteKey) this.filters.site = options.me.siteKey;

    this.form = new FilterForm({ me: options.me, sites: options.sites, onChange: (change) => this.setFilters(change) });
    this.tabs = new StatusTabs({ filters: this.filters, onSelect: (status) => this.setFilters({ status }) });

    this.element = h(
      'main',
      { class: 'queue-view', id: 'main' },
      this.tabs.element,
      this.form.element,
      this.bulkBar.element,
      this.listHeading,
      this.list.element,
      this.emptyState,
      this.loadMoreButton,
      this.announcer,
    );
  }

  start(options: { focusFirst?: boolean } = {}): void {
    document.addEventListener('keydown', this.onKeydown);
    document.addEventListener('visibilitychange', this.onVisibility);
    this.syncForm();
    void this.reload({ focusFirst: options.focusFirst });
    this.schedulePoll();
  }

  stop(): void {
    document.removeEventListener('keydown', this.onKeydown);
    document.removeEventListener('visibilitychange', this.onVisibility);
    window.clearTimeout(this.pollTimer);
    this.stopped = true;
    this.loadSeq += 1;
  }

  /** Focuses the current comment (or the empty state): where focus goes back to. */
  focusCurrent(): void {
    const card = this.list.card(this.list.currentId);
    (card?.focusTarget ?? this.emptyState).focus();
  }

  // --- loading -----------------------------------------------------------

  private setFilters(change: Partial<Filters>): void {
    this.filters = { ...this.filters, ...change };
    if (this.options.me.siteKey) this.filters.site = this.options.me.siteKey;
    this.syncForm();
    void this.reload();
  }

  private syncForm(): void {
    this.form.show(this.filters);
    this.tabs.showFilters(this.filters);
    this.listHeading.textContent = `${STATUS_LABEL[this.filters.status]} comments`;
    document.title = `${STATUS_LABEL[this.filters.status]} · Parley moderation`;
    history.replaceState(null, '', `${location.pathname}${filtersToQuery(this.filters)}`);
  }

  private async reload(options: { focusFirst?: boolean } = {}): Promise<void> {
    const seq = ++this.loadSeq;
    this.changeSeq += 1;
    this.list.element.setAttribute('aria-busy', 'true');
    this.loadMoreButton.hidden = true;
    if (this.list.length === 0) this.showEmpty('Loading…');
    try {
      const page = await this.options.api.comments(this.filters, { limit: PAGE_SIZE });
      if (seq !== this.loadSeq) return;
      this.list.clear();
      this.selection = new Set();
      for (const comment of page.comments) this.list.insert(comment, this.list.length);
      this.nextCursor = page.nextCursor;
      this.setCounts(page.counts);
      this.setCurrent(this.list.at(0)?.comment.id ?? null, { focus: options.focusFirst ?? false });
      this.afterListChange();
    } catch (err) {
      if (seq !== this.loadSeq) return;
      this.list.clear();
      this.showEmpty(
        `Could not load the comments: ${(err as Error).message}`,
        h('button', { type: 'button', onclick: () => void this.reload() }, 'Try again'),
      );
    } finally {
      if (seq === this.loadSeq) this.list.element.removeAttribute('aria-busy');
    }
  }

  private async loadMore(): Promise<boolean> {
    if (!this.nextCursor) return false;
    const seq = this.loadSeq;
    this.loadMoreButton.disabled = true;
    try {
      const page = await this.options.api.comments(this.filters, { cursor: this.nextCursor, limit: PAGE_SIZE });
      if (seq !== this.loadSeq) return false;
      this.changeSeq += 1;
      const added = unlistedComments({ list: this.list.comments(), page: page.comments });
      for (const comment of added) this.list.insert(comment, this.list.length);
      this.nextCursor = page.nextCursor;
      this.setCounts(page.counts);
      this.afterListChange();
      return added.length > 0;
    } catch (err) {
      this.showError(`Could not load more: ${(err as Error).message}`);
      return false;
    } finally {
      this.loadMoreButton.disabled = false;
    }
  }

  private schedulePoll(): void {
    window.clearTimeout(this.pollTimer);
    if (this.stopped) return;
    this.pollTimer = window.setTimeout(() => void this.poll().finally(() => this.schedulePoll()), POLL_MS);
  }

  private readonly onVisibility = () => {
    if (document.visibilityState === 'visible') void this.poll();
  };

  /**
   * Brings in comments that arrived since the list was loaded (newest first, so they are
   * in the first page), and drops ones someone else has decided in the meantime. Nodes
   * that stay are not touched, so focus and reading position stay where they are.
   */
  private async poll(): Promise<void> {
    if (this.stopped || document.visibilityState === 'hidden') return;
    const loadSeq = this.loadSeq;
    const changeSeq = this.changeSeq;
    let page;
    try {
      page = await this.options.api.comments({ ...this.filters, order: 'newest' }, { limit: POLL_WINDOW });
    } catch {
      return; // the next poll tries again; a 401 has already signed out
    }
    if (loadSeq !== this.loadSeq || changeSeq !== this.changeSeq) return;
    this.setCounts(page.counts);

    const { gone, added } = mergePolledPage({
      list: this.list.comments(),
      polled: page,
      order: this.filters.order,
      listComplete: this.nextCursor === null,
      currentId: this.list.currentId,
      busyIds: this.list.busyIds(),
    });
    this.removeCards(gone); // never the current one
    for (const { comment, index } of added) this.list.insert(comment, index).element.classList.add('new');
    if (gone.length > 0 || added.length > 0) this.afterListChange();
    if (added.length > 0) {
      if (!this.list.currentId) this.setCurrent(this.list.at(0)!.comment.id, { focus: false });
      this.announce(newCommentsMessage({ count: added.length, status: this.filters.status }));
    }
  }

  // --- the list ----------------------------------------------------------

  /** Takes comments out of the list and the selection; which one is current then is the caller's to say. */
  private removeCards(ids: readonly string[]): void {
    this.list.remove(ids);
    this.selection = selectionWithout({ selection: this.selection, removed: ids });
  }

  private setCurrent(id: string | null, options: { focus: boolean }): void {
    const card = this.list.setCurrent(id);
    if (!options.focus) return;
    if (card) {
      card.focusTarget.focus();
      card.element.scrollIntoView({ block: 'nearest' });
    } else {
      this.emptyState.focus();
    }
  }

  private async move(delta: 1 | -1): Promise<void> {
    let index = this.list.indexOf(this.list.currentId);
    if (index === -1) index = delta > 0 ? -1 : this.list.length;
    let target = index + delta;
    if (target >= this.list.length && (await this.loadMore())) target = index + delta;
    target = Math.max(0, Math.min(target, this.list.length - 1));
    const card = this.list.at(target);
    if (card) this.setCurrent(card.comment.id, { focus: true });
  }

  private afterListChange(): void {
    if (this.list.length === 0) this.showEmpty(emptyListMessage(this.filters));
    else this.emptyState.hidden = true;
    this.loadMoreButton.hidden = this.nextCursor === null;
    this.renderSelection();
  }

  private showEmpty(message: string, action?: HTMLElement): void {
    replaceChildren(this.emptyState, h('p', null, message), action);
    this.emptyState.hidden = false;
  }

  private setCounts(counts: Partial<Counts>): void {
    this.counts = { ...counts };
    this.tabs.showCounts(this.counts);
  }

  // --- selection ---------------------------------------------------------

  private select(id: string, selected: boolean): void {
    this.selection = selectComment({ selection: this.selection, id, selected });
    this.renderSelection();
  }

  private toggleSelectAll(): void {
    this.selection = toggleSelectAll({ selection: this.selection, shown: this.list.ids() });
    this.renderSelection();
  }

  private renderSelection(): void {
    this.list.showSelection(this.selection);
    this.bulkBar.show({ selected: this.selection.size, shown: this.list.length, status: this.filters.status });
  }

  // --- actions and undo --------------------------------------------------

  /** Acts on those of `ids` that offer `action` and are not busy; what changed leaves the list, with an undo. */
  private async actOn(ids: string[], action: Action): Promise<void> {
    const cards = ids.map((id) => this.list.card(id)).filter((c): c is Card => c !== undefined);
    const offered = cards.filter((c) => actionsFor(c.comment.status).includes(action) && !isBusy(c));
    if (offered.length === 0) {
      if (cards.length > 0)
        this.showError(`${ACTION_LABEL[action]} is not possible for ${cards[0].comment.status} comments.`);
      return;
    }
    this.changeSeq += 1;
    for (const card of offered) card.setBusy(true);
    const asked = offered.map((c) => ({ comment: c.comment, index: this.list.indexOf(c.comment.id) }));

    let results;
    try {
      results = await requestAction({ api: this.options.api, ids: asked.map((o) => o.comment.id), action });
    } catch (err) {
      for (const card of offered) card.setBusy(false);
      this.changeSeq += 1;
      if (!(err instanceof ApiError && err.status === 401))
        this.showError(`${ACTION_LABEL[action]} failed: ${(err as Error).message}`);
      return;
    }
    this.changeSeq += 1;
    for (const card of offered) card.setBusy(false);

    // A bulk answer counts only for the comments still listed (a reload may have replaced the list
    // meanwhile), as they are listed now; a single answer counts for the comment asked about.
    const stillListed =
      asked.length === 1
        ? asked
        : asked.flatMap((o) => {
            const card = this.list.card(o.comment.id);
            return card ? [{ comment: card.comment, index: o.index }] : [];
          });
    const { done, failures } = actionOutcome({ action, offered: stillListed, results });
    const focusWasInList = this.list.element.contains(document.activeElement) || this.bulkBar.hasFocusInActions();
    if (STATUS_AFTER[action] !== this.filters.status) {
      const removed = done.map((c) => c.comment.id);
      const next = currentAfterRemoval({ shown: this.list.ids(), removed, currentId: this.list.currentId });
      this.removeCards(removed);
      if (next !== this.list.currentId) this.setCurrent(next, { focus: false });
    }
    this.setCounts(countsAfterAction({ counts: this.counts, done }));
    this.afterListChange();
    if (focusWasInList || document.activeElement === document.body || document.activeElement === null)
      this.focusCurrent();

    const notice = actionNotice({ action, done, failures });
    this.options.toaster.show(done.length > 0 ? { ...notice, undo: () => void this.undo(done) } : notice);
  }

  /** Puts each comment back to the status it had, and back in the list where it was. */
  private async undo(done: Changed[]): Promise<void> {
    this.changeSeq += 1;
    const { restored, failures } = await requestUndo({ api: this.options.api, done });
    this.changeSeq += 1;

    this.setCounts(countsAfterUndo({ counts: this.counts, restored }));
    const back = reinsertions({ restored, shownStatus: this.filters.status, shown: this.list.ids() });
    for (const { comment, index } of back) this.list.insert(comment, index);
    this.afterListChange();
    if (back.length > 0) this.setCurrent(back[0].comment.id, { focus: true });
    const notice = undoNotice({ restored, failures });
    if (notice) this.options.toaster.show(notice);
  }

  private showError(message: string): void {
    this.options.toaster.show({ message, kind: 'error' });
  }

  private announce(message: string): void {
    this.announcer.textContent = message;
  }

  // --- keyboard ----------------------------------------------------------

  private readonly onKeydown = shortcutHandler({
    act: (action) => {
      const ids = actionTargets({ selection: this.selection, shown: this.list.ids(), currentId: this.list.currentId });
      if (ids.length > 0) void this.actOn(ids, action);
    },
    move: (delta) => void this.move(delta),
    toggleSelected: () => {
      const { currentId } = this.list;
      if (currentId) this.select(currentId, !this.selection.has(currentId));
    },
    undo: () => this.options.toaster.runUndo(),
    search: () => this.form.focusSearch(),
    showShortcuts: () => this.options.showShortcuts(),
    clearSelection: () => {
      if (this.selection.size === 0) return false;
      this.selection = new Set();
      this.renderSelection();
      return true;
    },
    leaveField: () => this.focusCurrent(),
  });
}
