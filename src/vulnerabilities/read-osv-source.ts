import { open, readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { RegistryError, notFound } from '../errors/registry-error.js';
import type { Advisory } from './advisory.js';
import { parseOsvRecord } from './parse-osv.js';

/*
 * Reads OSV advisories from what a user points the CLI at: one JSON file
 * (a record or an array of records), a folder of them, or a zip such as
 * osv.dev's per-ecosystem `all.zip` (one record per entry). Only the CLI
 * calls this, on the user's machine; the server never reads paths.
 *
 * Every record yields one item, good or bad, so that one broken record does
 * not hide the thousands of good ones next to it. Inputs are bounded: a file
 * or zip entry above `maxFileBytes` is refused without being read whole (a
 * zip bomb stops at the limit), and reading stops after `maxFiles` files.
 * Zip entries are streamed into memory, never written to disk; folders are
 * walked in sorted order without following symbolic links.
 */

export const DEFAULT_MAX_FILE_BYTES = 5 * 1024 * 1024;
/** osv.dev's all.zip across every ecosystem holds several hundred thousand records. */
export const DEFAULT_MAX_FILES = 2_000_000;

export interface OsvSourceItem {
  /** Where the record came from: `a.json`, `a.json[3]` for an element of an array, `all.zip!/GHSA-….json`. */
  source: string;
  advisory?: Advisory;
  error?: string;
}

export interface ReadOsvOptions {
  maxFileBytes?: number;
  maxFiles?: number;
}

interface Limits {
  maxFileBytes: number;
  maxFiles: number;
}

const ZIP_MAGIC = Buffer.from('PK\x03\x04', 'latin1');
const EMPTY_ZIP_MAGIC = Buffer.from('PK\x05\x06', 'latin1');

/** Throws `not_found` when the path does not exist; every other problem is reported as an item. */
export async function* readOsvSource(path: string, options: ReadOsvOptions = {}): AsyncGenerator<OsvSourceItem> {
  const limits: Limits = { maxFileBytes: options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES, maxFiles: options.maxFiles ?? DEFAULT_MAX_FILES };
  const info = await stat(path).catch((cause: NodeJS.ErrnoException) => {
    if (cause.code === 'ENOENT') throw notFound(`The OSV source ${path}`);
    throw new RegistryError('invalid_request', `Cannot read the OSV source ${path}: ${cause.message}`, { cause });
  });
  if (info.isDirectory()) yield* readFolder(path, limits);
  else if (!info.isFile()) throw new RegistryError('invalid_request', `The OSV source ${path} is neither a file nor a folder`);
  else if (await isZip(path)) yield* readZip(path, limits);
  else yield* readJsonFile(path, limits);
}

async function* readFolder(folder: string, limits: Limits): AsyncGenerator<OsvSourceItem> {
  let files = 0;
  for await (const found of jsonFilesUnder(folder)) {
    if (!('file' in found)) {
      yield found;
      continue;
    }
    if (++files > limits.maxFiles) {
      yield { source: folder, error: `Reading stopped: the folder holds more than ${limits.maxFiles} JSON files` };
      return;
    }
    yield* readJsonFile(found.file, limits);
  }
}

async function* jsonFilesUnder(folder: string): AsyncGenerator<{ file: string } | OsvSourceItem> {
  let entries;
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch (cause) {
    yield { source: folder, error: `The folder cannot be listed: ${(cause as Error).message}` };
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(folder, entry.name);
    // Dirent reports the link itself: a symbolic link is neither a directory nor a file here, so it is skipped.
    if (entry.isDirectory()) yield* jsonFilesUnder(path);
    else if (entry.isFile() && entry.name.toLowerCase().endsWith('.json')) yield { file: path };
  }
}

async function* readJsonFile(file: string, limits: Limits): AsyncGenerator<OsvSourceItem> {
  let text: string;
  try {
    text = await readBounded(file, limits.maxFileBytes);
  } catch (cause) {
    yield { source: file, error: (cause as Error).message };
    return;
  }
  yield* recordsIn(text, file);
}

/** Reads at most `max` bytes; a file that has more is refused, whatever its size said a moment ago. */
async function readBounded(file: string, max: number): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    if (size > max) throw new Error(tooLarge('file', size, max));
    const buffer = Buffer.alloc(size + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > size) throw new Error('The file grew while it was read');
    return buffer.toString('utf8', 0, length);
  } finally {
    await handle.close();
  }
}

const tooLarge = (what: 'file' | 'entry', size: number, max: number) => `The ${what} is larger than the limit of ${max} bytes (${size} bytes or more)`;

async function isZip(file: string): Promise<boolean> {
  if (extname(file).toLowerCase() === '.zip') return true;
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await handle.read(head, 0, 4, 0);
    return bytesRead === 4 && (head.equals(ZIP_MAGIC) || head.equals(EMPTY_ZIP_MAGIC));
  } finally {
    await handle.close();
  }
}

async function* readZip(path: string, limits: Limits): AsyncGenerator<OsvSourceItem> {
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

function* recordsIn(text: string, source: string): Generator<OsvSourceItem> {
  let value: unknown;
  try {
    value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (cause) {
    // V8 quotes the input back in some messages; a record can be megabytes long.
    yield { source, error: `The record is not valid JSON: ${(cause as Error).message.replace(/, ".*" is not valid JSON$/s, '')}` };
    return;
  }
  if (!Array.isArray(value)) {
    yield parsed(value, source);
    return;
  }
  for (const [i, element] of value.entries()) yield parsed(element, `${source}[${i}]`);
}

function parsed(value: unknown, source: string): OsvSourceItem {
  try {
    return { source, advisory: parseOsvRecord(value) };
  } catch (cause) {
    if (cause instanceof RegistryError) return { source, error: cause.message };
    throw cause;
  }
}
