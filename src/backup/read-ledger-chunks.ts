import { RegistryError } from '../errors/registry-error.js';
import { entryFromCanonical } from '../ledger/entry-from-canonical.js';
import type { LedgerEntry } from '../ledger/entry.js';
import { MerkleFrontier } from '../ledger/merkle-frontier.js';
import type { VerifierKey } from '../ledger/verifier/index.js';
import type { Db } from '../store/database.js';
import { readCanonicalEntries } from '../store/queries/read-canonical-entries.js';
import { readCheckpoints } from '../store/queries/read-checkpoints.js';
import type { CheckpointLine } from './archive-format.js';
import { signedBy } from './snapshot-point.js';
import type { SnapshotPoint } from './snapshot-point.js';

/** Rows per query: a page of entries is a few hundred KiB. */
const PAGE = 1000;
/** A chunk closes once it holds this many entries or bytes; it is held whole until written. */
const CHUNK_ENTRIES = 10_000;
const CHUNK_BYTES = 8 * 1024 * 1024;

/** Entries first … first+count-1 as JSON Lines, and the checkpoints of sizes first+1 … first+count. */
export interface LedgerChunk {
  readonly first: number;
  readonly count: number;
  readonly entries: Buffer;
  readonly checkpoints: readonly CheckpointLine[];
}

export interface ChunkTally {
  /** Kept checkpoints signed under another key or origin: a backup cannot vouch for them, so they stay behind. */
  skippedCheckpoints: number;
}

/**
 * Reads entries 0 … N-1 in chunks, checking them on the way out as a restore
 * will check them coming in: each entry's text parses as a canonical entry
 * with its seq and its stored leaf hash, each kept checkpoint signs the root
 * of the entries before it, and all N hash to the snapshot's root. A backup
 * of a ledger that does not verify would only be refused by the restore.
 */
export async function* readLedgerChunks(
  db: Db,
  point: SnapshotPoint,
  key: VerifierKey,
  origin: string,
  tally: ChunkTally,
  onEntry: (entry: LedgerEntry) => void = () => undefined,
): AsyncGenerator<LedgerChunk> {
  const frontier = MerkleFrontier.empty();
  let lines: string[] = [];
  let bytes = 0;
  let checkpoints: CheckpointLine[] = [];
  let first = 0;
  for (let from = 0; from < point.size; from += PAGE) {
    const to = Math.min(from + PAGE, point.size);
    const rows = await readCanonicalEntries(db, from, to);
    // Sizes up to to-1 only: the snapshot's own checkpoint (at N) travels separately.
    const kept = await readCheckpoints(db, from, Math.min(to, point.size - 1));
    let nextKept = 0;
    for (const [index, row] of rows.entries()) {
      const seq = from + index;
      const entry = entryFromCanonical(row.canonical);
      if (row.seq !== seq) throw unverified(`The ledger has no entry ${seq}`);
      if (typeof entry === 'string') throw unverified(`Ledger entry ${seq} ${entry}`);
      if (entry.seq !== seq || entry.leafHash !== row.leafHash) throw unverified(`Ledger entry ${seq} does not hash to the leaf hash stored with it`);
      frontier.append(Buffer.from(entry.leafHash, 'hex'));
      onEntry(entry);
      lines.push(row.canonical);
      bytes += Buffer.byteLength(row.canonical) + 1;
      for (; kept[nextKept]?.size === frontier.treeSize; nextKept += 1) {
        const checkpoint = kept[nextKept]!;
        const signed = signedBy(checkpoint.note, key, origin);
        if (signed === undefined) tally.skippedCheckpoints += 1;
        else if (!signed.equals(frontier.root())) throw unverified(`The checkpoint kept for size ${checkpoint.size} does not sign the root of the first ${checkpoint.size} entries`);
        else checkpoints.push({ size: checkpoint.size, note: checkpoint.note, createdAt: checkpoint.createdAt });
      }
    }
    if (rows.length !== to - from) throw unverified(`The ledger lacks entries between ${from} and ${to - 1}`);
    // Chunks end on page boundaries, so a chunk's checkpoints are exactly those its pages read.
    if (lines.length >= CHUNK_ENTRIES || bytes >= CHUNK_BYTES || to === point.size) {
      yield { first, count: lines.length, entries: Buffer.from(`${lines.join('\n')}\n`, 'utf8'), checkpoints };
      first = to;
      lines = [];
      bytes = 0;
      checkpoints = [];
    }
  }
  if (!frontier.root().equals(point.root)) {
    throw unverified(`The ledger's ${point.size} entries do not hash to the root kept in its head`);
  }
}

export const unverified = (detail: string): RegistryError =>
  new RegistryError('verification_failed', `${detail}; the stored ledger was altered, so no backup was written. Run \`modelkeep verify\` to find what differs`);
