import type { LedgerSigner } from '../ledger/ledger-signer.js';
import type { Db } from '../store/database.js';
import { StoreDeliveryQueue, alertEventOf } from '../store/queries/delivery-queue.js';
import type { AlertEvent } from './alert-event.js';
import { EventFeed } from './event-feed.js';
import { WebhookDispatcher, type WebhookDispatcherOptions } from './webhook-dispatcher.js';
import { webhookSecretFor } from './webhook-secret.js';

export interface AlertHubOptions {
  /** How often the outbox is read for new events when no local write pokes it (another server wrote them). */
  readonly pollMs?: number;
  readonly dispatcher?: WebhookDispatcherOptions;
}

/**
 * The registry's side of alerting: tails the outbox (written by projections
 * in the entries' transactions) into the in-process feed the event stream
 * serves, and runs the webhook dispatcher over the outbox's deliveries.
 */
export class AlertHub {
  readonly feed = new EventFeed();
  readonly #db: Db;
  readonly #dispatcher: WebhookDispatcher;
  readonly #pollMs: number;
  #seen = -1;
  #timer: NodeJS.Timeout | undefined;
  #reading: Promise<void> | null = null;
  #again = false;

  constructor(db: Db, signer: LedgerSigner, options: AlertHubOptions = {}) {
    this.#db = db;
    this.#pollMs = options.pollMs ?? 1000;
    this.#dispatcher = new WebhookDispatcher(new StoreDeliveryQueue(db, (id) => webhookSecretFor(signer, id)), options.dispatcher);
  }

  async start(): Promise<void> {
    const row = await this.#db.selectFrom('alert_events').select((eb) => eb.fn.max('position').as('last')).executeTakeFirst();
    this.#seen = row?.last === null || row?.last === undefined ? -1 : Number(row.last);
    this.#timer = setInterval(() => this.poke(), this.#pollMs);
    this.#timer.unref();
    this.#dispatcher.start();
  }

  /** Something was committed: publish new events now and look for due deliveries. */
  poke(): void {
    this.#dispatcher.wake();
    if (this.#reading !== null) {
      this.#again = true;
      return;
    }
    this.#reading = this.#publishNew()
      .catch((error: unknown) => process.emitWarning(`reading the alert outbox failed: ${String(error)}`, { code: 'MODELKEEP_ALERTS' }))
      .finally(() => {
        this.#reading = null;
        if (this.#again) {
          this.#again = false;
          this.poke();
        }
      });
  }

  /** Resolves once events committed before the call are published to the feed. */
  async settled(): Promise<void> {
    this.poke();
    while (this.#reading !== null) await this.#reading;
  }

  async #publishNew(): Promise<void> {
    for (;;) {
      const events = await this.eventsAfter(this.#seen, 500);
      if (events.length === 0) return;
      this.#seen = events.at(-1)!.seq;
      this.feed.publish(events);
    }
  }

  /** Committed events after `position`, oldest first. */
  async eventsAfter(position: number, limit: number): Promise<AlertEvent[]> {
    const rows = await this.#db.selectFrom('alert_events').selectAll().where('position', '>', position).orderBy('position').limit(limit).execute();
    return rows.map(alertEventOf);
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#dispatcher.stop();
    while (this.#reading !== null) await this.#reading;
  }
}
