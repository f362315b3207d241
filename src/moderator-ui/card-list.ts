// Browser code: the queue's list of comment cards, in list order, and the current one: the card that
// is marked, that keyboard actions apply to, and that focus goes back to.
import type { ModComment } from './api';
import { type Card, type CardContext, commentCard } from './comment-card';
import { h } from './dom';

export class CardList {
  readonly element: HTMLOListElement;
  private cards: Card[] = [];
  private current: string | null = null;

  constructor(private readonly options: { labelledBy: string; context: CardContext }) {
    this.element = h('ol', { class: 'queue', 'aria-labelledby': options.labelledBy });
    // A card focused by mouse or Tab becomes the current one.
    this.element.addEventListener('focusin', (event) => {
      const item = (event.target as Element).closest<HTMLElement>('li.card');
      if (item?.dataset.id && item.dataset.id !== this.current) this.setCurrent(item.dataset.id);
    });
  }

  get length(): number {
    return this.cards.length;
  }

  get currentId(): string | null {
    return this.current;
  }

  card(id: string | null): Card | undefined {
    return id === null ? undefined : this.cards.find((c) => c.comment.id === id);
  }

  at(index: number): Card | undefined {
    return this.cards[index];
  }

  indexOf(id: string | null): number {
    return this.cards.findIndex((c) => c.comment.id === id);
  }

  comments(): ModComment[] {
    return this.cards.map((c) => c.comment);
  }

  ids(): string[] {
    return this.cards.map((c) => c.comment.id);
  }

  /** The comments an action is under way on. */
  busyIds(): Set<string> {
    return new Set(this.cards.filter(isBusy).map((c) => c.comment.id));
  }

  insert(comment: ModComment, index: number): Card {
    const card = commentCard(comment, this.options.context);
    const at = Math.max(0, Math.min(index, this.cards.length));
    this.element.insertBefore(card.element, this.cards[at]?.element ?? null);
    this.cards.splice(at, 0, card);
    card.setCurrent(false);
    return card;
  }

  /** Takes cards out; which comment is current then is the caller's to say. */
  remove(ids: readonly string[]): void {
    const removed = new Set(ids);
    for (const card of this.cards) if (removed.has(card.comment.id)) card.element.remove();
    this.cards = this.cards.filter((c) => !removed.has(c.comment.id));
  }

  /** Empties the list; the current comment stays as it was until the caller sets one. */
  clear(): void {
    this.cards = [];
    this.element.replaceChildren();
  }

  /** Marks `id` as the current comment; returns its card, if it is listed. */
  setCurrent(id: string | null): Card | undefined {
    this.card(this.current)?.setCurrent(false);
    this.current = id;
    const card = this.card(id);
    card?.setCurrent(true);
    return card;
  }

  showSelection(selection: ReadonlySet<string>): void {
    for (const card of this.cards) card.setSelected(selection.has(card.comment.id));
  }
}

export function isBusy(card: Card): boolean {
  return card.element.classList.contains('busy');
}
