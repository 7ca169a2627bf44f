import { EventEmitter } from 'node:events';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { AlertEvent } from '../../src/alerts/alert-event.js';
import { EventFeed, parseLastEventId, sseHeaders } from '../../src/alerts/event-stream.js';
import { type AlertStreamEnd, serveAlertStream } from '../../src/alerts/serve-alert-stream.js';
import { alertEvents } from './events.js';
import { until } from './receiver.js';
import { parseSse } from './sse-parser.js';

/** The route as the integrator will write it, over a real HTTP server. */
async function alertServer(feed: EventFeed, replayAfter: (seq: number) => AsyncIterable<AlertEvent>, visible?: (e: AlertEvent) => boolean) {
  const ends: AlertStreamEnd[] = [];
  const server = createServer((request, response) => {
    response.writeHead(200, sseHeaders);
    void serveAlertStream({ feed, lastEventId: parseLastEventId(request.headers['last-event-id']), replayAfter, out: response, keepAliveMs: 40, ...(visible ? { visible } : {}) }).then((end) => ends.push(end));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, ends, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts/stream` };
}

/** Reads the stream as it arrives. */
async function connect(url: string, lastEventId?: string) {
  const abort = new AbortController();
  const response = await fetch(url, { headers: lastEventId === undefined ? {} : { 'last-event-id': lastEventId }, signal: abort.signal });
  let text = '';
  const reading = (async () => {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of response.body!) text += decoder.decode(chunk as Uint8Array, { stream: true });
    } catch {
      // aborted
    }
  })();
  return {
    response,
    parsed: () => parseSse(text),
    seqs: () => parseSse(text).events.map((e) => Number(e.id)),
    close: async () => {
      abort.abort();
      await reading;
    },
  };
}

describe('serveAlertStream', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('replays after Last-Event-ID, then goes live, losing nothing committed during the replay and sending nothing twice', async () => {
    const feed = new EventFeed();
    const outbox = alertEvents(5);
    const commit = (events: AlertEvent[]): void => {
      outbox.push(...events);
      feed.publish(events);
    };
    // Pages read from the outbox one at a time; an event commits between two pages.
    async function* replayAfter(seq: number): AsyncIterable<AlertEvent> {
      let after = seq;
      for (;;) {
        const next = outbox.find((e) => e.seq > after);
        if (!next) return;
        if (next.seq === 4) commit(alertEvents(1, 6));
        yield next;
        after = next.seq;
      }
    }
    const { server, ends, url } = await alertServer(feed, replayAfter);
    servers.push(server);

    const client = await connect(url, '2');
    expect(client.response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    await until(() => client.seqs().length === 4, 2000, 'the replay');
    expect(client.seqs()).toEqual([3, 4, 5, 6]);

    commit(alertEvents(1, 7));
    await until(() => client.seqs().length === 5, 2000, 'the live event');
    await until(() => client.parsed().comments.includes('keep-alive'), 2000, 'a keep-alive');
    const events = client.parsed().events;
    expect(events.map((e) => Number(e.id))).toEqual([3, 4, 5, 6, 7]);
    expect(JSON.parse(events[4]!.data)).toEqual(alertEvents(1, 7)[0]);
    expect(events[4]?.event).toBe('dependency.vulnerable');

    await client.close();
    await until(() => ends.length === 1, 2000, 'the server to notice');
    expect(ends).toEqual(['client_closed']);
    expect(feed.subscriberCount).toBe(0);
  });

  it('sends only live events to a client without Last-Event-ID, and only those it may see', async () => {
    const feed = new EventFeed();
    let replayed = false;
    async function* replayAfter(): AsyncIterable<AlertEvent> {
      replayed = true;
    }
    const { server, url } = await alertServer(feed, replayAfter, (e) => e.seq % 2 === 0);
    servers.push(server);
    const client = await connect(url);
    await until(() => feed.subscriberCount === 1, 2000, 'the subscription');
    feed.publish(alertEvents(4, 10));
    await until(() => client.seqs().length === 2, 2000, 'the visible events');
    expect(client.seqs()).toEqual([10, 12]);
    expect(replayed).toBe(false);
    await client.close();
  });

  it('ends the response of a client that stops reading once its buffer is full', async () => {
    const feed = new EventFeed();
    // A socket whose buffer is full and never drains.
    const written: string[] = [];
    let ended = false;
    const out = Object.assign(new EventEmitter(), {
      write: (chunk: string) => written.push(chunk) < 0,
      end: () => (ended = true),
    });
    const ending = serveAlertStream({ feed, lastEventId: undefined, replayAfter: async () => [], out, maxBuffered: 2 });
    for (const event of alertEvents(5)) {
      feed.publish([event]);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(await ending).toBe('slow_consumer');
    expect(ended).toBe(true);
    expect(written).toHaveLength(1);
    expect(feed.subscriberCount).toBe(0);
  });
});
