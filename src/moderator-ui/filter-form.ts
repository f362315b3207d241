// Browser code: the filter form above the queue (site, page, author, words, order). The status is
// the tabs' part; the queue owns the filters and shows them here.
import type { Filters, Me, Site } from './api';
import { h, uniqueId } from './dom';
import { DEFAULT_FILTERS } from './filters';

export interface FilterFormOptions {
  me: Me;
  sites: Site[];
  /** Called with the form's filters when they are applied, or with the defaults when cleared. */
  onChange(change: Partial<Filters>): void;
}

export class FilterForm {
  readonly element: HTMLFormElement;
  private readonly fields: {
    site: HTMLSelectElement;
    pageId: HTMLInputElement;
    email: HTMLInputElement;
    q: HTMLInputElement;
    order: HTMLSelectElement;
  };

  constructor(private readonly options: FilterFormOptions) {
    const { me, sites } = options;
    // A moderator of one site sees (and can choose) only that one.
    const siteChoices = me.siteKey ? sites.filter((s) => s.key === me.siteKey) : sites;
    this.fields = {
      site: h(
        'select',
        { name: 'site', id: uniqueId('site'), disabled: Boolean(me.siteKey), onchange: () => this.apply() },
        me.siteKey ? null : h('option', { value: '' }, 'All sites'),
        siteChoices.map((s) => h('option', { value: s.key }, s.name)),
      ),
      pageId: h('input', {
        name: 'pageId',
        id: uniqueId('page'),
        type: 'text',
        autocomplete: 'off',
        placeholder: 'any page',
      }),
      email: h('input', {
        name: 'email',
        id: uniqueId('email'),
        type: 'email',
        autocomplete: 'off',
        placeholder: 'any author',
      }),
      q: h('input', {
        name: 'q',
        id: uniqueId('q'),
        type: 'search',
        autocomplete: 'off',
        placeholder: 'words in the text',
        'aria-keyshortcuts': '/',
      }),
      order: h(
        'select',
        { name: 'order', id: uniqueId('order'), onchange: () => this.apply() },
        h('option', { value: 'newest' }, 'Newest first'),
        h('option', { value: 'oldest' }, 'Oldest first'),
      ),
    };
    const { status: _status, ...cleared } = DEFAULT_FILTERS;
    const field = (label: string, control: HTMLElement) =>
      h('div', { class: 'field' }, h('label', { for: control.id }, label), control);
    this.element = h(
      'form',
      {
        class: 'filters',
        role: 'search',
        'aria-label': 'Filter comments',
        onsubmit: (event: SubmitEvent) => {
          event.preventDefault();
          this.apply();
        },
      },
      field('Site', this.fields.site),
      field('Page', this.fields.pageId),
      field('Author email', this.fields.email),
      field('Search', this.fields.q),
      field('Order', this.fields.order),
      h(
        'div',
        { class: 'filter-buttons' },
        h('button', { type: 'submit' }, 'Filter'),
        h('button', { type: 'button', class: 'secondary', onclick: () => options.onChange(cleared) }, 'Clear'),
      ),
    );
  }

  show(filters: Filters): void {
    this.fields.site.value = filters.site;
    this.fields.pageId.value = filters.pageId;
    this.fields.email.value = filters.email;
    this.fields.q.value = filters.q;
    this.fields.order.value = filters.order;
  }

  focusSearch(): void {
    this.fields.q.focus();
  }

  private apply(): void {
    this.options.onChange({
      site: this.fields.site.value,
      pageId: this.fields.pageId.value.trim(),
      email: this.fields.email.value.trim(),
      q: this.fields.q.value.trim(),
      order: this.fields.order.value === 'oldest' ? 'oldest' : 'newest',
    });
  }
}
