import { tampered } from './archive-format.js';

const NEWLINE = 0x0a;

/**
 * The lines of a JSON Lines body, each without its "\n". Split on bytes and
 * decoded strictly, so a line is exactly the bytes that were written: the
 * ledger's leaf hashes are over those bytes, and a lenient decoder would
 * silently turn invalid UTF-8 into different text. Every line, the last one
 * too, must end with "\n", so a truncated body is noticed.
 */
export async function* jsonLines(body: AsyncIterable<Buffer>, maxLineBytes: number, what: string): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const decode = (bytes: Buffer): string => {
    try {
      return decoder.decode(bytes);
    } catch {
      throw tampered(`${what} has a line that is not UTF-8`);
    }
  };
  for await (const chunk of body) {
    let start = 0;
    for (let end = chunk.indexOf(NEWLINE); end >= 0; end = chunk.indexOf(NEWLINE, start)) {
      const piece = chunk.subarray(start, end);
      if (pendingBytes + piece.length > maxLineBytes) throw tampered(`${what} has a line longer than ${maxLineBytes} bytes`);
      yield decode(pending.length === 0 ? piece : Buffer.concat([...pending, piece]));
      pending = [];
      pendingBytes = 0;
      start = end + 1;
    }
    if (start < chunk.length) {
      pending.push(chunk.subarray(start));
      pendingBytes += chunk.length - start;
      if (pendingBytes > maxLineBytes) throw tampered(`${what} has a line longer than ${maxLineBytes} bytes`);
    }
  }
  if (pendingBytes > 0) throw tampered(`${what} ends in the middle of a line`);
}
