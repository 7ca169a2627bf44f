import { sql } from 'kysely';
import { RegistryError } from '../errors/registry-error.js';
import type { MerkleFrontier, Subtree } from '../ledger/merkle-frontier.js';
import { sealEntry } from '../ledger/seal-entry.js';
import type { Db } from './database.js';
import type { StoreDialect } from './dialect.js';
import { frontierOf, storedFrontier } from './merkle/head-frontier.js';
import { insertNodes } from './merkle/insert-nodes.js';
import { appendEntries } from './ledger/append-entries.js';
import type { ArgsOf, CommandTable, ResultOf, WriteContext, WriteOutcome, WriteSteps, Writer } from './write-command.js';

type WriteRequest = WriteContext & WriteSteps<unknown>;

/** How long a retry with the same Idempotency-Key gets the first answer. */
export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;
const PURGE_EVERY_BATCHES = 1024;

/** A write failed after it began writing, with no savepoint to undo just it. */
class RetryGuarded extends Error {}

interface Pending {
  readonly request: WriteRequest;
  resolve(outcome: WriteOutcome<unknown>): void;
  reject(error: unknown): void;
}

/**
 * The only path by which anything is written. Requests that arrive while a
 * commit is in flight are gathered into the next transaction (group commit),
 * each inside its own savepoint so one failure undoes only its own changes;
 * every caller is answered only after the commit that holds its entries.
 */
export class LedgerWriter<T extends CommandTable> implements Writer<T> {
  private readonly queue: Pending[] = [];
  private draining = false;
  private batches = 0;

  constructor(
    private readonly dialect: StoreDialect,
    private readonly commands: T,
    private readonly clock: () => Date = () => new Date(),
    private readonly maxBatch = 128,
  ) {}

  write<K extends keyof T & string>(context: WriteContext, name: K, args: ArgsOf<T, K>): Promise<WriteOutcome<ResultOf<T, K>>> {
    const command = this.commands[name] as ((args: ArgsOf<T, K>) => WriteSteps<ResultOf<T, K>>) | undefined;
    if (command === undefined) return Promise.reject(new RegistryError('internal', `No write command ${name}`));
    const steps = command(args);
    const request: WriteRequest = { ...context, decide: (tx) => steps.decide(tx), respond: (tx, entries) => steps.respond(tx, entries) };
    return new Promise<WriteOutcome<ResultOf<T, K>>>((resolve, reject) => {
      this.queue.push({ request, resolve: resolve as Pending['resolve'], reject });
      if (!this.draining) {
        this.draining = true;
        // Let the I/O already waiting enqueue its writes, so they share a commit.
        setImmediate(() => void this.drain());
      }
    });
  }

