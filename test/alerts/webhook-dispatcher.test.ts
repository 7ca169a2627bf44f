import { afterEach, describe, expect, it } from 'vitest';
import { WebhookDispatcher, type WebhookDispatcherOptions } from '../../src/alerts/webhook-dispatcher.js';
import { newWebhookSecret, verifyWebhook } from '../../src/alerts/webhook-signature.js';
import { alertEvents } from './events.js';
import { MemoryQueue } from './memory-queue.js';
import { Receiver, closedPort, sleep, until } from './receiver.js';

/** Retries in 20 ms instead of seconds, so a whole outage fits in a test. */
const fast: WebhookDispatcherOptions = { pollMs: 10, retryDelayMs: () => 20, timeoutMs: 500, leaseMs: 5_000 };

/** What a careful receiver does: verify, then keep each webhook-id once. */
function dedupingReceiver(secret: string): { receiver: Receiver; seen: Map<string, number> } {
  const seen = new Map<string, number>();
  const receiver = new Receiver((request, response) => {
    if (!verifyWebhook(secret, request.headers, request.body).valid) return void response.writeHead(401).end();
    const id = request.headers['webhook-id'] as string;
    seen.set(id, (seen.get(id) ?? 0) + 1);
    response.writeHead(204).end();
  });
  return { receiver, seen };
}

