import { Readable } from 'node:stream';
import { isDeepStrictEqual } from 'node:util';
import type { FsBlobStore } from '../artifacts/fs-blob-store.js';
import { type SealedAccessRecord, accessRecordLeaf } from '../audit/access-record.js';
import { appendAccessRecords } from '../store/access-log/append-access-records.js';
import { parseDigest } from '../artifacts/digest.js';
import { RegistryError } from '../errors/registry-error.js';
import type { LedgerEntry } from '../ledger/entry.js';
import { MerkleFrontier } from '../ledger/merkle-frontier.js';
import { verifyCheckpoint } from '../ledger/verifier/index.js';
import type { StoreDialect } from '../store/dialect.js';
import { importCheckpoints } from '../store/ledger/import-checkpoints.js';
import { importEntries } from '../store/ledger/import-entries.js';
import type { StoredCheckpoint } from '../store/queries/read-checkpoints.js';
import type { VerifiedArchive } from './verify-archive.js';
import { walkArchive } from './walk-archive.js';

/** Entries per transaction: large enough to amortise the commit, small enough to keep memory flat. */
const IMPORT_BATCH = 2000;

export interface RestoreTarget {
  readonly dialect: StoreDialect;
  readonly blobs: FsBlobStore;
}

/**
 * The importing pass of a restore, run only after `verifyArchive` passed:
 * blobs go in through the blob store (which hashes each again on arrival),
 * then the entries, sealed as they are, with their projections, in batches
 * of one transaction each, with the access records they anchor, then the
 * checkpoints. If the file changed since
 * it was checked, the differences that matter are caught here too.
 */
export async function importArchive(
  file: string,
  verified: VerifiedArchive,
  target: RestoreTarget,
  onBytes?: (bytes: number) => void,
  signal?: AbortSignal,
): Promise<void> {
  const frontier = MerkleFrontier.empty();
  const { key, checkpoint } = verified;
  const origin = verified.head.manifest.ledger.origin;
  await walkArchive(
    file,
    {
      head(head) {
        if (!isDeepStrictEqual(head, verified.head)) throw changedSinceChecked('its head');
      },

      async blob(blob, body) {
        await target.blobs.put(parseDigest(blob.digest), Readable.from(body), { expectedSize: blob.size });
      },

      async checkpoints(_first, lines) {
        const rows: StoredCheckpoint[] = [];
        for await (const line of lines) {
          const signed = verifyCheckpoint(line.note, key, origin);
          rows.push({ size: signed.size, root: signed.root.toString('hex'), note: line.note, createdAt: line.createdAt });
        }
        await importCheckpoints(target.dialect.db, rows);
      },

      async entries(_first, entries) {
        let batch: LedgerEntry[] = [];
        for await (const entry of entries) {
          frontier.append(Buffer.from(entry.leafHash, 'hex'));
          batch.push(entry);
          if (batch.length === IMPORT_BATCH) {
            if (signal?.aborted === true) throw new RegistryError('unavailable', 'Interrupted');
            await importEntries(target.dialect, batch);
            batch = [];
          }
        }
        await importEntries(target.dialect, batch);
      },

      async access(_firstId, records) {
        // Grouped by batch: rows are filed under the seq of the entry that anchors them.
        const batches: SealedAccessRecord[][] = [];
        let batchSeq = -1;
        const seqs: number[] = [];
        for await (const { batch, ...record } of records) {
          if (batch !== batchSeq) {
            batches.push([]);
            seqs.push(batch);
            batchSeq = batch;
          }
          batches[batches.length - 1]!.push({ ...record, leafHash: accessRecordLeaf(record) });
        }
        await target.dialect.db.transaction().execute(async (tx) => {
          for (const [index, records] of batches.entries()) await appendAccessRecords(tx, records, seqs[index]!);
        });
      },
    },
    onBytes,
    signal,
  );
  if (!frontier.root().equals(checkpoint.root)) throw changedSinceChecked('its ledger');
  await importCheckpoints(target.dialect.db, [
    { size: checkpoint.size, root: checkpoint.root.toString('hex'), note: verified.head.checkpointNote, createdAt: verified.head.manifest.createdAt },
  ]);
}

const changedSinceChecked = (what: string): RegistryError =>
  new RegistryError('verification_failed', `The archive changed while it was being restored (${what} differs from what was checked)`);
