import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { RegistryError, notFound } from '../errors/registry-error.js';
import { type Limits, type OsvSourceItem, recordsIn, tooLarge } from './osv-source-items.js';
import { isZip, readZip } from './read-osv-zip.js';

export type { OsvSourceItem } from './osv-source-items.js';

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

export interface ReadOsvOptions {
  maxFileBytes?: number;
  maxFiles?: number;
}

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

