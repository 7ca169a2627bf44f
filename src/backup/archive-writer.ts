import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { once } from 'node:events';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';

type MemberSink = ReturnType<ReturnType<typeof tar.pack>['entry']>;

/** The archive holds the signing key: only its owner may read it. */
export const ARCHIVE_MODE = 0o600;

/**
 * Writes a tar archive to a temporary file beside `file` and puts it in place
 * only on `commit`, after an fsync, so a backup that fails or is interrupted
 * leaves no partial archive under the name a restore would read.
 */
export class ArchiveWriter {
  readonly #pack = tar.pack();
  readonly #written: Promise<void>;
  readonly #mtime: Date;
  #bytes = 0;

  private constructor(
    readonly file: string,
    private readonly tempFile: string,
    mtime: Date,
  ) {
    this.#mtime = mtime;
    const sink = createWriteStream(tempFile, { flags: 'wx', mode: ARCHIVE_MODE });
    const counted = Readable.from(this.#pack).on('data', (chunk: Buffer) => (this.#bytes += chunk.length));
    this.#written = pipeline(counted, sink);
    // Surfaced by the next add or by commit; this keeps it from being reported as unhandled meanwhile.
    this.#written.catch(() => undefined);
  }

  static create(file: string, mtime: Date): ArchiveWriter {
    return new ArchiveWriter(file, join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}.partial`), mtime);
  }

  /** Bytes handed to the file so far. */
  get bytes(): number {
    return this.#bytes;
  }

  addBuffer(name: string, data: string | Buffer, mode = 0o644): Promise<void> {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    return this.addStream(name, bytes.length, [bytes], mode);
  }

  /**
   * Streams `size` bytes from `source` into a member; the source must yield
   * exactly that many. Resolves once the pack has taken them, which is what
   * keeps a fast source from piling up in memory ahead of the disk.
   */
  async addStream(name: string, size: number, source: Iterable<Buffer> | AsyncIterable<Buffer>, mode = 0o644): Promise<void> {
    let entry!: MemberSink;
    const taken = new Promise<void>((resolve, reject) => {
      entry = this.#pack.entry({ name, size, mode, mtime: this.#mtime, type: 'file' }, (error) => (error ? reject(error) : resolve()));
    });
    taken.catch(() => undefined);
    // The member's failure reaches us through `taken`; unheard, streamx would raise it as uncaught.
    entry.on('error', () => undefined);
    try {
      for await (const chunk of source) {
        if (!entry.write(chunk)) await this.#race(Promise.race([once(entry, 'drain'), taken]));
      }
      entry.end(null);
    } catch (error) {
      entry.destroy(error as Error);
      throw error;
    }
    await this.#race(taken);
  }

  /** Ends the archive, flushes it to disk and renames it over `file`. */
  async commit(): Promise<number> {
    this.#pack.finalize();
    await this.#written;
    const handle = await open(this.tempFile, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(this.tempFile, this.file);
    const dir = await open(dirname(this.file), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
    return this.#bytes;
  }

  /** Drops the temporary file; safe to call after a failure at any point. */
  async abort(): Promise<void> {
    this.#pack.destroy();
    await this.#written.catch(() => undefined);
    await rm(this.tempFile, { force: true });
  }

  /** Whichever comes first: `step`, or the failure of writing the file (a full disk must not leave us waiting for a drain). */
  #race<T>(step: Promise<T>): Promise<T> {
    return Promise.race([step, this.#written.then(() => step)]);
  }
}
