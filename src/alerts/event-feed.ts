import type { AlertEvent } from './alert-event.js';

/** Handles one event; a returned promise holds the next one back until it settles. */
export type FeedListener = (event: AlertEvent) => void | Promise<void>;

export interface SubscribeOptions {
  /** Events held for this subscriber while it is busy; one more and it is dropped. */
  readonly maxBuffered?: number;
  /** The feed let go of this subscriber (it fell too far behind, or its listener threw). */
  readonly onDropped?: (reason: 'slow_consumer' | 'listener_failed', error?: unknown) => void;
}

export const DEFAULT_MAX_BUFFERED = 1000;

interface Subscriber {
  readonly listener: FeedListener;
  readonly maxBuffered: number;
  readonly onDropped: SubscribeOptions['onDropped'];
  readonly buffer: AlertEvent[];
  busy: boolean;
  closed: boolean;
}

/**
 * In-process broadcast of committed alerts to live SSE connections. Each
 * subscriber has its own bounded buffer: a consumer that cannot keep up is
 * disconnected rather than let memory grow without bound, and reconnects with
 * `Last-Event-ID` to catch up from the outbox. Not durable: the outbox is.
 */
export class EventFeed {
  readonly #subscribers = new Set<Subscriber>();

  get subscriberCount(): number {
    return this.#subscribers.size;
  }

  /** Returns the unsubscribe function; calling it twice is harmless. */
  subscribe(listener: FeedListener, options: SubscribeOptions = {}): () => void {
    const subscriber: Subscriber = {
      listener,
      maxBuffered: options.maxBuffered ?? DEFAULT_MAX_BUFFERED,
      onDropped: options.onDropped,
      buffer: [],
      busy: false,
      closed: false,
    };
    this.#subscribers.add(subscriber);
    return () => this.#remove(subscriber);
  }

  /** Hands committed events, in `seq` order, to every subscriber. Never waits for one. */
  publish(events: readonly AlertEvent[]): void {
    for (const subscriber of [...this.#subscribers]) {
      if (subscriber.buffer.length + events.length > subscriber.maxBuffered) {
        this.#drop(subscriber, 'slow_consumer');
        continue;
      }
      subscriber.buffer.push(...events);
      if (!subscriber.busy) void this.#pump(subscriber);
    }
  }

  async #pump(subscriber: Subscriber): Promise<void> {
    subscriber.busy = true;
    try {
      for (let event = subscriber.buffer.shift(); event !== undefined && !subscriber.closed; event = subscriber.buffer.shift()) {
        await subscriber.listener(event);
      }
    } catch (error) {
      this.#drop(subscriber, 'listener_failed', error);
    } finally {
      subscriber.busy = false;
    }
  }

  #drop(subscriber: Subscriber, reason: 'slow_consumer' | 'listener_failed', error?: unknown): void {
    if (subscriber.closed) return;
    this.#remove(subscriber);
    subscriber.onDropped?.(reason, error);
  }

  #remove(subscriber: Subscriber): void {
    subscriber.closed = true;
    subscriber.buffer.length = 0;
    this.#subscribers.delete(subscriber);
  }
}
