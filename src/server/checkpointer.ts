import type { LedgerSigner } from '../ledger/ledger-signer.js';
import type { Db } from '../store/database.js';
import { frontierOf } from '../store/merkle/head-frontier.js';
import { storedRoot } from '../store/merkle/prove-from-store.js';
import type { Writer } from '../store/write-command.js';
import type { WriteCommands } from './write-commands.js';

export const DEFAULT_CHECKPOINT_INTERVAL_MS = 1000;

/** The actor of the checkpoints the server records on its own. */
export const CHECKPOINTER_ACTOR = 'system:checkpointer';

export interface CheckpointerOptions {
  /** The main thread's (reading) connection; the checkpointer never writes through it. */
  readonly db: Db;
  readonly writer: Writer<WriteCommands>;
  readonly signer: LedgerSigner;
  /** At most one checkpoint per interval; 0 disables the checkpointer (no timer, none on close). */
  readonly intervalMs: number;
  readonly clock?: () => Date;
  /** A round that failed; the next one tries again. */
  readonly onError?: (error: unknown) => void;
}

/**
 * Signs and stores a checkpoint whenever the ledger has grown, so the log
 * commits to its history without waiting for someone to ask. It runs beside
 * the writer: it reads the head on the reading connection and hands the
 * signed note to the writer's `recordCheckpoint`, one small insert that joins
 * whatever batch is being committed.
 */
export class Checkpointer {
  readonly #options: CheckpointerOptions;
  #timer: NodeJS.Timeout | undefined;
  #round: Promise<number> = Promise.resolve(-1);
  /** The largest size stored so far; -1 until read from the database. */
  #stored = -1;
  /** A size whose stored tree disagreed with the head, reported once. */
  #refused = -1;
  #closed = false;

  constructor(options: CheckpointerOptions) {
    this.#options = options;
  }

  get enabled(): boolean {
    return this.#options.intervalMs > 0;
  }

  start(): this {
    if (this.enabled && !this.#closed) this.#schedule();
    return this;
  }

  /**
   * Signs the current head if it is larger than the newest stored checkpoint
   * and resolves with the newest stored size. Rounds never overlap.
   */
  checkpoint(): Promise<number> {
    this.#round = this.#round.then(
      () => this.#sign(),
      () => this.#sign(),
    );
    return this.#round;
  }

  /** Stops the timer and, when enabled, signs a last checkpoint of what was written. Call before the writer closes. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    if (!this.enabled) return;
    await this.checkpoint().catch((error: unknown) => this.#report(error));
  }

  #schedule(): void {
    // A timer that does not keep the process alive; rescheduled only after a round ends, so rounds are an interval apart.
    this.#timer = setTimeout(() => {
      void this.checkpoint()
        .catch((error: unknown) => this.#report(error))
        .finally(() => {
          if (!this.#closed) this.#schedule();
        });
    }, this.#options.intervalMs);
    this.#timer.unref();
  }

  async #sign(): Promise<number> {
    const { db, signer, writer, clock = () => new Date() } = this.#options;
    if (this.#stored < 0) this.#stored = await newestStoredSize(db);
    const head = await db.selectFrom('ledger_head').select(['size', 'frontier']).where('id', '=', 1).executeTakeFirstOrThrow();
    const frontier = frontierOf(head);
    const size = frontier.treeSize;
    if (size <= this.#stored) return this.#stored;
    // Nodes below the head are never rewritten, so the tree read now has the head's root; a signature
    // commits the log to it, so one that proofs from the stored tree would contradict is refused.
    const root = await storedRoot(db, size);
    if (!root.equals(frontier.root())) {
      if (this.#refused === size) return this.#stored;
      this.#refused = size;
      throw new Error(`the stored Merkle tree disagrees with the ledger head at size ${size}; no checkpoint signed (run modelkeep verify)`);
    }
    const note = signer.signCheckpoint(size, root);
    await writer.write({ actor: CHECKPOINTER_ACTOR }, 'recordCheckpoint', { size, root: root.toString('hex'), note, at: clock().toISOString() });
    this.#stored = size;
    return size;
  }

  #report(error: unknown): void {
    (this.#options.onError ?? defaultReport)(error);
  }
}

async function newestStoredSize(db: Db): Promise<number> {
  const row = await db
    .selectFrom('ledger_checkpoints')
    .select((eb) => eb.fn.max('size').as('size'))
    .executeTakeFirst();
  return row?.size === null || row?.size === undefined ? 0 : Number(row.size);
}

function defaultReport(error: unknown): void {
  process.emitWarning(`ModelKeep checkpointer: ${error instanceof Error ? error.message : String(error)}`, { code: 'MODELKEEP_CHECKPOINT' });
}
