import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { type Digest, hexOf } from '../artifacts/digest.js';
import { RegistryError } from '../errors/registry-error.js';

/*
 * A backup is one tar file whose members come in this order, so that both
 * restore passes can check and use it in one sequential read:
 *
 *   manifest.json                         what the snapshot holds (below)
 *   ledger/verifier-key.txt               the public key, as GET /api/v1/ledger/key serves it
 *   ledger/ledger-key.pem                 the Ed25519 signing key (PKCS#8): the restored log signs as the same log
 *   ledger/checkpoint.txt                 the signed checkpoint at the snapshot's size N
 *   blobs/sha256/<hex>                    every blob, in the manifest's order
 *   ledger/checkpoints/<first>.jsonl      (optional) earlier checkpoints of sizes first+1 … first+k
 *   ledger/entries/<first>.jsonl          entries first … first+k-1, one canonical entry per line
 *   access/<id>.jsonl                     (optional) access log records from id on, anchored by entries so far
 *   … (checkpoints, entries, access) chunks until seq N-1
 *
 * Blobs come before the ledger so that a restore puts the bytes in place
 * before any entry that names them. The ledger is cut into chunks because a
 * tar member's size is written before its bytes: a chunk is held in memory,
 * never the ledger. Each checkpoint chunk precedes the entries whose tree it
 * signs, so a reader checks its root as those entries go by; access records
 * follow the entries that anchor them, for the same reason.
 */

export const BACKUP_FORMAT = 'modelkeep-backup';
export const BACKUP_FORMAT_VERSION = 1;

export const MANIFEST_MEMBER = 'manifest.json';
export const VERIFIER_KEY_MEMBER = 'ledger/verifier-key.txt';
export const SIGNING_KEY_MEMBER = 'ledger/ledger-key.pem';
export const CHECKPOINT_MEMBER = 'ledger/checkpoint.txt';

const SEQ_DIGITS = 16;
const CHUNK_MEMBER = /^(ledger\/entries|ledger\/checkpoints|access)\/([0-9]{16})\.jsonl$/;
const CHUNK_KINDS = { 'ledger/entries': 'entries', 'ledger/checkpoints': 'checkpoints', access: 'access' } as const;
const BLOB_MEMBER = /^blobs\/sha256\/([0-9a-f]{64})$/;

export const blobMember = (digest: Digest): string => `blobs/sha256/${hexOf(digest)}`;
export const entriesMember = (first: number): string => `ledger/entries/${String(first).padStart(SEQ_DIGITS, '0')}.jsonl`;
export const checkpointsMember = (first: number): string => `ledger/checkpoints/${String(first).padStart(SEQ_DIGITS, '0')}.jsonl`;
export const accessMember = (firstId: number): string => `access/${String(firstId).padStart(SEQ_DIGITS, '0')}.jsonl`;

/** The digest a blob member holds, if `name` is one. */
export function blobMemberDigest(name: string): string | undefined {
  const match = BLOB_MEMBER.exec(name);
  return match === null ? undefined : `sha256:${match[1]}`;
}

/** The kind and first sequence number (access record id for `access`) of a chunk member, if `name` is one. */
export function ledgerChunkOf(name: string): { kind: 'entries' | 'checkpoints' | 'access'; first: number } | undefined {
  const match = CHUNK_MEMBER.exec(name);
  if (match === null) return undefined;
  const first = Number(match[2]);
  return Number.isSafeInteger(first) ? { kind: CHUNK_KINDS[match[1] as keyof typeof CHUNK_KINDS], first } : undefined;
}

const Count = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });

const ManifestSchema = Type.Object(
  {
    format: Type.Literal(BACKUP_FORMAT),
    formatVersion: Type.Integer({ minimum: 1 }),
    createdAt: Type.String(),
    modelkeepVersion: Type.String(),
    source: Type.Object({ dialect: Type.Union([Type.Literal('sqlite'), Type.Literal('postgres')]) }, { additionalProperties: false }),
    ledger: Type.Object(
      {
        size: Count,
        /** base64, as in checkpoints and the ledger API. */
        rootHash: Type.String({ pattern: '^[A-Za-z0-9+/]{43}=$' }),
        origin: Type.String({ minLength: 1 }),
      },
      { additionalProperties: false },
    ),
    counts: Type.Object({ entries: Count, blobs: Count, blobBytes: Count, accessRecords: Count }, { additionalProperties: false }),
    blobs: Type.Array(Type.Object({ digest: Type.String({ pattern: '^sha256:[0-9a-f]{64}$' }), size: Count }, { additionalProperties: false })),
  },
  { additionalProperties: false },
);

/** What `manifest.json` says: read before anything else, and checked against everything after it. */
export type BackupManifest = Static<typeof ManifestSchema>;
export type ManifestBlob = BackupManifest['blobs'][number];

/** One line of a checkpoints chunk. */
export interface CheckpointLine {
  readonly size: number;
  readonly note: string;
  readonly createdAt: string;
}

/** Parses and checks the manifest's shape and its own arithmetic; the rest of the archive is checked against it later. */
export function parseManifest(text: string): BackupManifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw notABackup('its manifest.json is not JSON');
  }
  const version = (value as { formatVersion?: unknown } | null)?.formatVersion;
  if (typeof version === 'number' && version > BACKUP_FORMAT_VERSION) {
    throw new RegistryError('invalid_request', `The backup is in format ${version}, newer than this ModelKeep reads (${BACKUP_FORMAT_VERSION}); restore it with a newer ModelKeep`);
  }
  if (!Value.Check(ManifestSchema, value)) {
    const first = Value.Errors(ManifestSchema, value).First();
    throw notABackup(`its manifest.json is not valid${first === undefined ? '' : ` (${first.path || '/'}: ${first.message})`}`);
  }
  const manifest = value;
  const { counts, blobs, ledger } = manifest;
  if (counts.entries !== ledger.size) throw tampered(`The manifest counts ${counts.entries} entries for a ledger of ${ledger.size}`);
  if (counts.blobs !== blobs.length) throw tampered(`The manifest counts ${counts.blobs} blobs but lists ${blobs.length}`);
  if (counts.blobBytes !== blobs.reduce((sum, b) => sum + b.size, 0)) throw tampered('The manifest blob byte count is not the sum of its blob sizes');
  for (let i = 1; i < blobs.length; i += 1) {
    if (blobs[i - 1]!.digest >= blobs[i]!.digest) throw tampered('The manifest blob list is not sorted by digest without repeats');
  }
  return manifest;
}

export const notABackup = (why: string): RegistryError =>
  new RegistryError('invalid_request', `The file is not a ModelKeep backup archive: ${why}`);

/** The archive's content does not check out: refused as tamper evidence. */
export const tampered = (detail: string): RegistryError =>
  new RegistryError('verification_failed', `${detail}: the backup is damaged or was altered`);
