import { describe, expect, it } from 'vitest';
import type { AlertEvent } from '../../src/alerts/alert-event.js';
import { EventFeed, SSE_KEEP_ALIVE, formatSseEvent, formatSseFrame, parseLastEventId } from '../../src/alerts/event-stream.js';
import { alertEvents } from './events.js';
import { sleep, until } from './receiver.js';
import { parseSse } from './sse-parser.js';

describe('SSE formatting', () => {
  it('writes an alert as id (its seq), event (its type) and one line of JSON data, ended by a blank line', () => {
    const [event] = alertEvents(1, 42);
    expect(formatSseEvent(event!)).toBe(`id: 42\nevent: dependency.vulnerable\ndata: ${JSON.stringify(event)}\n\n`);
  });

  it('keeps data with line breaks in its strings to one data line that parses back to the same event', () => {
    const event: AlertEvent = { ...alertEvents(1)[0]!, data: { summary: 'first line\nsecond line\r\nthird\rfourth', note: 'data: forged\n\nid: 999' } };
    const frame = formatSseEvent(event);
    expect(frame.split('\n').filter((l) => l.startsWith('data:'))).toHaveLength(1);
    expect(frame.endsWith('\n\n')).toBe(true);
    expect(frame.slice(0, -2)).not.toMatch(/\r|\n\n/);
    const { events } = parseSse(frame);
    expect(events).toHaveLength(1);
    expect(events[0]?.id).toBe(String(event.seq));
    expect(JSON.parse(events[0]!.data)).toEqual(event);
  });

  it('splits a multi-line data text into data lines that a client joins back, and cannot be led to inject fields', () => {
    const frame = formatSseFrame({ id: '7\nevent: forged', event: 'note\r\ndata: forged', data: 'one\ntwo\r\nthree' });
    expect(frame).toBe('id: 7\nevent: note\ndata: one\ndata: two\ndata: three\n\n');
    expect(parseSse(frame).events).toEqual([{ id: '7', event: 'note', data: 'one\ntwo\nthree' }]);
  });

  it('makes the keep-alive a comment that clients ignore', () => {
    expect(parseSse(SSE_KEEP_ALIVE)).toEqual({ events: [], comments: ['keep-alive'] });
  });

  it('reads Last-Event-ID only when it is a sequence number', () => {
    expect(parseLastEventId('17')).toBe(17);
    expect(parseLastEventId(' 0 ')).toBe(0);
    for (const bad of [undefined, '', '-1', '1.5', 'abc', '99999999999999999999', ['1']]) expect(parseLastEventId(bad)).toBeUndefined();
  });
});

describe('EventFeed', () => {
  it('hands every subscriber each published event in order', async () => {
    const feed = new EventFeed();
    const [a, b]: number[][] = [[], []];
    feed.subscribe((e) => void a!.push(e.seq));
    feed.subscribe(async (e) => {
      await sleep(1);
      b!.push(e.seq);
    });
    feed.publish(alertEvents(3));
    feed.publish(alertEvents(2, 4));
    await until(() => b!.length === 5);
    expect(a).toEqual([1, 2, 3, 4, 5]);
    expect(b).toEqual([1, 2, 3, 4, 5]);
  });

  it('drops a subscriber that falls more than its buffer behind, without holding back the others', async () => {
    const feed = new EventFeed();
    const dropped: string[] = [];
    let releaseSlow!: () => void;
    const slowReceived: number[] = [];
    feed.subscribe(
      async (e) => {
        slowReceived.push(e.seq);
        await new Promise<void>((resolve) => (releaseSlow = resolve));
      },
      { maxBuffered: 3, onDropped: (reason) => dropped.push(reason) },
    );
    const fast: number[] = [];
    feed.subscribe((e) => void fast.push(e.seq), { maxBuffered: 3 });

    // One at a time, as commits would publish them.
    for (const event of alertEvents(5)) {
      feed.publish([event]);
      await sleep(0);
    }
    expect(fast).toEqual([1, 2, 3, 4, 5]);
    expect(dropped).toEqual(['slow_consumer']);
    expect(feed.subscriberCount).toBe(1);
    releaseSlow();
    await sleep(5);
    // Its buffer was let go with it; it never gets the rest.
    expect(slowReceived).toEqual([1]);
  });

  it('drops a subscriber whose listener fails, and stops after unsubscribe', async () => {
    const feed = new EventFeed();
    const dropped: unknown[] = [];
    feed.subscribe(
      () => {
        throw new Error('socket gone');
      },
      { onDropped: (reason, error) => dropped.push([reason, (error as Error).message]) },
    );
    const seen: number[] = [];
    const unsubscribe = feed.subscribe((e) => void seen.push(e.seq));
    feed.publish(alertEvents(1));
    await sleep(1);
    expect(dropped).toEqual([['listener_failed', 'socket gone']]);
    unsubscribe();
    unsubscribe();
    feed.publish(alertEvents(1, 2));
    await sleep(1);
    expect(seen).toEqual([1]);
    expect(feed.subscriberCount).toBe(0);
  });
});
