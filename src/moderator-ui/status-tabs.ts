// Browser code: the status tabs above the queue, each with its count. Each tab is a link to its view,
// so it opens in a new tab too; a plain click switches the queue in place.
import { type Counts, type Filters, type Status, STATUSES } from './api';
import { h } from './dom';
import { filtersToQuery } from './filters';

export const STATUS_LABEL: Record<Status, string> = {
  held: 'Held',
  pending: 'Pending',
  approved: 'Approved',
  spam: 'Spam',
  rejected: 'Rejected',
  deleted: 'Deleted',
};

export class StatusTabs {
  readonly element: HTMLElement;
  private readonly tabs = new Map<Status, { link: HTMLAnchorElement; count: HTMLElement }>();

  constructor(options: { filters: Filters; onSelect(status: Status): void }) {
    this.element = h(
      'nav',
      { class: 'tabs', 'aria-label': 'Comment status' },
      h(
        'ul',
        null,
        STATUSES.map((status) => {
          const count = h('span', { class: 'count' });
          const link = h(
            'a',
            {
              href: tabHref(options.filters, status),
              onclick: (event: MouseEvent) => {
                if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
                event.preventDefault();
                options.onSelect(status);
              },
            },
            STATUS_LABEL[status],
            ' ',
            count,
          );
          this.tabs.set(status, { link, count });
          return h('li', null, link);
        }),
      ),
    );
  }

  /** Points each tab at its view with the other filters kept, and marks the shown one. */
  showFilters(filters: Filters): void {
    for (const [status, { link }] of this.tabs) {
      link.href = tabHref(filters, status);
      if (status === filters.status) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
  }

  /** A count the server did not send shows empty. */
  showCounts(counts: Partial<Counts>): void {
    for (const [status, { count }] of this.tabs) {
      const n = counts[status];
      count.textContent = n === undefined ? '' : String(n);
    }
  }
}

function tabHref(filters: Filters, status: Status): string {
  return filtersToQuery({ ...filters, status }) || '?';
}
