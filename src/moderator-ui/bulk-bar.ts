// Browser code: the bar above the queue for acting on several comments: "select all shown", the
// selected count, and one button per action the shown tab offers.
import type { Action, Status } from './api';
import { ACTION_LABEL, actionsFor } from './comment-card';
import { h, replaceChildren, uniqueId } from './dom';
import { selectionSummary } from './queue-state';

export class BulkBar {
  readonly element: HTMLElement;
  private readonly selectAll: HTMLInputElement;
  private readonly selectedCount = h('span', { class: 'selected-count', 'aria-live': 'polite' });
  private readonly actions = h('div', {
    class: 'bulk-actions',
    role: 'group',
    'aria-label': 'Actions for the selected comments',
  });

  constructor(private readonly options: { onToggleAll(): void; onAction(action: Action): void }) {
    this.selectAll = h('input', {
      type: 'checkbox',
      id: uniqueId('select-all'),
      onchange: () => options.onToggleAll(),
    });
    this.element = h(
      'div',
      { class: 'bulk-bar' },
      h('div', { class: 'select-all' }, this.selectAll, h('label', { for: this.selectAll.id }, 'Select all shown')),
      this.selectedCount,
      this.actions,
    );
  }

  show({ selected, shown, status }: { selected: number; shown: number; status: Status }): void {
    const summary = selectionSummary({ selected, shown });
    this.selectAll.checked = summary.allChecked;
    this.selectAll.indeterminate = summary.allIndeterminate;
    this.selectAll.disabled = shown === 0;
    this.selectedCount.textContent = summary.label;
    replaceChildren(
      this.actions,
      actionsFor(status).map((action) =>
        h(
          'button',
          {
            type: 'button',
            class: `action action-${action}`,
            disabled: selected === 0,
            onclick: () => this.options.onAction(action),
          },
          `${ACTION_LABEL[action]} selected`,
        ),
      ),
    );
  }

  /** Whether focus is on one of the action buttons (which an action re-renders). */
  hasFocusInActions(): boolean {
    return this.actions.contains(document.activeElement);
  }
}