describe('WebhookDispatcher', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  const started = (queue: MemoryQueue, options: WebhookDispatcherOptions): WebhookDispatcher => {
    const dispatcher = new WebhookDispatcher(queue, options);
    dispatcher.start();
    cleanups.push(() => dispatcher.stop());
    return dispatcher;
  };
  const receiving = (receiver: Receiver): Receiver => {
    cleanups.push(() => receiver.close());
    return receiver;
  };

  it('gets every event to a receiver that is down at first (refusing, then 503) once it is up, each recorded delivered once', async () => {
    const secret = newWebhookSecret();
    const port = await closedPort();
    const down = { id: 'wh_down', url: `http://127.0.0.1:${port}/hook`, secret };
    const { receiver: healthy, seen: healthySeen } = dedupingReceiver(secret);
    const up = { id: 'wh_up', url: await receiving(healthy).listen(), secret };
    const queue = new MemoryQueue();
    const events = alertEvents(6);
    queue.enqueue(events, [down, up]);

    started(queue, fast);
    // The healthy webhook is not held back by the dead one.
    await until(() => healthySeen.size === 6, 2000, 'the healthy receiver');
    await until(() => queue.log.filter((l) => l.error === 'connection refused').length >= 6, 2000, 'refused attempts');

    // Now it comes up, answering 503 while it warms up, then verifying and deduping like a careful receiver.
    let unavailable = 8;
    const seen = new Map<string, number>();
    const late = receiving(
      new Receiver((request, response) => {
        if (unavailable-- > 0) return void response.writeHead(503).end();
        if (!verifyWebhook(secret, request.headers, request.body).valid) return void response.writeHead(401).end();
        const id = request.headers['webhook-id'] as string;
        seen.set(id, (seen.get(id) ?? 0) + 1);
        response.writeHead(200).end();
      }),
    );
    await late.listen(port);

    await until(() => queue.pending() === 0, 2500, 'every delivery');
    expect([...seen.keys()].sort()).toEqual(events.map((e) => e.id).sort());
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    const deliveredCalls = queue.log.filter((l) => l.call === 'delivered');
    expect(deliveredCalls).toHaveLength(12);
    expect(new Set(deliveredCalls.map((l) => l.deliveryId)).size).toBe(12);
    expect(queue.log.some((l) => l.error === 'HTTP 503')).toBe(true);
    // Attempts are counted up one by one on each delivery.
    const downFailures = queue.log.filter((l) => l.call === 'failed' && l.deliveryId === 'evt_1>wh_down').map((l) => l.attempt);
    expect(downFailures).toEqual(downFailures.map((_, i) => i + 1));
  });

  it('sends again after a timeout, so the receiver sees one event twice and dedupes it on webhook-id', async () => {
    const secret = newWebhookSecret();
    const seen: string[] = [];
    let first = true;
    const receiver = receiving(
      new Receiver((request, response) => {
        seen.push(request.headers['webhook-id'] as string);
        // The first answer comes too late: the receiver processed the event but the sender never heard.
        if (first) {
          first = false;
          setTimeout(() => response.writeHead(200).end(), 300);
          return;
        }
        response.writeHead(200).end();
      }),
    );
    const queue = new MemoryQueue();
    const [event] = alertEvents(1);
    queue.enqueue([event!], [{ id: 'wh', url: await receiver.listen(), secret }]);
    started(queue, { ...fast, timeoutMs: 100 });

    await until(() => queue.pending() === 0, 2000, 'the delivery');
    expect(seen).toEqual([event!.id, event!.id]);
    expect(new Set(seen).size).toBe(1);
    expect(queue.log.map((l) => l.call)).toEqual(['failed', 'delivered']);
    expect(queue.log[0]?.error).toBe('timed out after 100 ms');
  });

  it('waits, when stopped, for the posts already in flight and records their outcome', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const receiver = receiving(new Receiver((_request, response) => void held.then(() => response.writeHead(204).end())));
    const queue = new MemoryQueue();
    queue.enqueue(alertEvents(2), [{ id: 'wh', url: await receiver.listen(), secret: newWebhookSecret() }]);
    const dispatcher = new WebhookDispatcher(queue, fast);
    dispatcher.start();
    await until(() => receiver.requests.length === 2, 2000, 'both posts');

    let stopped = false;
    const stopping = dispatcher.stop().then(() => (stopped = true));
    await sleep(100);
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(queue.log.map((l) => l.call)).toEqual(['delivered', 'delivered']);
  });

  it('retries a delivery whose sender crashed mid-post once its lease has expired, and not before', async () => {
    let now = Date.now();
    const clock = (): Date => new Date(now);
    const receiver = receiving(new Receiver());
    const queue = new MemoryQueue();
    queue.enqueue(alertEvents(1), [{ id: 'wh', url: await receiver.listen(), secret: newWebhookSecret() }], now);
    // Another server claimed it and died before recording anything.
    expect(await queue.claimDue(clock(), 10, 60_000)).toHaveLength(1);

    const dispatcher = started(queue, { ...fast, clock });
    await sleep(100);
    expect(receiver.requests).toHaveLength(0);

    now += 60_001;
    dispatcher.wake();
    await until(() => queue.pending() === 0, 2000, 'the retried delivery');
    expect(receiver.requests).toHaveLength(1);
    expect(queue.log).toEqual([{ call: 'delivered', deliveryId: 'evt_1>wh', status: 204 }]);
  });

  it('declares a delivery dead after its last attempt and keeps it, stopping the retries', async () => {
    const receiver = receiving(new Receiver((_request, response) => response.writeHead(500).end()));
    const queue = new MemoryQueue();
    queue.enqueue(alertEvents(1), [{ id: 'wh', url: await receiver.listen(), secret: newWebhookSecret() }]);
    started(queue, { ...fast, maxAttempts: 3 });

    await until(() => queue.rows[0]?.status === 'dead', 2000, 'the dead delivery');
    await sleep(80);
    expect(receiver.requests).toHaveLength(3);
    expect(queue.log.map((l) => [l.attempt, l.next === null])).toEqual([[1, false], [2, false], [3, true]]);
    expect(queue.rows[0]).toMatchObject({ attempts: 3, lastError: 'HTTP 500' });
  });

  it('looks at once when woken, instead of waiting for the next poll', async () => {
    const receiver = receiving(new Receiver());
    const queue = new MemoryQueue();
    const url = await receiver.listen();
    const dispatcher = started(queue, { ...fast, pollMs: 60_000 });
    await sleep(30);
    queue.enqueue(alertEvents(1), [{ id: 'wh', url, secret: newWebhookSecret() }]);
    dispatcher.wake();
    await until(() => queue.pending() === 0, 1000, 'the woken delivery');
  });

  it('keeps at most `concurrency` posts in flight and works through a backlog larger than that', async () => {
    let inFlight = 0;
    let most = 0;
    const receiver = receiving(
      new Receiver((_request, response) => {
        most = Math.max(most, ++inFlight);
        setTimeout(() => {
          inFlight--;
          response.writeHead(204).end();
        }, 15);
      }),
    );
    const queue = new MemoryQueue();
    queue.enqueue(alertEvents(12), [{ id: 'wh', url: await receiver.listen(), secret: newWebhookSecret() }]);
    started(queue, { ...fast, pollMs: 60_000, concurrency: 3 });
    await until(() => queue.pending() === 0, 2500, 'the backlog');
    expect(most).toBeLessThanOrEqual(3);
    expect(receiver.requests).toHaveLength(12);
  });

  it('reports a failing queue and carries on polling', async () => {
    const errors: unknown[] = [];
    const queue = new MemoryQueue();
    let failures = 2;
    const claim = queue.claimDue.bind(queue);
    queue.claimDue = async (...args) => {
      if (failures-- > 0) throw new Error('database is away');
      return claim(...args);
    };
    const receiver = receiving(new Receiver());
    queue.enqueue(alertEvents(1), [{ id: 'wh', url: await receiver.listen(), secret: newWebhookSecret() }]);
    started(queue, { ...fast, onError: (error) => errors.push(error) });
    await until(() => queue.pending() === 0, 2000, 'the delivery');
    expect(errors.map((e) => (e as Error).message)).toEqual(['database is away', 'database is away']);
  });

  it('refuses a post timeout that is not shorter than the lease', () => {
    expect(() => new WebhookDispatcher(new MemoryQueue(), { timeoutMs: 60_000, leaseMs: 60_000 })).toThrow(/shorter than the lease/);
  });
});
