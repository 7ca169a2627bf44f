import { RegistryError } from '../errors/registry-error.js';
import type { AlertEvent } from './alert-event.js';
import { DEFAULT_WEBHOOK_TIMEOUT_MS, type PostOutcome, postWebhook } from './post-webhook.js';
import { MAX_ATTEMPTS, nextAttemptAt, nextAttemptDelayMs } from './retry-schedule.js';

/** One (event, webhook) pair whose next attempt is due. */
export interface DueDelivery {
  readonly deliveryId: string;
  readonly webhookId: string;
  readonly url: string;
  readonly secret: string;
  /** Attempts made so far; 0 for a delivery never tried. */
  readonly attempt: number;
  readonly event: AlertEvent;
}

/**
 * The outbox's delivery rows, as the store keeps them. Implemented over SQL by
 * the store and in memory by the tests.
 */
export interface DeliveryQueue {
  /**
   * Deliveries whose next attempt is due at `now`, oldest event first, claimed
   * with a lease until `now + leaseMs` so two servers do not send the same one
   * at once. A delivery whose lease ran out without `delivered` or `failed`
   * (its sender crashed) is due again.
   */
  claimDue(now: Date, limit: number, leaseMs: number): Promise<DueDelivery[]>;
  /** The receiver answered 2xx: the delivery is done and never claimed again. */
  delivered(deliveryId: string, at: Date, status: number): Promise<void>;
  /** Records the failed `attempt` and releases the lease; `nextAttemptAt` null means dead (kept, redeliverable by hand). */
  failed(deliveryId: string, at: Date, attempt: number, nextAttemptAt: Date | null, error: string): Promise<void>;
}

export interface WebhookDispatcherOptions {
  /** How often to look for due deliveries when nobody calls `wake()`. */
  readonly pollMs?: number;
  /** Posts in flight at once, across all webhooks. */
  readonly concurrency?: number;
  readonly leaseMs?: number;
  /** Per post; must stay below `leaseMs`, or a slow post could be sent twice at once. */
  readonly timeoutMs?: number;
  readonly clock?: () => Date;
  readonly random?: () => number;
  /** The backoff; `nextAttemptDelayMs` by default. Tests inject a fast one. */
  readonly retryDelayMs?: (attempt: number, random: () => number) => number;
  readonly maxAttempts?: number;
  /** The queue itself failed (the database is away); the dispatcher carries on and the lease covers it. */
  readonly onError?: (error: unknown) => void;
}

/**
 * Sends the outbox's due deliveries to their webhooks.
 *
 * Guarantees: at least once. A failed post schedules a retry (see
 * retry-schedule.ts); a server that dies mid-post leaves the lease to expire
 * and the delivery is claimed again. So a receiver may see one event twice and
 * must dedupe on `webhook-id`, which is the event id on every attempt.
 * Not guaranteed: order. Deliveries are claimed oldest event first, but posts
 * run in parallel and a retried event arrives after newer ones; receivers that
 * care order by the event's `seq`.
 */
export class WebhookDispatcher {
  readonly #queue: DeliveryQueue;
  readonly #pollMs: number;
  readonly #concurrency: number;
  readonly #leaseMs: number;
  readonly #timeoutMs: number;
  readonly #clock: () => Date;
  readonly #random: () => number;
  readonly #retryDelayMs: (attempt: number, random: () => number) => number;
  readonly #maxAttempts: number;
  readonly #onError: (error: unknown) => void;

  readonly #inFlight = new Set<Promise<void>>();
  #running = false;
  #timer: NodeJS.Timeout | undefined;
  #ticking: Promise<void> | undefined;
  #lookAgain = false;
  /** The last claim filled every free slot, so more may be waiting behind it. */
  #backlog = false;

