import { createHash } from 'node:crypto';
import { LedgerSigner } from '../ledger/ledger-signer.js';
import { MerkleFrontier } from '../ledger/merkle-frontier.js';
import { type Checkpoint, type VerifierKey, parseVerifierKey, verifyCheckpoint } from '../ledger/verifier/index.js';
import { AccessBatchCheck } from './access-batch-check.js';
import { tampered } from './archive-format.js';
import { type ArchiveHead, walkArchive } from './walk-archive.js';

/** A backup archive that passed every check, and what the checks established. */
export interface VerifiedArchive {
  readonly head: ArchiveHead;
  readonly checkpoint: Checkpoint;
  readonly key: VerifierKey;
  /** Earlier checkpoints that verified along the way. */
  readonly checkpoints: number;
}

export interface VerifyOptions {
  /**
   * The log's verifier key as the operator knows it from elsewhere (a saved
   * GET /api/v1/ledger/key). Without it the archive vouches for itself: one
   * rewritten whole, under a new key, would verify.
   */
  readonly expectedKey?: string | undefined;
  readonly onBytes?: ((bytes: number) => void) | undefined;
  readonly signal?: AbortSignal | undefined;
}

/**
 * The checking pass of a restore: reads the whole archive and refuses it,
 * naming what is wrong, unless the signing key is the key the verifier key
 * names; the checkpoint at N verifies under it and states the manifest's
 * root; every entry is a canonical ledger entry in seq order; the entries'
 * Merkle root equals the checkpoint's (and every earlier checkpoint's root
 * the root of the entries before it); and every blob hashes to its name and
 * has its listed size; every access log batch hashes to the root its ledger
 * entry anchors. Nothing is written anywhere.
 */
export async function verifyArchive(file: string, options: VerifyOptions = {}): Promise<VerifiedArchive> {
  const frontier = MerkleFrontier.empty();
  let checked: { key: VerifierKey; checkpoint: Checkpoint; origin: string } | undefined;
  let pending: Checkpoint[] = [];
  let checkpoints = 0;
  const access = new AccessBatchCheck(tampered);

  const head = await walkArchive(
    file,
    {
      head({ manifest, verifierKey, signingKeyPem, checkpointNote }) {
        const origin = manifest.ledger.origin;
        if (options.expectedKey !== undefined && options.expectedKey.trim() !== verifierKey) {
          throw tampered(`The archive is signed by ${verifierKey}, not by the expected key ${options.expectedKey.trim()}`);
        }
        const key = attempt(() => parseVerifierKey(verifierKey), 'The verifier key in the archive is malformed');
        if (key.name !== origin) throw tampered(`The verifier key is for ${key.name}, but the manifest names the log ${origin}`);
        const signer = attempt(() => LedgerSigner.fromPem(signingKeyPem, origin), 'The signing key in the archive is not an Ed25519 private key');
        if (signer.verifierKey !== verifierKey) throw tampered('The signing key in the archive is not the key its verifier key names');
        const checkpoint = attempt(() => verifyCheckpoint(checkpointNote, key, origin), "The archive's checkpoint does not verify under its key");
        if (checkpoint.size !== manifest.ledger.size) throw tampered(`The checkpoint is for size ${checkpoint.size}, the manifest for ${manifest.ledger.size}`);
        if (checkpoint.root.toString('base64') !== manifest.ledger.rootHash) throw tampered("The manifest's root hash is not the root the checkpoint signs");
        checked = { key, checkpoint, origin };
      },

      async blob(blob, body) {
        const hash = createHash('sha256');
        for await (const chunk of body) hash.update(chunk);
        const actual = `sha256:${hash.digest('hex')}`;
        if (actual !== blob.digest) throw tampered(`Blob ${blob.digest} is corrupt in the archive: its bytes hash to ${actual}`);
      },

      async checkpoints(first, lines) {
        const { key, origin } = checked!;
        for await (const line of lines) {
          const checkpoint = attempt(() => verifyCheckpoint(line.note, key, origin), `The checkpoint kept for size ${line.size} does not verify under the archive's key`);
          const last = pending[pending.length - 1]?.size ?? first;
          if (checkpoint.size !== line.size || checkpoint.size <= last) throw tampered(`The checkpoints after entry ${first} are out of order at size ${line.size}`);
          pending.push(checkpoint);
          checkpoints += 1;
        }
      },

      async entries(first, entries) {
        for await (const entry of entries) {
          frontier.append(Buffer.from(entry.leafHash, 'hex'));
          access.entry(entry);
          const due = pending[0];
          if (due !== undefined && due.size === frontier.treeSize) {
            if (!frontier.root().equals(due.root)) {
              throw tampered(`The first ${due.size} ledger entries do not hash to the root their signed checkpoint states: an entry below ${due.size} was changed`);
            }
            pending.shift();
          }
        }
        if (pending.length > 0) throw tampered(`The checkpoint for size ${pending[0]!.size} lies beyond the entries from ${first} that it precedes`);
        pending = [];
      },

      async access(_firstId, records) {
        for await (const record of records) access.record(record);
      },
    },
    options.onBytes,
    options.signal,
  );

  access.finish();
  const { key, checkpoint } = checked!;
  if (!frontier.root().equals(checkpoint.root)) {
    throw tampered(`The ${checkpoint.size} ledger entries do not hash to the root the checkpoint signs: an entry was changed, added or removed`);
  }
  return { head, checkpoint, key, checkpoints };
}

/** Runs a check that throws a plain Error (the standalone verifier's way) and refuses the archive with its reason. */
function attempt<T>(check: () => T, what: string): T {
  try {
    return check();
  } catch (error) {
    throw tampered(`${what} (${(error as Error).message})`);
  }
}
