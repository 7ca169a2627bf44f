import type { AlertEvent } from './alert-event.js';
import type { EventFeed } from './event-feed.js';
import { KEEP_ALIVE_INTERVAL_MS, SSE_KEEP_ALIVE, type SseWritable, formatSseEvent, writeSse } from './event-stream.js';

export interface AlertStreamOptions {
  readonly feed: EventFeed;
  /** From `parseLastEventId`; without one the client gets live events only. */
  readonly lastEventId: number | undefined;
  /** Committed outbox events with `seq > afterSeq`, in `seq` order (an array or pages streamed). */
  readonly replayAfter: (afterSeq: number) => Promise<Iterable<AlertEvent>> | AsyncIterable<AlertEvent>;
  /** The response, headers (`sseHeaders`) already sent. */
  readonly out: SseWritable & { end(): unknown };
  /** Which events this client may read (its namespaces); all by default. */
  readonly visible?: (event: AlertEvent) => boolean;
  readonly keepAliveMs?: number;
  readonly maxBuffered?: number;
}

export type AlertStreamEnd = 'client_closed' | 'slow_consumer' | 'listener_failed';

/**
 * Runs one SSE connection: replay after `Last-Event-ID`, then live events,
 * with a keep-alive comment while idle. It subscribes to the feed *before*
 * reading the outbox, holding live events back until the replay is written,
 * so an event committed during the replay is neither lost nor sent twice
 * (anything at or below the last `seq` sent is skipped). Resolves when the
 * client leaves or is dropped for falling behind (the response is then ended:
 * the client reconnects and resumes from the outbox).
 */
export async function serveAlertStream(options: AlertStreamOptions): Promise<AlertStreamEnd> {
  const { feed, out } = options;
  const visible = options.visible ?? (() => true);
  let lastSent = options.lastEventId ?? -1;
  let finish!: (end: AlertStreamEnd) => void;
  const ended = new Promise<AlertStreamEnd>((resolve) => (finish = resolve));
  let replayDone!: () => void;
  const replayed = new Promise<void>((resolve) => (replayDone = resolve));
  let over = false;
  void ended.then(() => (over = true));

  const send = async (event: AlertEvent): Promise<void> => {
    if (event.seq <= lastSent) return;
    lastSent = event.seq;
    if (visible(event)) await writeSse(out, formatSseEvent(event));
  };
  const unsubscribe = feed.subscribe(
    async (event) => {
      await replayed;
      if (!over) await send(event);
    },
    { ...(options.maxBuffered === undefined ? {} : { maxBuffered: options.maxBuffered }), onDropped: (reason) => finish(reason) },
  );
  const onClose = (): void => finish('client_closed');
  out.once('close', onClose);
  const keepAlive = setInterval(() => out.write(SSE_KEEP_ALIVE), options.keepAliveMs ?? KEEP_ALIVE_INTERVAL_MS);
  keepAlive.unref();
  const cleanUp = (): void => {
    clearInterval(keepAlive);
    unsubscribe();
    out.off('close', onClose);
  };

  try {
    if (options.lastEventId !== undefined) {
      for await (const event of await options.replayAfter(options.lastEventId)) {
        if (over) break;
        await send(event);
      }
    }
  } catch (error) {
    cleanUp();
    out.end();
    throw error;
  }
  replayDone();
  const end = await ended;
  cleanUp();
  if (end !== 'client_closed') out.end();
  return end;
}
