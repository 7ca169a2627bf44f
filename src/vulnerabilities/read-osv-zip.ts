import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { type Limits, type OsvSourceItem, recordsIn, tooLarge } from './osv-source-items.js';

/*
 * osv.dev's dumps (`<ecosystem>/all.zip`) hold one JSON record per entry.
 * Entries are inflated into memory, one at a time and never to disk; an
 * entry whose header declares more than the limit is refused unread, and one
 * whose header lies stops inflating at the limit (yauzl also checks the
 * inflated size against the header).
 */

const ZIP_MAGIC = Buffer.from('PK\x03\x04', 'latin1');
const EMPTY_ZIP_MAGIC = Buffer.from('PK\x05\x06', 'latin1');

/** A `.zip` name, or the zip signature at the start of the file. A file that cannot be opened is not a zip: reading it as JSON reports why. */
export async function isZip(file: string): Promise<boolean> {
  if (extname(file).toLowerCase() === '.zip') return true;
  const head = Buffer.alloc(4);
  try {
    const handle = await open(file, 'r');
    try {
      await handle.read(head, 0, 4, 0);
    } finally {
      await handle.close();
    }
  } catch {
    return false;
  }
  return head.equals(ZIP_MAGIC) || head.equals(EMPTY_ZIP_MAGIC);
}

export async function* readZip(path: string, limits: Limits): AsyncGenerator<OsvSourceItem> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(path, { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false });
  } catch (cause) {
    yield { source: path, error: `The zip cannot be read: ${(cause as Error).message}` };
    return;
  }
  let files = 0;
  try {
    const entries = zip.eachEntry();
    for (;;) {
      let next: IteratorResult<yauzl.Entry>;
      try {
        next = await entries.next();
      } catch (cause) {
        yield { source: path, error: `The zip cannot be read: ${(cause as Error).message}` };
        return;
      }
      if (next.done === true) return;
      const entry = next.value;
      if (entry.fileName.endsWith('/') || !entry.fileName.toLowerCase().endsWith('.json')) continue;
      const source = `${path}!/${entry.fileName}`;
      if (++files > limits.maxFiles) {
        yield { source: path, error: `Reading stopped: the zip holds more than ${limits.maxFiles} JSON entries` };
        return;
      }
      // The declared size is checked first, then the bytes actually inflated: a lying header stops at the limit too.
      if (entry.uncompressedSize > limits.maxFileBytes) {
        yield { source, error: tooLarge('entry', entry.uncompressedSize, limits.maxFileBytes) };
        continue;
      }
      let text: string;
      try {
        text = await readEntry(await zip.openReadStreamPromise(entry), limits.maxFileBytes);
      } catch (cause) {
        yield { source, error: (cause as Error).message };
        continue;
      }
      yield* recordsIn(text, source);
    }
  } finally {
    zip.close();
  }
}

function readEntry(stream: Readable, max: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    stream.on('data', (chunk: Buffer) => {
      length += chunk.length;
      if (length > max) {
        stream.destroy();
        reject(new Error(tooLarge('entry', length, max)));
        return;
      }
      chunks.push(chunk);
    });
    stream.on('error', (cause) => reject(new Error(`The entry cannot be read: ${cause.message}`, { cause })));
    stream.on('end', () => resolve(Buffer.concat(chunks, length).toString('utf8')));
  });
}

