import { Worker } from 'node:worker_threads';
import type { HashedRows } from './hash-ledger-rows.js';

/** A range read by a thread; a range that is a whole aligned subtree comes with its root and the stored-node problems under it. */
export interface ReadRange extends HashedRows {
  readonly from: number;
  readonly subtree: { readonly level: number; readonly hash: Buffer } | undefined;
  readonly nodeProblems: readonly { readonly resource: string; readonly problem: string }[];
}

const IN_FLIGHT_PER_THREAD = 2;

/** The compiled thread entry; under the TypeScript test runner the sources are beside `src/`, the build in `dist/`. */
function threadEntry(): URL {
  const here = new URL(import.meta.url);
  return here.pathname.endsWith('.ts') ? new URL('../../dist/verify/ledger-reader-thread.js', here) : new URL('./ledger-reader-thread.js', here);
}

/**
 * Reads and hashes the ledger's seq ranges [0, size) on `threads` threads of
 * their own, each with its own database connection, and yields the results in
 * order: reading and SHA-256 are most of a ledger check, and they split.
 */
export async function* readLedgerInParallel(database: { location: string; schema: string | undefined }, size: number, chunk: number, threads: number): AsyncGenerator<ReadRange> {
  const workers = Array.from({ length: threads }, () => new Worker(threadEntry(), { workerData: database, execArgv: [] }));
  const pending = new Map<number, { resolve: (rows: ReadRange) => void; reject: (error: Error) => void }>();
  const results = new Map<number, Promise<ReadRange>>();
  for (const worker of workers) {
    worker.on('message', (message: (ReadRange) | { from: number; error: string }) => {
      const waiter = pending.get(message.from);
      pending.delete(message.from);
      if ('error' in message) waiter?.reject(new Error(message.error));
      else {
        const leaves = Buffer.from(message.leaves.buffer, message.leaves.byteOffset, message.leaves.byteLength);
        const subtree = message.subtree === undefined ? undefined : { level: message.subtree.level, hash: Buffer.from(message.subtree.hash) };
        waiter?.resolve({ ...message, leaves, subtree });
      }
    });
    worker.on('error', (error) => {
      for (const waiter of pending.values()) waiter.reject(error);
      pending.clear();
    });
  }
  let next = 0;
  let sent = 0;
  const send = () => {
    if (next >= size) return;
    const from = next;
    next = Math.min(size, next + chunk);
    results.set(from, new Promise((resolve, reject) => pending.set(from, { resolve, reject })));
    workers[sent++ % threads]!.postMessage({ from, to: next });
  };
  try {
    for (let i = 0; i < threads * IN_FLIGHT_PER_THREAD; i++) send();
    for (let from = 0; from < size; from += chunk) {
      const result = await results.get(from)!;
      results.delete(from);
      send();
      yield result;
    }
  } finally {
    // Unclaimed answers are dropped: a rejected one must not surface as unhandled.
    for (const result of results.values()) result.catch(() => undefined);
    await Promise.all(workers.map((worker) => new Promise<void>((resolve) => {
      worker.once('exit', () => resolve());
      worker.postMessage('close');
    })));
  }
}
