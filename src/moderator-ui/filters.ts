// Browser code: the queue's filters, and the page's query string that carries them, so that a reload
// or a bookmark keeps the view.
import { type Filters, type Status, STATUSES } from './api';

export const DEFAULT_FILTERS: Filters = { status: 'held', site: '', pageId: '', email: '', q: '', order: 'newest' };

export function filtersFromQuery(search: string): Filters {
  const query = new URLSearchParams(search);
  const status = query.get('status') as Status | null;
  return {
    status: status && STATUSES.includes(status) ? status : DEFAULT_FILTERS.status,
    site: query.get('site') ?? '',
    pageId: query.get('pageId') ?? '',
    email: query.get('email') ?? '',
    q: query.get('q') ?? '',
    order: query.get('order') === 'oldest' ? 'oldest' : 'newest',
  };
}

/** Only what differs from the defaults: the default view is the bare page. */
export function filtersToQuery(filters: Filters): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) {
    if (value && value !== DEFAULT_FILTERS[key as keyof Filters]) query.set(key, value);
  }
  const text = query.toString();
  return text ? `?${text}` : '';
}
