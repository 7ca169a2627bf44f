import type { AlertEvent } from '../../alerts/alert-event.js';
import type { DeliveryQueue, DueDelivery } from '../../alerts/webhook-dispatcher.js';
import type { Db } from '../database.js';
import type { AlertEventRow } from '../risk/risk-rows.js';

/** An outbox row as the event it holds. */
export function alertEventOf(row: AlertEventRow): AlertEvent {
  return { id: row.id, seq: Number(row.position), type: row.type, subject: row.subject, occurredAt: row.occurred_at, data: JSON.parse(row.data) as Record<string, unknown> };
}

/**
 * The webhook deliveries of the outbox, over SQL. A claim is a conditional
 * update of the lease, so of two servers polling at once only one wins a
 * delivery; a lease that runs out (its sender died) makes it due again.
 */
export class StoreDeliveryQueue implements DeliveryQueue {
  constructor(
    private readonly db: Db,
    private readonly secretFor: (webhookId: string) => string,
  ) {}

  async claimDue(now: Date, limit: number, leaseMs: number): Promise<DueDelivery[]> {
    const at = now.toISOString();
    const candidates = await this.db
      .selectFrom('webhook_deliveries as d')
      .innerJoin('webhooks as w', 'w.id', 'd.webhook_id')
      .innerJoin('alert_events as e', 'e.position', 'd.event_position')
      .select(['d.id as deliveryId', 'd.webhook_id as webhookId', 'd.attempts', 'd.lease_until', 'w.url', 'e.position', 'e.id', 'e.type', 'e.subject', 'e.occurred_at', 'e.data'])
      .where('d.status', '=', 'pending')
      .where('w.active', '=', 1)
      .where('d.next_attempt_at', '<=', at)
      .where((eb) => eb.or([eb('d.lease_until', 'is', null), eb('d.lease_until', '<', at)]))
      .orderBy('d.event_position')
      .limit(limit)
      .execute();
    const leaseUntil = new Date(now.getTime() + leaseMs).toISOString();
    const claimed: DueDelivery[] = [];
    for (const row of candidates) {
      const result = await this.db
        .updateTable('webhook_deliveries')
        .set({ lease_until: leaseUntil })
        .where('id', '=', row.deliveryId)
        .where('status', '=', 'pending')
        .where((eb) => (row.lease_until === null ? eb('lease_until', 'is', null) : eb('lease_until', '=', row.lease_until)))
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) continue;
      claimed.push({
        deliveryId: row.deliveryId,
        webhookId: row.webhookId,
        url: row.url,
        secret: this.secretFor(row.webhookId),
        attempt: Number(row.attempts),
        event: alertEventOf({ position: row.position, id: row.id, type: row.type, subject: row.subject, occurred_at: row.occurred_at, data: row.data }),
      });
    }
    return claimed;
  }

  async delivered(deliveryId: string, at: Date, status: number): Promise<void> {
    await this.db
      .updateTable('webhook_deliveries')
      .set((eb) => ({ status: 'delivered', attempts: eb('attempts', '+', 1), delivered_at: at.toISOString(), last_status: status, last_error: null, lease_until: null, next_attempt_at: null }))
      .where('id', '=', deliveryId)
      .execute();
  }

  async failed(deliveryId: string, at: Date, attempt: number, nextAttemptAt: Date | null, error: string): Promise<void> {
    await this.db
      .updateTable('webhook_deliveries')
      .set({ status: nextAttemptAt === null ? 'dead' : 'pending', attempts: attempt, next_attempt_at: nextAttemptAt?.toISOString() ?? null, lease_until: null, last_error: error.slice(0, 500) })
      .where('id', '=', deliveryId)
      .execute();
  }
}
