import type { AlertEvent } from '../../src/alerts/alert-event.js';
import type { DeliveryQueue, DueDelivery } from '../../src/alerts/webhook-dispatcher.js';

export interface Webhook {
  readonly id: string;
  readonly url: string;
  readonly secret: string;
}

export interface DeliveryRow {
  readonly deliveryId: string;
  readonly webhook: Webhook;
  readonly event: AlertEvent;
  status: 'pending' | 'delivered' | 'dead';
  attempts: number;
  nextAttemptAt: number;
  leaseUntil: number;
  lastError?: string;
  lastStatus?: number;
}

/** The store's delivery rows, in memory, with the same lease rules; every call is logged for assertions. */
export class MemoryQueue implements DeliveryQueue {
  readonly rows: DeliveryRow[] = [];
  readonly log: { call: 'delivered' | 'failed'; deliveryId: string; attempt?: number; next?: Date | null; error?: string; status?: number }[] = [];

  enqueue(events: readonly AlertEvent[], webhooks: readonly Webhook[], now = Date.now()): void {
    for (const event of events) {
      for (const webhook of webhooks) {
        this.rows.push({ deliveryId: `${event.id}>${webhook.id}`, webhook, event, status: 'pending', attempts: 0, nextAttemptAt: now, leaseUntil: 0 });
      }
    }
  }

  async claimDue(now: Date, limit: number, leaseMs: number): Promise<DueDelivery[]> {
    const t = now.getTime();
    const due = this.rows
      .filter((row) => row.status === 'pending' && row.nextAttemptAt <= t && row.leaseUntil <= t)
      .sort((a, b) => a.event.seq - b.event.seq)
      .slice(0, limit);
    for (const row of due) row.leaseUntil = t + leaseMs;
    return due.map((row) => ({
      deliveryId: row.deliveryId,
      webhookId: row.webhook.id,
      url: row.webhook.url,
      secret: row.webhook.secret,
      attempt: row.attempts,
      event: row.event,
    }));
  }

  async delivered(deliveryId: string, _at: Date, status: number): Promise<void> {
    const row = this.#row(deliveryId);
    this.log.push({ call: 'delivered', deliveryId, status });
    row.status = 'delivered';
    row.lastStatus = status;
    row.leaseUntil = 0;
  }

  async failed(deliveryId: string, _at: Date, attempt: number, next: Date | null, error: string): Promise<void> {
    const row = this.#row(deliveryId);
    this.log.push({ call: 'failed', deliveryId, attempt, next, error });
    row.attempts = attempt;
    row.lastError = error;
    row.leaseUntil = 0;
    if (next === null) row.status = 'dead';
    else row.nextAttemptAt = next.getTime();
  }

  pending(): number {
    return this.rows.filter((row) => row.status === 'pending').length;
  }

  #row(deliveryId: string): DeliveryRow {
    const row = this.rows.find((r) => r.deliveryId === deliveryId);
    if (!row) throw new Error(`no delivery ${deliveryId}`);
    return row;
  }
}
