/* Payloads of the webhook ledger actions. The secret is never in the ledger: it is derived from the server key and the id. */

export interface WebhookRegistered {
  readonly id: string;
  readonly url: string;
  readonly events: readonly string[];
  readonly description: string | null;
}

export interface WebhookRemoved {
  readonly id: string;
}
