import type { AlertEvent } from './alert-event.js';

/*
 * Server-sent events (HTML Living Standard, "Server-sent events", §9.2): a
 * frame is `field: value` lines ended by a blank line; a line break inside a
 * value would start a new field, so every value here is kept to one line.
 */

export const sseHeaders = {
  'content-type': 'text/event-stream; charset=utf-8',
  // no-transform: a compressing proxy would otherwise hold frames back.
  'cache-control': 'no-cache, no-transform',
  // nginx buffers responses unless told not to.
  'x-accel-buffering': 'no',
} as const;

/** A comment line: ignored by EventSource, it keeps idle proxies from closing the stream. */
export const SSE_KEEP_ALIVE = ': keep-alive\n\n';
export const KEEP_ALIVE_INTERVAL_MS = 15_000;

const lineBreak = /\r\n|\r|\n/;

/** One frame; a multi-line `data` becomes several `data:` lines, which the client joins back with `\n`. */
export function formatSseFrame(frame: { id?: string; event?: string; data: string }): string {
  let out = '';
  // id and event cannot be split over lines, so a break in them is cut off rather than injected.
  if (frame.id !== undefined) out += `id: ${frame.id.split(lineBreak)[0]}\n`;
  if (frame.event !== undefined) out += `event: ${frame.event.split(lineBreak)[0]}\n`;
  for (const line of frame.data.split(lineBreak)) out += `data: ${line}\n`;
  return `${out}\n`;
}

/** An alert as one SSE frame: `id` is the outbox `seq`, so `Last-Event-ID` resumes after it. */
export function formatSseEvent(event: AlertEvent): string {
  // JSON.stringify escapes CR and LF inside strings, so the data is one line.
  return formatSseFrame({ id: String(event.seq), event: event.type, data: JSON.stringify(event) });
}

/** The `seq` to resume after, from a `Last-Event-ID` header; undefined when absent or not one of ours. */
export function parseLastEventId(header: string | readonly string[] | undefined): number | undefined {
  const value = typeof header === 'string' ? header.trim() : undefined;
  if (value === undefined || !/^\d{1,15}$/.test(value)) return undefined;
  return Number(value);
}

/** The part of a Node response (`reply.raw`) that SSE needs. */
export interface SseWritable {
  write(chunk: string): boolean;
  once(event: 'drain' | 'close', listener: () => void): unknown;
  off(event: 'drain' | 'close', listener: () => void): unknown;
  readonly destroyed?: boolean;
}

/**
 * Writes one frame and resolves when the socket can take more, so a slow
 * client shows up as a slow listener on the EventFeed (and is dropped there)
 * instead of as memory in the socket's buffer. Resolves too if the client goes away.
 */
export function writeSse(out: SseWritable, chunk: string): Promise<void> {
  if (out.destroyed) return Promise.resolve();
  if (out.write(chunk)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      out.off('drain', done);
      out.off('close', done);
      resolve();
    };
    out.once('drain', done);
    out.once('close', done);
  });
}

export { DEFAULT_MAX_BUFFERED, EventFeed, type FeedListener, type SubscribeOptions } from './event-feed.js';