  /** Resolves once every queued write has been committed or refused. */
  async idle(): Promise<void> {
    while (this.draining) await new Promise((resolve) => setImmediate(resolve));
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        await this.commitBatch(batch);
      }
    } finally {
      this.draining = false;
    }
  }

  /**
   * `guarded` puts each write in a savepoint. Where a failed statement does not
   * poison the transaction (SQLite), writes run unguarded: one refused while
   * deciding has written nothing, and the rare one that fails after it began
   * writing makes the whole batch run again, guarded.
   */
  private async commitBatch(batch: readonly Pending[], guarded = this.dialect.failedStatementAbortsTransaction): Promise<void> {
    const settle: Array<() => void> = [];
    try {
      await this.dialect.db.transaction().execute(async (tx) => {
        // Takes the write lock first (row lock in PostgreSQL, the database lock in SQLite),
        // so sequence numbers are assigned by exactly one writer at a time.
        const head = await tx
          .updateTable('ledger_head')
          .set({ size: sql`size` })
          .where('id', '=', 1)
          .returning(['size', 'frontier'])
          .executeTakeFirstOrThrow();
        let frontier = frontierOf(head);
        const nodes: Subtree[] = [];
        for (const pending of batch) {
          // A refused write undoes its entries in the tree as well as in the tables.
          const before = { frontier: frontier.clone(), nodes: nodes.length };
          const progress = { writing: false };
          if (guarded) await sql`SAVEPOINT mk_write`.execute(tx);
          try {
            const outcome = await this.apply(tx, pending.request, frontier, nodes, progress);
            if (guarded) await sql`RELEASE SAVEPOINT mk_write`.execute(tx);
            settle.push(() => pending.resolve(outcome));
          } catch (error) {
            if (guarded) {
              await sql`ROLLBACK TO SAVEPOINT mk_write`.execute(tx);
              await sql`RELEASE SAVEPOINT mk_write`.execute(tx);
            } else if (progress.writing) {
              throw new RetryGuarded();
            }
            frontier = before.frontier;
            nodes.length = before.nodes;
            settle.push(() => pending.reject(error));
          }
        }
        await insertNodes(tx, nodes);
        await tx
          .updateTable('ledger_head')
          .set({ size: frontier.treeSize, frontier: storedFrontier(frontier) })
          .where('id', '=', 1)
          .execute();
        if (++this.batches % PURGE_EVERY_BATCHES === 0) {
          const cutoff = new Date(this.clock().getTime() - IDEMPOTENCY_WINDOW_MS).toISOString();
          await tx.deleteFrom('idempotency_keys').where('created_at', '<', cutoff).execute();
        }
      });
    } catch (cause) {
      if (cause instanceof RetryGuarded) return this.commitBatch(batch, true);
      const error = new RegistryError('unavailable', 'The registry could not commit the change; nothing was written. Retry the request.', { cause });
      for (const pending of batch) pending.reject(error);
      return;
    }
    for (const done of settle) done();
  }

  async close(): Promise<void> {
    await this.idle();
  }

  private async apply(tx: Db, request: WriteRequest, frontier: MerkleFrontier, nodes: Subtree[], progress: { writing: boolean }): Promise<WriteOutcome<unknown>> {
    const { idempotency } = request;
    if (idempotency !== undefined) {
      const earlier = await tx
        .selectFrom('idempotency_keys')
        .select(['request_hash', 'status', 'body', 'created_at'])
        .where('principal', '=', request.actor)
        .where('key', '=', idempotency.key)
        .executeTakeFirst();
      if (earlier !== undefined && Date.parse(earlier.created_at) < this.clock().getTime() - IDEMPOTENCY_WINDOW_MS) {
        // Past the retry window the key is free again.
        progress.writing = true;
        await tx.deleteFrom('idempotency_keys').where('principal', '=', request.actor).where('key', '=', idempotency.key).execute();
      } else if (earlier !== undefined) {
        if (earlier.request_hash !== idempotency.requestHash) {
          throw new RegistryError('idempotency_key_reused', `Idempotency-Key ${JSON.stringify(idempotency.key)} was already used for a different request; use a new key.`);
        }
        return { result: JSON.parse(earlier.body) as unknown, entries: [], replayed: true, status: earlier.status };
      }
    }
    const drafts = await request.decide(tx);
    progress.writing = true;
    const now = this.clock();
    const entries = drafts.map((draft, index) =>
      sealEntry({ ...draft, reason: draft.reason ?? request.reason }, frontier.treeSize + index, now, request.actor),
    );
    for (const entry of entries) nodes.push(...frontier.append(Buffer.from(entry.leafHash, 'hex')));
    await appendEntries(tx, this.dialect, entries);
    const result = await request.respond(tx, entries);
    if (idempotency !== undefined) {
      await tx
        .insertInto('idempotency_keys')
        .values({
          principal: request.actor,
          key: idempotency.key,
          request_hash: idempotency.requestHash,
          status: idempotency.status,
          body: JSON.stringify(result),
          created_at: now.toISOString(),
        })
        .execute();
    }
    const receipts = entries.map(({ seq, action, subject }) => ({ seq, action, subject }));
    return { result, entries: receipts, replayed: false, status: idempotency?.status };
  }
}
