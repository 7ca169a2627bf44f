import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertEvent } from '../../src/alerts/alert-event.js';
import { verifyWebhook } from '../../src/alerts/webhook-signature.js';
import type { AlertHubOptions } from '../../src/alerts/alert-hub.js';
import { dialects, discardTestRegistry, startTestRegistry, type TestRegistry, uploadBlob } from '../support/test-registry.js';
import { WebhookReceiver, unusedPort, waitUntil } from '../support/webhook-receiver.js';
import { lodashTemplateInjection, requestsProxyLeak } from '../vulnerabilities/osv-records.js';
import { parseSse } from './sse-parser.js';

/*
 * Alerts over HTTP on both databases. The Done-means case: a webhook whose
 * receiver is down when the events happen, and stays down across a restart
 * of the registry, still gets every event once it comes up — from the
 * durable outbox, retried with backoff, each signed so the receiver can
 * verify it — and the deliveries say so. Also: a webhook subscribed to one
 * type gets only that type, and the SSE stream replays after Last-Event-ID
 * and then carries live events.
 */

/** Polls and retries in 100 ms, so an outage and a restart fit in a test. */
const fastAlerts: AlertHubOptions = { pollMs: 100, dispatcher: { pollMs: 100, retryDelayMs: () => 100, timeoutMs: 2000, leaseMs: 5000 } };

type Delivery = { id: string; event: string; type: string; subject: string; status: string; attempts: number; lastStatus: number | null; lastError: string | null; deliveredAt: string | null };

