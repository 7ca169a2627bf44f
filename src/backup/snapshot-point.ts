import { RegistryError } from '../errors/registry-error.js';
import type { LedgerSigner } from '../ledger/ledger-signer.js';
import { type VerifierKey, verifyCheckpoint } from '../ledger/verifier/index.js';
import type { Db } from '../store/database.js';
import { readCheckpoint } from '../store/queries/read-checkpoints.js';
import { readLedgerHead } from '../store/queries/read-ledger-head.js';

/** The ledger size a backup is taken at, its root, and the checkpoint that signs both. */
export interface SnapshotPoint {
  readonly size: number;
  readonly root: Buffer;
  readonly checkpointNote: string;
}

/**
 * Fixes the snapshot at the ledger's current size N. Entries below N never
 * change, so everything read after this, however long it takes while the
 * server keeps writing, describes the registry exactly as it stood at N. A
 * checkpoint already kept for N is reused when this key signed it, so the
 * backup carries the very note clients may have seen.
 */
export async function takeSnapshotPoint(db: Db, signer: LedgerSigner, key: VerifierKey): Promise<SnapshotPoint> {
  const { size, root } = await readLedgerHead(db);
  const kept = await readCheckpoint(db, size);
  if (kept !== undefined) {
    const signed = signedBy(kept.note, key, signer.origin);
    if (signed !== undefined && !signed.equals(root)) {
      throw new RegistryError(
        'verification_failed',
        `The checkpoint kept for size ${size} signs a root other than the ledger's: the stored ledger changed after it was signed. Run \`modelkeep verify\` to find what differs`,
      );
    }
    if (signed !== undefined) return { size, root, checkpointNote: kept.note };
  }
  return { size, root, checkpointNote: signer.signCheckpoint(size, root) };
}

/** The root a note signs if `key` signed it for `origin`; undefined for a note of another key or origin. */
export function signedBy(note: string, key: VerifierKey, origin: string): Buffer | undefined {
  try {
    return verifyCheckpoint(note, key, origin).root;
  } catch {
    return undefined;
  }
}
