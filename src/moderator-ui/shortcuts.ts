// Browser code: the queue's keyboard shortcuts: which key does what, and the list the ? dialog shows.
// A key typed into a field, held with a modifier, or pressed while a dialog is open is no shortcut.
import type { Action } from './api';
import { ACTION_KEY } from './comment-card';

/** What the queue does for each shortcut. The ones that return false had nothing to do: their key is left to the page. */
export interface ShortcutActions {
  act(action: Action): void;
  move(delta: 1 | -1): void;
  toggleSelected(): void;
  undo(): boolean;
  search(): void;
  showShortcuts(): void;
  clearSelection(): boolean;
  /** Escape in a field: back to the current comment. */
  leaveField(): void;
}

export function shortcutHandler(actions: ShortcutActions): (event: KeyboardEvent) => void {
  return (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
    const target = event.target as Element | null;
    if (target?.closest('dialog[open]')) return;
    if (target?.closest('input:not([type=checkbox]):not([type=radio]), textarea, select, [contenteditable]')) {
      if (event.key === 'Escape' && target instanceof HTMLElement) actions.leaveField();
      return;
    }
    const act = (Object.keys(ACTION_KEY) as Action[]).find((action) => ACTION_KEY[action] === event.key);
    let handled = true;
    if (act) actions.act(act);
    else if (event.key === 'j') actions.move(1);
    else if (event.key === 'k') actions.move(-1);
    else if (event.key === 'x') actions.toggleSelected();
    else if (event.key === 'u') handled = actions.undo();
    else if (event.key === '/') actions.search();
    else if (event.key === '?') actions.showShortcuts();
    else if (event.key === 'Escape') handled = actions.clearSelection();
    else handled = false;
    if (handled) event.preventDefault();
  };
}

export const SHORTCUTS: [string, string][] = [
  ['j', 'Next comment'],
  ['k', 'Previous comment'],
  ['a', 'Approve (the selected comments, or else the current one)'],
  ['r', 'Reject'],
  ['s', 'Mark as spam'],
  ['h', 'Hold (from the other tabs)'],
  ['x', 'Select or unselect the current comment'],
  ['u', 'Undo the last action (while its notice shows)'],
  ['/', 'Search'],
  ['Esc', 'Clear the selection; leave a field'],
  ['?', 'Show these shortcuts'],
];