describe.each(dialects)('webhooks and the event stream over HTTP ($name)', ({ name, skip }) => {
  let registry: TestRegistry;
  const receiver = new WebhookReceiver((request, index) => {
    // Coming up: the first answers are 503 while it warms up.
    if (index < 3) return 503;
    return request.path.startsWith('/hook') ? 200 : 404;
  });
  let everyType: { id: string; secret: string };
  let vulnerableOnly: { id: string; secret: string };
  let port: number;

  const deliveries = async (webhook: string): Promise<Delivery[]> => {
    const response = await registry.api('GET', `/api/v1/webhooks/${webhook}/deliveries?limit=1000`);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body.items as Delivery[];
  };
  const allEvents = async (): Promise<AlertEvent[]> => (await registry.api('GET', '/api/v1/events?limit=1000')).body.items as AlertEvent[];

  beforeAll(async () => {
    if (skip) return;
    registry = await startTestRegistry(name, { alerts: fastAlerts });
    port = await unusedPort();
    for (const [path, events] of [['/hook/all', undefined], ['/hook/vulnerable', ['dependency.vulnerable']]] as const) {
      const registered = await registry.api('POST', '/api/v1/webhooks', { url: `http://127.0.0.1:${port}${path}`, ...(events === undefined ? {} : { events }), description: `test ${path}` });
      expect(registered.status, JSON.stringify(registered.body)).toBe(201);
      expect(registered.body.secret).toMatch(/^whsec_/);
      const hook = { id: registered.body.id as string, secret: registered.body.secret as string };
      if (events === undefined) everyType = hook;
      else vulnerableOnly = hook;
    }
  });
  afterAll(async () => {
    await receiver.close();
    if (registry !== undefined) await discardTestRegistry(registry);
  });

  it.skipIf(skip)('refuses webhook URLs that are not http(s) or that carry credentials', async () => {
    for (const url of ['ftp://127.0.0.1/hook', 'http://user:pw@127.0.0.1/hook', 'not a url at all']) {
      const refused = await registry.api('POST', '/api/v1/webhooks', { url });
      expect(refused.status, url).toBe(400);
      expect(refused.body.code).toBe('invalid_request');
    }
    expect((await registry.api('POST', '/api/v1/webhooks', { url: 'http://127.0.0.1/hook', events: ['model.exploded'] })).status).toBe(400);
    expect((await registry.api('GET', '/api/v1/webhooks')).body.items).toHaveLength(2);
  });

  it.skipIf(skip)('delivers every event to a receiver that was down across a restart, signed, once it is up, from the durable outbox', async () => {
    // Events happen while nothing listens on the webhooks' port.
    expect((await registry.api('POST', '/api/v1/namespaces', { name: 'shop' })).status).toBe(201);
    expect((await registry.api('POST', '/api/v1/models', { namespace: 'shop', name: 'recommender', riskProfile: { sensitivity: 'high', regulatoryImpact: 'high', customerExposure: 'high' } })).status).toBe(201);
    const { digest } = await uploadBlob(registry, Buffer.from('weights'));
    const version = await registry.api('POST', '/api/v1/models/shop/recommender/versions', {
      manifest: [{ path: 'model.onnx', sha256: digest, size: 7 }],
      environment: { libraries: ['pkg:pypi/nose@1.3.7', 'pkg:pypi/requests@2.30.0', 'pkg:npm/lodash@4.17.20'] },
    });
    expect(version.status, JSON.stringify(version.body)).toBe(201);
    expect((await registry.api('POST', '/api/v1/library-deprecations', { purl: 'pkg:pypi/nose', reason: 'unmaintained since 2015', replacement: 'pkg:pypi/pytest' })).status).toBe(200);
    expect((await registry.api('POST', '/api/v1/advisories', { advisories: [requestsProxyLeak()] })).status).toBe(200);
    expect((await registry.api('POST', '/api/v1/advisories', { advisories: [lodashTemplateInjection()] })).status).toBe(200);
    // Scoring is explicit in this file (automatic rescoring is off in test registries); a first score of high alerts.
    expect((await registry.api('POST', '/api/v1/risk/rescore', {})).body).toMatchObject({ scored: 1, changed: 1 });

    const events = await allEvents();
    expect(events.map((e) => e.type)).toEqual(['dependency.deprecated', 'dependency.vulnerable', 'dependency.vulnerable', 'risk.tier_raised']);
    expect(events.map((e) => e.subject)).toEqual(['mk:library:pkg:pypi/nose', 'mk:advisory:GHSA-j8r2-6x86-q33q', 'mk:advisory:GHSA-35jh-r3h4-6jhm', 'mk:model:shop/recommender']);
    expect(events[0]!.data).toMatchObject({ library: 'pkg:pypi/nose', versions: ['mk:version:shop/recommender@1'], versionCount: 1 });
    expect(events[1]!.data).toMatchObject({ advisory: 'GHSA-j8r2-6x86-q33q', libraries: ['mk:library:pkg:pypi/requests@2.30.0'] });

    // The dispatcher tries, and the refusals are recorded on the deliveries.
    await waitUntil(async () => (await deliveries(everyType.id)).filter((d) => d.attempts >= 2).length === events.length, 10_000, 'every delivery has failed at least twice');
    const failing = await deliveries(everyType.id);
    expect(failing.every((d) => d.status === 'pending' && d.lastError === 'connection refused' && d.deliveredAt === null)).toBe(true);
    expect((await deliveries(vulnerableOnly.id)).map((d) => d.type)).toEqual(['dependency.vulnerable', 'dependency.vulnerable']);
    expect(receiver.received).toEqual([]);

    // The registry stops and starts again on the same database; only then does the receiver come up.
    const { dataDir, schema, adminToken } = registry;
    await registry.close();
    registry = await startTestRegistry(name, { dataDir, schema, adminToken, alerts: fastAlerts });
    await receiver.listen(port);

    const ids = new Set(events.map((e) => e.id));
    const deliveredTo = (path: string) => new Set(receiver.received.filter((r) => r.path === path && r.status === 200).map((r) => r.headers['webhook-id'] as string));
    await waitUntil(() => deliveredTo('/hook/all').size === ids.size && deliveredTo('/hook/vulnerable').size === 2, 15_000, 'every event reached the receiver');
    expect(deliveredTo('/hook/all')).toEqual(ids);
    expect(deliveredTo('/hook/vulnerable')).toEqual(new Set(events.filter((e) => e.type === 'dependency.vulnerable').map((e) => e.id)));
    // The 503s were retried.
    expect(receiver.received.filter((r) => r.status === 503)).toHaveLength(3);

    // Every request, retries included, is signed with its webhook's secret over the raw body, which is the event.
    for (const request of receiver.received) {
      const secret = request.path === '/hook/all' ? everyType.secret : vulnerableOnly.secret;
      const verdict = verifyWebhook(secret, request.headers, request.body);
      expect(verdict, `${request.path} ${String(request.headers['webhook-id'])}`).toMatchObject({ valid: true, id: request.headers['webhook-id'] });
      const event = JSON.parse(request.body.toString('utf8')) as AlertEvent;
      expect(event).toEqual(events.find((e) => e.id === event.id));
      expect(request.headers['content-type']).toBe('application/json');
    }
    // Another webhook's secret does not verify.
    const sample = receiver.received.find((r) => r.path === '/hook/all')!;
    expect(verifyWebhook(vulnerableOnly.secret, sample.headers, sample.body)).toEqual({ valid: false, reason: 'no_matching_signature' });

    await waitUntil(async () => (await deliveries(everyType.id)).every((d) => d.status === 'delivered'), 5000, 'the deliveries are recorded delivered');
    const done = await deliveries(everyType.id);
    expect(done).toHaveLength(events.length);
    for (const delivery of done) {
      expect(delivery).toMatchObject({ status: 'delivered', lastStatus: 200, lastError: null });
      expect(delivery.attempts).toBeGreaterThan(2);
      expect(delivery.deliveredAt).not.toBeNull();
    }
    const listed = (await registry.api('GET', '/api/v1/webhooks')).body.items as { id: string; deliveries: Record<string, number> }[];
    expect(listed.find((h) => h.id === everyType.id)!.deliveries).toEqual({ pending: 0, delivered: 4, dead: 0 });
    expect(listed.find((h) => h.id === vulnerableOnly.id)!.deliveries).toEqual({ pending: 0, delivered: 2, dead: 0 });
  });

  it.skipIf(skip)('replays the events after Last-Event-ID on the SSE stream, then carries live ones', async () => {
    const events = await allEvents();
    expect(events.length).toBeGreaterThanOrEqual(4);
    const controller = new AbortController();
    const response = await fetch(`${registry.url}/api/v1/events/stream`, { headers: { authorization: `Bearer ${registry.adminToken}`, 'last-event-id': String(events[0]!.seq) }, signal: controller.signal });
    try {
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const reader = response.body!.getReader();
      const decoder = new TextDecoder();
      let text = '';
      const frames = () => parseSse(text).events;
      const readUntil = async (count: number) => {
        const deadline = Date.now() + 5000;
        while (frames().length < count) {
          if (Date.now() > deadline) throw new Error(`only ${frames().length} of ${count} SSE frames arrived: ${text}`);
          const { value, done } = await reader.read();
          if (done) throw new Error('the stream ended');
          text += decoder.decode(value, { stream: true });
        }
      };

      // Everything after the first event, and not the first itself.
      await readUntil(events.length - 1);
      expect(frames().map((f) => f.id)).toEqual(events.slice(1).map((e) => String(e.seq)));
      expect(frames().map((f) => f.event)).toEqual(events.slice(1).map((e) => e.type));
      expect(frames().map((f) => JSON.parse(f.data) as AlertEvent)).toEqual(events.slice(1));

      // A live event follows the replay on the same connection.
      const version = await registry.api('POST', '/api/v1/library-deprecations', { purl: 'pkg:npm/lodash@4.17.20', reason: 'vulnerable; move to 4.17.21' });
      expect(version.status).toBe(200);
      await readUntil(events.length);
      const live = frames().at(-1)!;
      expect(live.event).toBe('dependency.deprecated');
      expect(JSON.parse(live.data)).toMatchObject({ subject: 'mk:library:pkg:npm/lodash@4.17.20' });
      expect(Number(live.id)).toBeGreaterThan(events.at(-1)!.seq);
    } finally {
      controller.abort();
    }
  });
});
