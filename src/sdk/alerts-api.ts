import { randomUUID } from 'node:crypto';
import type { AlertEvent, DeliveryStatus, EventsPage, EventsQuery, KnownAlertEventType, RegisteredWebhook, Webhook, WebhookDelivery, WebhookInput } from './dependency-types.js';
import { sseFrames } from './sse-frames.js';
import type { CallOptions, Query, Transport, WriteOptions } from './transport.js';

const seg = encodeURIComponent;
/** A pause before reconnecting to a stream the server ended, so a server that keeps ending it is not hammered. */
const RECONNECT_DELAY_MS = 1000;

export interface EventStreamOptions extends CallOptions {
  /** Replay the events after this position first (the SSE `Last-Event-ID`); without it, live events only. */
  readonly after?: number;
  readonly type?: KnownAlertEventType;
}

/**
 * Alerts: webhooks that receive events (HMAC-signed per Standard Webhooks,
 * verified with {@link verifyWebhook}), their deliveries, and the events
 * themselves, by page or as a live stream.
 *
 * @example
 * const hook = await client.alerts.addWebhook({ url: 'https://hooks.example.com/modelkeep', events: ['risk.tier_raised'] });
 * saveSecret(hook.secret); // shown once
 * for await (const event of client.alerts.stream({ after: lastSeen })) console.log(event.type, event.subject);
 */
export class AlertsApi {
  constructor(private readonly http: Transport) {}

  /**
   * Registers a webhook: it receives every later event of its types (all types when `events` is empty), retried
   * with backoff until it answers 2xx. The answer carries the signing `secret` this once; store it.
   * @throws ModelKeepApiError `invalid_request` for a URL that is not http(s) or carries credentials, `forbidden` without `webhook.manage`
   */
  async addWebhook(input: WebhookInput, options: WriteOptions = {}): Promise<RegisteredWebhook> {
    const { idempotencyKey = randomUUID(), ...rest } = options;
    return this.http.json({ method: 'POST', path: '/api/v1/webhooks', json: input, idempotencyKey, ...rest });
  }

  /** Registered webhooks (removed ones too, inactive) with their delivery counts. @throws ModelKeepApiError `forbidden` */
  async webhooks(options: CallOptions = {}): Promise<Webhook[]> {
    const { items } = await this.http.json<{ items: Webhook[] }>({ method: 'GET', path: '/api/v1/webhooks', ...options });
    return items;
  }

  /** Stops deliveries to a webhook; pending ones are dropped, its record stays. @throws ModelKeepApiError `not_found` for an unknown or already removed webhook */
  async removeWebhook(id: string, options: CallOptions = {}): Promise<{ id: string; active: false }> {
    return this.http.json({ method: 'DELETE', path: `/api/v1/webhooks/${seg(id)}`, ...options });
  }

  /** A webhook's deliveries, newest first: attempts, last HTTP status and error. */
  async deliveries(id: string, query: { status?: DeliveryStatus; limit?: number } = {}, options: CallOptions = {}): Promise<WebhookDelivery[]> {
    const { items } = await this.http.json<{ items: WebhookDelivery[] }>({ method: 'GET', path: `/api/v1/webhooks/${seg(id)}/deliveries`, query, ...options });
    return items;
  }

  /**
   * One page of alert events after a position, oldest first. Pass the page's `next` as `after` for the following page;
   * `next` moves on even when a `type` filter leaves the page empty.
   * @throws ModelKeepApiError `forbidden` without `event.read`
   */
  async events(query: EventsQuery = {}, options: CallOptions = {}): Promise<EventsPage> {
    return this.http.json({ method: 'GET', path: '/api/v1/events', query: query as Query, ...options });
  }

  /**
   * Events as they happen, over server-sent events, until `signal` aborts (the iteration then rejects with the
   * signal's reason) or the loop breaks. With `after`, the events after that position come first (`-1`: every
   * event so far). When the server ends the stream (a restart, or a consumer that fell behind) it reconnects and
   * resumes after the last event received, so nothing is lost or repeated.
   * @throws ModelKeepApiError `forbidden` without `event.read`, `unavailable` when the server cannot be reached
   */
  async *stream(options: EventStreamOptions = {}): AsyncGenerator<AlertEvent> {
    const { after, type, ...call } = options;
    let last = after;
    // Last-Event-ID names an event, so "from the beginning" is caught up by pages first.
    while (last !== undefined && last < 0) {
      const page = await this.events({ after: last, limit: 1000 }, call);
      for (const event of page.items) if (type === undefined || event.type === type) yield event;
      // No event at all yet: live ones only from here (one committed in the instant before the stream opens is missed).
      if (page.items.length === 0) last = undefined;
      else last = page.next;
    }
    for (let connection = 0; ; connection++) {
      if (connection > 0) await delay(RECONNECT_DELAY_MS, call.signal);
      const body = await this.http.exchange(
        { method: 'GET', path: '/api/v1/events/stream', headers: { accept: 'text/event-stream', ...(last === undefined ? {} : { 'last-event-id': String(last) }) }, timeout: 'headers', ...call },
        async (response) => response.body,
      );
      if (body === null) continue;
      for await (const frame of sseFrames(body.pipeThrough(new TextDecoderStream()))) {
        const event = eventOf(frame.data);
        if (event === undefined) continue;
        last = event.seq;
        if (type === undefined || event.type === type) yield event;
      }
    }
  }
}

/** A frame that is not one of our events (a proxy's, a future kind of frame) is skipped rather than ending the stream. */
function eventOf(data: string): AlertEvent | undefined {
  try {
    const value = JSON.parse(data) as Partial<AlertEvent> | null;
    return typeof value?.seq === 'number' && typeof value.type === 'string' ? (value as AlertEvent) : undefined;
  } catch {
    return undefined;
  }
}

function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });
}
