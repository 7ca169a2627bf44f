import type { EntryDraft, LedgerEntry } from '../ledger/entry.js';
import type { Db } from './database.js';

/**
 * A write, in two steps run inside the writer's transaction: decide what
 * changes from the current state, then describe the result.
 */
export interface WriteSteps<R> {
  decide(tx: Db): Promise<readonly EntryDraft[]>;
  respond(tx: Db, entries: readonly LedgerEntry[]): Promise<R>;
}

/**
 * Writes are named commands with plain-data arguments, so that the writer
 * may run on another thread: only the name and the arguments cross over.
 */
export type CommandTable = { readonly [name: string]: (args: never) => WriteSteps<unknown> };

export type ArgsOf<T extends CommandTable, K extends keyof T> = T[K] extends (args: infer A) => WriteSteps<unknown> ? A : never;
export type ResultOf<T extends CommandTable, K extends keyof T> = T[K] extends (args: never) => WriteSteps<infer R> ? R : never;

/** Who asks, why, and the retry key of the request if it carried one. */
export interface WriteContext {
  readonly actor: string;
  readonly reason?: string | undefined;
  readonly idempotency?: { readonly key: string; readonly requestHash: string; readonly status: number } | undefined;
}

/** What a write appended, without the payloads (they may cross a thread boundary). */
export interface EntryReceipt {
  readonly seq: number;
  readonly action: string;
  readonly subject: string;
}

export interface WriteOutcome<R> {
  readonly result: R;
  readonly entries: readonly EntryReceipt[];
  /** True when an earlier request with the same Idempotency-Key already did this. */
  readonly replayed: boolean;
  readonly status?: number | undefined;
}

/** The one path by which anything is written. */
export interface Writer<T extends CommandTable> {
  write<K extends keyof T & string>(context: WriteContext, name: K, args: ArgsOf<T, K>): Promise<WriteOutcome<ResultOf<T, K>>>;
  /** Resolves once every queued write has been committed or refused. */
  idle(): Promise<void>;
  close(): Promise<void>;
}
