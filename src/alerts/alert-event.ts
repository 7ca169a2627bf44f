/** The alert kinds the registry raises today; receivers must tolerate others appearing later. */
export const alertEventTypes = ['risk.tier_raised', 'dependency.vulnerable', 'dependency.deprecated'] as const;
export type KnownAlertEventType = (typeof alertEventTypes)[number];

/**
 * One alert, as written to the outbox in the same transaction as the ledger
 * entry that caused it, and as sent on the SSE stream and to webhooks.
 * The JSON of this object is the webhook body, byte for byte.
 */
export interface AlertEvent {
  /** Stable and unique: the `webhook-id` header, so receivers dedupe redeliveries on it. */
  readonly id: string;
  /** Outbox order, strictly increasing: the SSE `id:` field and `Last-Event-ID`. */
  readonly seq: number;
  // `string & {}` keeps editor completion for the known kinds while accepting new ones.
  readonly type: KnownAlertEventType | (string & {});
  /** URN of the model, version or dependency the alert is about. */
  readonly subject: string;
  /** ISO 8601 time of the ledger entry that caused the alert. */
  readonly occurredAt: string;
  readonly data: Readonly<Record<string, unknown>>;
}
