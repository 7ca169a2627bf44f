import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

const STRIDE = 1024 * 1024;

/** SHA-256 and length of a file, streamed in 1 MiB strides; `onBytes` sees each stride. */
export async function hashFile(path: string, onBytes: (bytes: number) => void = () => undefined): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: STRIDE }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
    onBytes(chunk.length);
  }
  return { sha256: `sha256:${hash.digest('hex')}`, size };
}
