// Browser code: one toast at a time in a polite live region, with an optional Undo.
import { h, replaceChildren } from './dom';

export interface ToastOptions {
  message: string;
  /** Offers an Undo button (and the u key) while the toast is shown. */
  undo?: () => void;
  kind?: 'info' | 'error';
  durationMs?: number;
}

export const UNDO_MS = 5000;

export class Toaster {
  /** Stays in the page from the start, so screen readers announce what is put into it. */
  readonly element = h('div', { class: 'toast-region', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true' });
  private undo: (() => void) | undefined;
  private timer: number | undefined;
  private remainingMs = 0;
  private startedAt = 0;

  /** `restoreFocus` is called when the toast disappears while it had the focus. */
  constructor(private readonly restoreFocus: () => void) {
    // A toast someone is pointing at or tabbed into does not run out under them.
    this.element.addEventListener('mouseenter', () => this.pause());
    this.element.addEventListener('focusin', () => this.pause());
    this.element.addEventListener('mouseleave', () => this.resume());
    this.element.addEventListener('focusout', (event) => {
      if (!this.element.contains(event.relatedTarget as Node | null)) this.resume();
    });
  }

  show(options: ToastOptions): void {
    this.clearTimer();
    this.undo = options.undo;
    const toast = h(
      'div',
      { class: `toast toast-${options.kind ?? 'info'}` },
      h('span', { class: 'toast-message' }, options.message),
      options.undo &&
        h(
          'button',
          { type: 'button', class: 'toast-undo', 'aria-keyshortcuts': 'u', onclick: () => this.runUndo() },
          'Undo',
        ),
      h(
        'button',
        { type: 'button', class: 'toast-close', 'aria-label': 'Dismiss', onclick: () => this.dismiss() },
        '×',
      ),
    );
    replaceChildren(this.element, toast);
    this.remainingMs = options.durationMs ?? (options.kind === 'error' ? 10_000 : UNDO_MS);
    this.resume();
  }

  /** Runs the shown toast's undo, if it has one; true when it did. */
  runUndo(): boolean {
    const undo = this.undo;
    if (!undo) return false;
    this.dismiss();
    undo();
    return true;
  }

  dismiss(): void {
    const hadFocus = this.element.contains(document.activeElement);
    this.clearTimer();
    this.undo = undefined;
    replaceChildren(this.element);
    if (hadFocus) this.restoreFocus();
  }

  private pause(): void {
    if (this.timer === undefined) return;
    this.clearTimer();
    this.remainingMs -= Date.now() - this.startedAt;
  }

  private resume(): void {
    if (this.timer !== undefined || !this.element.firstChild) return;
    if (this.element.matches(':hover') || this.element.contains(document.activeElement)) return;
    this.startedAt = Date.now();
    this.timer = window.setTimeout(() => this.dismiss(), Math.max(this.remainingMs, 1000));
  }

  private clearTimer(): void {
    if (this.timer !== undefined) window.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
