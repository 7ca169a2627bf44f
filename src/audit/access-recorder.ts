import type { WriteCommands } from '../server/write-commands.js';
import type { Writer } from '../store/write-command.js';
import type { AccessRead } from './access-record.js';

/** The actor of the anchoring entries. */
export const ACCESS_LOG_ACTOR = 'system:access-log';

export const DEFAULT_ACCESS_FLUSH_MS = 1000;
export const DEFAULT_ACCESS_BATCH = 1000;
export const DEFAULT_ACCESS_BUFFER = 100_000;
/** While writes fail, how long to wait before trying again (when no shorter flush interval applies). */
const RETRY_MS = 1000;

export interface AccessRecorderOptions {
  readonly writer: Writer<WriteCommands>;
  /** A batch is written this long after its first read arrived; 0: only when a batch fills, and on close. */
  readonly flushMs?: number;
  /** Records per batch (one anchoring entry each); a full batch is written at once. */
  readonly batchSize?: number;
  /** While writes fail, at most this many reads are kept; older ones are dropped and counted. */
  readonly maxBuffered?: number;
  /** A flush that failed, or reads dropped; records are kept for the next flush. */
  readonly onWarning?: (message: string) => void;
}

/**
 * Keeps the access log off the read path: a read only pushes a record here;
 * records reach the database in batches, each through the writer as one
 * `anchorAccessBatch`. A failed batch goes back to the front of the buffer
 * and is retried on the next flush. Memory stays bounded: past `maxBuffered`
 * the oldest reads are dropped, and their number rides in the next anchor so
 * the gap is itself on the record.
 */
export class AccessRecorder {
  readonly #writer: Writer<WriteCommands>;
  readonly #flushMs: number;
  readonly #batchSize: number;
  readonly #maxBuffered: number;
  readonly #warn: (message: string) => void;
  #buffer: AccessRead[] = [];
  /** Dropped since the last anchor that reported drops. */
  #dropped = 0;
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> | undefined;
  #failing = false;
  #closed = false;

  constructor(options: AccessRecorderOptions) {
    this.#writer = options.writer;
    this.#flushMs = options.flushMs ?? DEFAULT_ACCESS_FLUSH_MS;
    this.#batchSize = Math.max(1, options.batchSize ?? DEFAULT_ACCESS_BATCH);
    this.#maxBuffered = Math.max(this.#batchSize, options.maxBuffered ?? DEFAULT_ACCESS_BUFFER);
    this.#warn = options.onWarning ?? defaultWarning;
  }

  /** Reads waiting to be written. */
  get pending(): number {
    return this.#buffer.length;
  }

  /** Called on every audited read: constant time, no I/O. */
  record(read: AccessRead): void {
    if (this.#closed) return;
    this.#buffer.push(read);
    if (this.#buffer.length > this.#maxBuffered) this.#dropOldest();
    // While writes fail, retries wait for the timer rather than follow every read.
    if (this.#buffer.length >= this.#batchSize && !this.#failing) void this.flush();
    else this.#schedule();
  }

  /** Writes what is waiting, full batches and then the rest; never rejects (a failed batch stays buffered). */
  flush(): Promise<void> {
    this.#flushing ??= this.#drain(false).finally(() => {
      this.#flushing = undefined;
      this.#schedule();
    });
    return this.#flushing;
  }

  /** Stops taking reads and writes every one still waiting. Call before the writer closes. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#flushing;
    await this.#drain(true);
    if (this.#buffer.length > 0) this.#warn(`${this.#buffer.length} access record(s) could not be written before shutdown and are lost`);
  }

  #schedule(): void {
    if (this.#closed || this.#timer !== undefined || this.#flushing !== undefined || this.#buffer.length === 0) return;
    const delay = this.#failing ? Math.max(this.#flushMs, RETRY_MS) : this.#flushMs;
    if (delay <= 0) return;
    // Does not keep the process alive: close() writes what is left.
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.flush();
    }, delay);
    this.#timer.unref();
  }

  /** Writes one batch, then more while full ones wait (or, when `all`, until none waits). Stops at the first failure. */
  async #drain(all: boolean): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    let first = true;
    while (this.#buffer.length > 0 && (first || all || this.#buffer.length >= this.#batchSize)) {
      first = false;
      const reads = this.#buffer.splice(0, this.#batchSize);
      const dropped = this.#dropped;
      try {
        await this.#writer.write({ actor: ACCESS_LOG_ACTOR }, 'anchorAccessBatch', { reads, dropped });
      } catch (error) {
        // Back in front, so ids keep the order the reads happened in.
        this.#buffer = reads.concat(this.#buffer);
        if (this.#buffer.length > this.#maxBuffered) this.#dropOldest();
        if (!this.#failing) this.#warn(`access records could not be written (${describe(error)}); ${this.#buffer.length} kept for the next try`);
        this.#failing = true;
        return;
      }
      this.#dropped -= dropped;
      if (dropped > 0) this.#warn(`the anchor just written records ${dropped} dropped read(s)`);
      if (this.#failing) this.#warn('access records are being written again');
      this.#failing = false;
    }
  }

  /**
   * Drops the oldest reads to get back under the bound, plus 1% more, so a
   * full buffer is not shifted on every read while writes are failing.
   */
  #dropOldest(): void {
    const count = this.#buffer.length - this.#maxBuffered + Math.ceil(this.#maxBuffered / 100);
    this.#buffer.splice(0, count);
    if (this.#dropped === 0) this.#warn(`the access log buffer is full; dropping the oldest reads (${count} so far); the next anchor records how many`);
    this.#dropped += count;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function defaultWarning(message: string): void {
  process.emitWarning(`ModelKeep access log: ${message}`, { code: 'MODELKEEP_ACCESS_LOG' });
}
