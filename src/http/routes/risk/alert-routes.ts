import { randomUUID } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { alertEventTypes } from '../../../alerts/alert-event.js';
import { parseLastEventId, sseHeaders } from '../../../alerts/event-stream.js';
import { serveAlertStream } from '../../../alerts/serve-alert-stream.js';
import { webhookSecretFor } from '../../../alerts/webhook-secret.js';
import { RegistryError } from '../../../errors/registry-error.js';
import type { App, RouteDeps } from '../../app-types.js';
import { sendWrite, writeContext } from '../../write-reply.js';
import { literalUnion } from '../common-schemas.js';

const tags = ['alerts'];

/** Receivers are named by an administrator; only http(s), and no credentials in the URL (the secret signs instead). */
function checkWebhookUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new RegistryError('invalid_request', `${text} is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new RegistryError('invalid_request', 'A webhook URL must be http:// or https://');
  if (url.username !== '' || url.password !== '') throw new RegistryError('invalid_request', 'Put no credentials in a webhook URL: verify the signature (webhook-signature header) instead');
  return url.toString();
}

export function alertRoutes(app: App, deps: RouteDeps): void {
  const { writer, store, alerts, signer } = deps;

  app.post(
    '/api/v1/webhooks',
    {
      config: { guard: { action: 'webhook.manage' } },
      schema: {
        tags,
        summary: 'Register a webhook: it receives every later event of its types, HMAC-signed (Standard Webhooks headers), retried with backoff until it answers 2xx',
        description: 'The answer carries the signing `secret` once; it is derived from the server key and never stored. Receivers dedupe on `webhook-id` (delivery is at least once).',
        body: Type.Object(
          {
            url: Type.String({ minLength: 8, maxLength: 2000 }),
            events: Type.Optional(Type.Array(literalUnion(alertEventTypes), { maxItems: 20, uniqueItems: true, description: 'Empty or absent: every type' })),
            description: Type.Optional(Type.String({ maxLength: 500 })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const body = request.body as { url: string; events?: string[]; description?: string };
      const id = `wh_${randomUUID()}`;
      const outcome = await writer.write(writeContext(request, 201), 'registerWebhook', { id, url: checkWebhookUrl(body.url), events: body.events ?? [], description: body.description ?? null });
      reply.header('location', `/api/v1/webhooks/${id}`);
      return sendWrite(reply, { ...outcome, result: { ...outcome.result, secret: webhookSecretFor(signer, outcome.result.id) } }, 201);
    },
  );

  app.get(
    '/api/v1/webhooks',
    { config: { guard: { action: 'webhook.manage' } }, schema: { tags, summary: 'Registered webhooks with their delivery counts (pending, delivered, dead)' } },
    async () => {
      const hooks = await store.db.selectFrom('webhooks').selectAll().orderBy('created_at').execute();
      const counts = await store.db.selectFrom('webhook_deliveries').select(['webhook_id', 'status', (eb) => eb.fn.countAll<string>().as('n')]).groupBy(['webhook_id', 'status']).execute();
      return {
        items: hooks.map((h) => ({
          id: h.id,
          url: h.url,
          events: JSON.parse(h.events) as string[],
          description: h.description,
          active: h.active === 1,
          createdAt: h.created_at,
          createdBy: h.created_by,
          deliveries: Object.fromEntries(['pending', 'delivered', 'dead'].map((s) => [s, Number(counts.find((c) => c.webhook_id === h.id && c.status === s)?.n ?? 0)])),
        })),
      };
    },
  );

  app.get(
    '/api/v1/webhooks/:id/deliveries',
    { config: { guard: { action: 'webhook.manage' } }, schema: { tags, summary: "A webhook's deliveries, newest first: attempts, last status and error", params: Type.Object({ id: Type.String({ maxLength: 100 }) }), querystring: Type.Object({ status: Type.Optional(literalUnion(['pending', 'delivered', 'dead'])), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })) }, { additionalProperties: false }) } },
    async (request) => {
      const { id } = request.params as { id: string };
      const q = request.query as { status?: string; limit?: number };
      let query = store.db.selectFrom('webhook_deliveries as d').innerJoin('alert_events as e', 'e.position', 'd.event_position').select(['d.id', 'd.status', 'd.attempts', 'd.next_attempt_at', 'd.last_status', 'd.last_error', 'd.delivered_at', 'e.id as event', 'e.type', 'e.subject']).where('d.webhook_id', '=', id);
      if (q.status !== undefined) query = query.where('d.status', '=', q.status);
      const rows = await query.orderBy('d.event_position', 'desc').limit(q.limit ?? 100).execute();
      return { items: rows.map((r) => ({ id: r.id, event: r.event, type: r.type, subject: r.subject, status: r.status, attempts: Number(r.attempts), nextAttemptAt: r.next_attempt_at, lastStatus: r.last_status, lastError: r.last_error, deliveredAt: r.delivered_at })) };
    },
  );

  app.delete(
    '/api/v1/webhooks/:id',
    { config: { guard: { action: 'webhook.manage' } }, schema: { tags, summary: 'Remove a webhook: nothing more is sent to it; its record stays', params: Type.Object({ id: Type.String({ maxLength: 100 }) }) } },
    async (request, reply) => {
      const outcome = await writer.write(writeContext(request, 200), 'removeWebhook', { id: (request.params as { id: string }).id });
      return sendWrite(reply, outcome, 200);
    },
  );

  app.get(
    '/api/v1/events',
    {
      config: { guard: { action: 'event.read' } },
      schema: { tags, summary: 'Alert events after a position (`after`), oldest first: tiers raised, dependencies found vulnerable or deprecated', querystring: Type.Object({ after: Type.Optional(Type.Integer({ minimum: -1, default: -1 })), type: Type.Optional(literalUnion(alertEventTypes)), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })) }, { additionalProperties: false }) },
    },
    async (request) => {
      const q = request.query as { after?: number; type?: string; limit?: number };
      const events = await alerts.eventsAfter(q.after ?? -1, q.limit ?? 100);
      const items = q.type === undefined ? events : events.filter((e) => e.type === q.type);
      return { items, next: events.at(-1)?.seq ?? q.after ?? -1 };
    },
  );

  app.get(
    '/api/v1/events/stream',
    { config: { guard: { action: 'event.read' } }, schema: { tags, summary: 'Server-sent events: the same events as they happen; reconnect with Last-Event-ID to resume without a gap' } },
    async (request, reply) => {
      reply.hijack();
      reply.raw.writeHead(200, sseHeaders);
      await serveAlertStream({
        feed: alerts.feed,
        lastEventId: parseLastEventId(request.headers['last-event-id']),
        replayAfter: async function* (after) {
          for (let position = after; ; ) {
            const page = await alerts.eventsAfter(position, 500);
            yield* page;
            if (page.length < 500) return;
            position = page.at(-1)!.seq;
          }
        },
        out: reply.raw,
      });
      reply.raw.end();
    },
  );
}
