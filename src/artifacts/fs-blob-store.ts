import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { type FileHandle, mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { notFound, RegistryError } from '../errors/registry-error.js';
import type { BlobStat, BlobStore, ByteRange, PutOptions } from './blob-store.js';
import { resolveRange } from './byte-range.js';
import { type Digest, hexOf, parseDigest } from './digest.js';
import { DigestMeter } from './digest-meter.js';

/** 1 MiB strides: on a 1 GiB ingest 64 KiB strides ran ~25% slower and 8 MiB ones no faster. */
const STRIDE = 1024 * 1024;
const BLOB_MODE = 0o444;
const UPLOAD_MODE = 0o600;

/**
 * Blobs on the local filesystem under `root`:
 *
 *   root/sha256/<first 2 hex>/<64 hex>   finished blobs, read-only
 *   root/incoming/<random>               uploads in progress
 *
 * An upload is written and hashed in one pass, fsynced, then renamed into
 * place and its directory fsynced, so a blob is either absent or complete and
 * durable. `incoming/` and `sha256/` share a filesystem, which keeps the
 * rename atomic.
 *
 * Several servers may share a root: `init()` deletes only uploads in
 * `incoming/` untouched for STALE_UPLOAD_MS, the debris of a crash.
 */
/** An upload untouched this long is abandoned: no live transfer pauses for an hour. */
export const STALE_UPLOAD_MS = 60 * 60 * 1000;

export class FsBlobStore implements BlobStore {
  readonly #root: string;
  readonly #incoming: string;
  readonly #blobs: string;
  #ready: Promise<void> | undefined;

  constructor(root: string) {
    this.#root = root;
    this.#incoming = join(root, 'incoming');
    this.#blobs = join(root, 'sha256');
  }

  /** Creates the directories and clears crash debris. Idempotent; every other method awaits it. */
  init(): Promise<void> {
    this.#ready ??= this.#prepare().catch((error: unknown) => {
      this.#ready = undefined;
      throw error;
    });
    return this.#ready;
  }

  /** Where a blob lives; exposed for operators and tests, not for reading around the store. */
  pathOf(digest: Digest): string {
    // Re-parsed because the hex becomes a file name and a cast can forge a Digest.
    const hex = hexOf(parseDigest(digest));
    return join(this.#blobs, hex.slice(0, 2), hex);
  }

  async put(digest: Digest, body: NodeJS.ReadableStream | Readable, options: PutOptions = {}): Promise<{ size: number; created: boolean }> {
    const finalPath = this.pathOf(digest);
    checkPutOptions(options);
    await this.init();

    const tempPath = join(this.#incoming, randomBytes(16).toString('hex'));
    const sink = createWriteStream(tempPath, { flags: 'wx', mode: UPLOAD_MODE, highWaterMark: STRIDE });
    let placed = false;
    try {
      const meter = new DigestMeter({ ...options, highWaterMark: STRIDE });
      await pipeline(body, meter, sink);
      const size = meter.bytes;
      if (options.expectedSize !== undefined && size !== options.expectedSize) {
        throw new RegistryError('invalid_request', `The body is ${size} bytes but ${options.expectedSize} were expected`, {
          extensions: { expectedSize: options.expectedSize, size },
        });
      }
      const actual = meter.digest();
      if (actual !== digest) {
        throw new RegistryError('digest_mismatch', `The body hashes to ${actual}, not the expected ${digest}`, {
          extensions: { expected: digest, actual },
        });
      }
      if (await exists(finalPath)) return { size, created: false };

      await sealFile(tempPath);
      await this.#ensureShard(dirname(finalPath));
      // Two concurrent puts of one blob may both get here; the second rename
      // swaps in identical bytes, so the only cost is both reporting created.
      await rename(tempPath, finalPath);
      placed = true;
      await syncDirectory(dirname(finalPath));
      return { size, created: true };
    } finally {
      // After a failure the stream may still be opening the file; the unlink must come after that, not before.
      if (!sink.closed) {
        const closed = new Promise<void>((resolve) => sink.once('close', () => resolve()));
        sink.destroy();
        await closed;
      }
      if (!placed) await rm(tempPath, { force: true });
    }
  }

  async stat(digest: Digest): Promise<BlobStat | undefined> {
    const path = this.pathOf(digest);
    await this.init();
    try {
      const { size } = await stat(path);
      return { digest, size };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async open(digest: Digest, range?: ByteRange): Promise<Readable> {
    const path = this.pathOf(digest);
    await this.init();
    let handle: FileHandle;
    try {
      handle = await open(path, 'r');
    } catch (error) {
      if (isNotFound(error)) throw notFound(`Blob ${digest}`);
      throw error;
    }
    try {
      // Sized through the open handle, so the range is checked against the very file being read.
      const { size } = await handle.stat();
      const bounds = range === undefined ? {} : resolveRange(range, size);
      return handle.createReadStream({ ...bounds, highWaterMark: STRIDE });
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  async missing(digests: readonly Digest[]): Promise<Digest[]> {
    const unique = [...new Set(digests)];
    const present = await Promise.all(unique.map(async (digest) => (await this.stat(digest)) !== undefined));
    return unique.filter((_, index) => !present[index]);
  }

  async #prepare(): Promise<void> {
    await mkdir(this.#incoming, { recursive: true });
    await mkdir(this.#blobs, { recursive: true });
    // Only old files are debris: a recent one may be a live upload of another server sharing this folder.
    const cutoff = Date.now() - STALE_UPLOAD_MS;
    for (const name of await readdir(this.#incoming)) {
      const path = join(this.#incoming, name);
      const info = await stat(path).catch(() => undefined);
      if (info !== undefined && info.mtimeMs < cutoff) await rm(path, { force: true, recursive: true });
    }
    await syncDirectory(this.#root);
  }

  async #ensureShard(shard: string): Promise<void> {
    const made = await mkdir(shard, { recursive: true });
    // A new shard directory is itself an entry in sha256/ that must survive a crash.
    if (made !== undefined) await syncDirectory(this.#blobs);
  }
}

/**
 * Flushes the finished upload to disk and freezes it. fsync is per file, not
 * per descriptor, so a fresh descriptor flushes what the stream wrote.
 */
async function sealFile(path: string): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.sync();
    await handle.chmod(BLOB_MODE);
  } finally {
    await handle.close();
  }
}

function checkPutOptions(options: PutOptions): void {
  for (const name of ['maxBytes', 'expectedSize'] as const) {
    const value = options[name];
    if (value !== undefined && !(Number.isSafeInteger(value) && value >= 0)) {
      throw new RegistryError('invalid_request', `${name} must be a non-negative integer, got ${String(value)}`);
    }
  }
}

/** Makes a rename or create inside `dir` durable (POSIX: the entry lives in the directory, not the file). */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

function isNotFound(error: unknown): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === 'ENOENT';
}
