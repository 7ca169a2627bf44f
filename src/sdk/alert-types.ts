import type { AlertEvent, KnownAlertEventType } from '../alerts/alert-event.js';

/* Webhooks, their deliveries, and alert events; keep in step with src/http/routes/risk/alert-routes.ts. */

export type { AlertEvent, KnownAlertEventType };

export interface WebhookInput {
  /** http(s), without credentials: verify the signature instead. */
  readonly url: string;
  /** Event types to receive; empty or absent for every type. */
  readonly events?: readonly KnownAlertEventType[];
  readonly description?: string;
}

/** The answer to registering a webhook; `secret` is shown this once (it is derived, never stored). */
export interface RegisteredWebhook {
  readonly id: string;
  readonly url: string;
  readonly events: readonly string[];
  readonly description: string | null;
  /** `whsec_…`: verify deliveries with {@link verifyWebhook}. */
  readonly secret: string;
}

export interface Webhook {
  readonly id: string;
  readonly url: string;
  readonly events: readonly string[];
  readonly description: string | null;
  readonly active: boolean;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly deliveries: { readonly pending: number; readonly delivered: number; readonly dead: number };
}

export type DeliveryStatus = 'pending' | 'delivered' | 'dead';

export interface WebhookDelivery {
  readonly id: string;
  /** The event's id (the `webhook-id` header). */
  readonly event: string;
  readonly type: string;
  readonly subject: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly nextAttemptAt: string | null;
  readonly lastStatus: number | null;
  readonly lastError: string | null;
  readonly deliveredAt: string | null;
}

export interface EventsQuery {
  /** Only events after this position (`seq`); default -1, from the start. */
  readonly after?: number;
  readonly type?: KnownAlertEventType;
  /** 1..1000; default 100. */
  readonly limit?: number;
}

/** A page of alert events, oldest first; `next` is the `after` of the following page. */
export interface EventsPage {
  readonly items: AlertEvent[];
  readonly next: number;
}
