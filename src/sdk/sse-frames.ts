/*
 * Reads a server-sent event stream as EventSource does (HTML Living Standard,
 * "Server-sent events", §9.2.6 "Interpreting an event stream"): lines end in
 * CRLF, LF or CR; `field: value` lines accumulate until a blank line
 * dispatches the frame; lines starting with `:` are comments (keep-alives).
 */

export interface SseFrame {
  readonly id: string | undefined;
  readonly event: string | undefined;
  readonly data: string;
}

/** Frames from a stream of text chunks; a frame cut off by the end of the stream is dropped, as the standard says. */
export async function* sseFrames(chunks: AsyncIterable<string>): AsyncGenerator<SseFrame> {
  let buffer = '';
  let data: string[] = [];
  let id: string | undefined;
  let event: string | undefined;
  for await (const chunk of chunks) {
    buffer += chunk;
    for (;;) {
      const end = buffer.search(/\r\n|\r|\n/);
      // A CR at the very end may be the first half of a CRLF: wait for the next chunk.
      if (end < 0 || (end === buffer.length - 1 && buffer[end] === '\r')) break;
      const line = buffer.slice(0, end);
      buffer = buffer.slice(buffer.startsWith('\r\n', end) ? end + 2 : end + 1);
      if (line === '') {
        if (data.length > 0) yield { id, event, data: data.join('\n') };
        data = [];
        event = undefined;
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'data') data.push(value);
      else if (field === 'event') event = value;
      // The id persists across frames (it is the stream's last event id); one holding NUL is ignored.
      else if (field === 'id' && !value.includes('\0')) id = value;
    }
  }
}
