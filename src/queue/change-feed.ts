import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

/**
 * What changed, for the caches of every API replica: a page's published thread, a
 * site's settings, or (after a lost Redis connection, when messages may have been
 * missed) anything.
 */
export type Change =
  { kind: 'page'; siteKey: string; pageId: string } | { kind: 'site'; siteKey: string } | { kind: 'all' };

export interface ChangeFeedOptions {
  /** Publishes; any connection (the producer's) will do. */
  publisher: Redis;
  /** Opens the connection that listens: a subscribed connection can do nothing else. */
  subscriber: () => Redis;
  prefix: string;
  logger: Logger;
}

type Listener = (change: Change) => void;

/**
 * Tells every process that caches something that it changed, through Redis pub/sub.
 * Listeners of this process hear a change at once, when it is published; other
 * processes a moment later. Publishing never fails a write: a lost message leaves a
 * cache stale only until its entry expires.
 */
export class ChangeFeed {
  private readonly listeners: Listener[] = [];
  private readonly channel: string;
  /** Marks this process's messages, which its listeners already heard. */
  private readonly origin = randomBytes(6).toString('base64url');
  private subscriber: Redis | undefined;

  constructor(private readonly options: ChangeFeedOptions) {
    this.channel = `${options.prefix}:changes`;
  }

  publish(change: Change): void {
    this.notify(change);
    this.options.publisher
      .publish(this.channel, JSON.stringify({ origin: this.origin, change }))
      .catch((err: Error) => {
        this.options.logger.debug({ err: err.message }, 'change not published: Redis unavailable');
      });
  }

  /** Calls `listener` on every change, from this process or another; subscribes on first use. */
  onChange(listener: Listener): void {
    this.listeners.push(listener);
    if (this.subscriber) return;
    const subscriber = this.options.subscriber();
    this.subscriber = subscriber;
    subscriber.on('error', (err: Error) => this.options.logger.debug({ err: err.message }, 'change feed error'));
    // (Re)connected, and ioredis subscribes again: whatever was published while it was down went unheard.
    subscriber.on('ready', () => this.notify({ kind: 'all' }));
    subscriber.subscribe(this.channel).catch(() => undefined);
    subscriber.on('message', (_channel: string, text: string) => {
      const message = parseMessage(text);
      if (message && message.origin !== this.origin) this.notify(message.change);
    });
  }

  close(): void {
    this.subscriber?.disconnect();
  }

  private notify(change: Change): void {
    for (const listener of this.listeners) listener(change);
  }
}

function parseMessage(text: string): { origin: string; change: Change } | undefined {
  try {
    const message = JSON.parse(text) as { origin?: unknown; change?: Change };
    if (typeof message.origin !== 'string' || typeof message.change?.kind !== 'string') return undefined;
    return { origin: message.origin, change: message.change };
  } catch {
    return undefined;
  }
}