  constructor(queue: DeliveryQueue, options: WebhookDispatcherOptions = {}) {
    this.#queue = queue;
    this.#pollMs = options.pollMs ?? 1000;
    this.#concurrency = options.concurrency ?? 4;
    this.#leaseMs = options.leaseMs ?? 60_000;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS;
    this.#clock = options.clock ?? (() => new Date());
    this.#random = options.random ?? Math.random;
    this.#retryDelayMs = options.retryDelayMs ?? nextAttemptDelayMs;
    this.#maxAttempts = options.maxAttempts ?? MAX_ATTEMPTS;
    this.#onError = options.onError ?? reportError;
    if (!(this.#concurrency >= 1) || !(this.#pollMs > 0) || !(this.#maxAttempts >= 1)) {
      throw new RegistryError('invalid_request', 'Webhook dispatch needs concurrency ≥ 1, pollMs > 0 and maxAttempts ≥ 1');
    }
    if (!(this.#timeoutMs < this.#leaseMs)) {
      throw new RegistryError('invalid_request', `The webhook timeout (${this.#timeoutMs} ms) must be shorter than the lease (${this.#leaseMs} ms)`);
    }
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#schedule(0);
  }

  /** A new event was committed: look now instead of waiting for the poll. */
  wake(): void {
    if (this.#running) this.#schedule(0);
  }

  /** Stops claiming and resolves once every post already under way has finished and been recorded. */
  async stop(): Promise<void> {
    this.#running = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#ticking;
    // Posts claimed by the last tick were added before it settled.
    await Promise.all([...this.#inFlight]);
  }

  #schedule(delayMs: number): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#tick(), delayMs);
    // The dispatcher alone should not keep a process alive.
    this.#timer.unref();
  }

  #tick(): void {
    if (!this.#running) return;
    if (this.#ticking) {
      this.#lookAgain = true;
      return;
    }
    this.#ticking = this.#claimAndSend().finally(() => {
      this.#ticking = undefined;
      if (!this.#running) return;
      const again = this.#lookAgain;
      this.#lookAgain = false;
      this.#schedule(again ? 0 : this.#pollMs);
    });
  }

  async #claimAndSend(): Promise<void> {
    const free = this.#concurrency - this.#inFlight.size;
    // A finishing post looks again while there is a backlog.
    if (free <= 0) return;
    let due: DueDelivery[];
    try {
      due = await this.#queue.claimDue(this.#clock(), free, this.#leaseMs);
    } catch (error) {
      this.#report(error);
      return;
    }
    this.#backlog = due.length >= free;
    for (const delivery of due) this.#track(this.#deliver(delivery));
  }

  #track(post: Promise<void>): void {
    this.#inFlight.add(post);
    void post.finally(() => {
      this.#inFlight.delete(post);
      if (this.#backlog) this.wake();
    });
  }

  async #deliver(delivery: DueDelivery): Promise<void> {
    const nowSec = Math.floor(this.#clock().getTime() / 1000);
    let outcome: PostOutcome;
    try {
      outcome = await postWebhook(delivery.url, delivery.event, delivery.secret, { timeoutMs: this.#timeoutMs, nowSec });
    } catch (error) {
      outcome = { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
    const at = this.#clock();
    try {
      if (outcome.ok) {
        await this.#queue.delivered(delivery.deliveryId, at, outcome.status ?? 200);
        return;
      }
      const attempt = delivery.attempt + 1;
      const next = nextAttemptAt(attempt, at, { maxAttempts: this.#maxAttempts, random: this.#random, delayMs: this.#retryDelayMs });
      await this.#queue.failed(delivery.deliveryId, at, attempt, next, outcome.error ?? 'failed');
    } catch (error) {
      // Not recorded: the lease runs out and the delivery is claimed again.
      this.#report(error);
    }
  }

  #report(error: unknown): void {
    try {
      this.#onError(error);
    } catch {
      // A failing error handler must not stop the dispatcher.
    }
  }
}

function reportError(error: unknown): void {
  process.emitWarning(`ModelKeep webhooks: ${error instanceof Error ? error.message : String(error)}`, { code: 'MODELKEEP_WEBHOOKS' });
}
