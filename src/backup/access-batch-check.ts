import { accessRecordLeaf, batchRoot } from '../audit/access-record.js';
import type { AccessBatchAnchored } from '../audit/entry-payloads.js';
import type { RegistryError } from '../errors/registry-error.js';
import type { LedgerEntry } from '../ledger/entry.js';

const ANCHOR = 'access.batch_anchored';

/** An access log row as a backup carries it: the record, and the seq of the entry that anchors its batch. */
export interface AccessLine {
  readonly id: number;
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly subject: string;
  readonly status: number;
  readonly batch: number;
}

interface PendingBatch extends Pick<AccessBatchAnchored, 'firstId' | 'lastId' | 'root'> {
  readonly seq: number;
}

/**
 * Holds the access log to the ledger as both travel in id and seq order:
 * each `access.batch_anchored` entry announces a batch, and the records that
 * follow must be exactly its ids, in order, hashing to its anchored root.
 * Only the batch being read is in memory, so a backup's access log of any
 * length is checked in one pass, going out and coming back in.
 */
export class AccessBatchCheck {
  readonly #pending: PendingBatch[] = [];
  #leaves: string[] = [];
  #records = 0;

  constructor(private readonly refuse: (detail: string) => RegistryError) {}

  get records(): number {
    return this.#records;
  }

  /** Notes an anchoring entry; other entries pass by. */
  entry(entry: LedgerEntry): void {
    if (entry.action !== ANCHOR) return;
    const { firstId, lastId, count, root } = entry.payload as Partial<AccessBatchAnchored>;
    const ids = [firstId, lastId, count].every((n) => Number.isSafeInteger(n));
    if (!ids || typeof root !== 'string' || count !== lastId! - firstId! + 1) {
      throw this.refuse(`Ledger entry ${entry.seq} anchors no well-formed access batch`);
    }
    this.#pending.push({ seq: entry.seq, firstId: firstId!, lastId: lastId!, root });
  }

  record(line: AccessLine): void {
    const batch = this.#pending[0];
    if (batch === undefined || line.batch !== batch.seq) {
      throw this.refuse(`Access record ${line.id} claims batch ${line.batch}, but ${batch === undefined ? 'no batch is anchored before it' : `the next anchored batch is ${batch.seq}`}`);
    }
    const expected = batch.firstId + this.#leaves.length;
    if (line.id !== expected) throw this.refuse(`Access batch ${batch.seq} has record ${line.id} where record ${expected} belongs`);
    const { id, at, actor, action, subject, status } = line;
    this.#leaves.push(accessRecordLeaf({ id, at, actor, action, subject, status }));
    this.#records += 1;
    if (id === batch.lastId) {
      if (batchRoot(this.#leaves).toString('base64') !== batch.root) {
        throw this.refuse(`Access records ${batch.firstId}-${batch.lastId} do not hash to the root ledger entry ${batch.seq} anchors`);
      }
      this.#pending.shift();
      this.#leaves = [];
    }
  }

  /** Every anchored batch must have been matched by its records. */
  finish(): void {
    const open = this.#pending[0];
    if (open !== undefined) throw this.refuse(`Access records ${open.firstId}-${open.lastId}, anchored by ledger entry ${open.seq}, are missing`);
  }
}
