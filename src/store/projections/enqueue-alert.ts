import type { LedgerEntry } from '../../ledger/entry.js';
import type { Db } from '../database.js';

export interface AlertDraft {
  readonly type: 'risk.tier_raised' | 'dependency.vulnerable' | 'dependency.deprecated';
  readonly subject: string;
  readonly data: Readonly<Record<string, unknown>>;
}

/** Positions leave room for this many events per ledger entry, so the outbox sorts in ledger order. */
const EVENTS_PER_ENTRY = 10_000;

/**
 * Puts an event in the outbox, and a pending delivery for every webhook that
 * subscribes to its type, in the transaction of the entry that caused it:
 * if the entry is durable, so is the event.
 */
export async function enqueueAlert(tx: Db, entry: LedgerEntry, index: number, alert: AlertDraft): Promise<void> {
  if (index >= EVENTS_PER_ENTRY) throw new Error(`an entry may cause at most ${EVENTS_PER_ENTRY} events`);
  const position = entry.seq * EVENTS_PER_ENTRY + index;
  const id = `evt_${entry.seq}_${index}`;
  await tx
    .insertInto('alert_events')
    .values({ position, id, type: alert.type, subject: alert.subject, occurred_at: entry.at, data: JSON.stringify(alert.data) })
    .onConflict((oc) => oc.doNothing())
    .execute();
  const hooks = await tx.selectFrom('webhooks').select(['id', 'events']).where('active', '=', 1).execute();
  const subscribed = hooks.filter((hook) => {
    const events = JSON.parse(hook.events) as string[];
    return events.length === 0 || events.includes(alert.type);
  });
  if (subscribed.length === 0) return;
  await tx
    .insertInto('webhook_deliveries')
    .values(subscribed.map((hook) => ({ id: `${id}:${hook.id}`, event_position: position, webhook_id: hook.id, status: 'pending', attempts: 0, next_attempt_at: entry.at, lease_until: null, last_status: null, last_error: null, delivered_at: null })))
    .onConflict((oc) => oc.doNothing())
    .execute();
}
