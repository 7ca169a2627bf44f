import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Digest } from '../artifacts/digest.js';
import { FsBlobStore } from '../artifacts/fs-blob-store.js';
import { RegistryError } from '../errors/registry-error.js';
import { LedgerSigner } from '../ledger/ledger-signer.js';
import { parseVerifierKey } from '../ledger/verifier/index.js';
import { packageVersion } from '../server/package-version.js';
import type { RegistryConfig } from '../server/registry-config.js';
import type { Db } from '../store/database.js';
import { isPostgresUrl, openStore } from '../store/open-store.js';
import { countAccessRecords, readAccessRecords } from '../store/queries/read-access-records.js';
import {
  BACKUP_FORMAT,
  BACKUP_FORMAT_VERSION,
  type BackupManifest,
  CHECKPOINT_MEMBER,
  MANIFEST_MEMBER,
  SIGNING_KEY_MEMBER,
  VERIFIER_KEY_MEMBER,
  accessMember,
  blobMember,
  checkpointsMember,
  entriesMember,
} from './archive-format.js';
import { ArchiveWriter } from './archive-writer.js';
import { type ProgressFactory, noProgress } from './backup-progress.js';
import { type AccessLine, AccessBatchCheck } from './access-batch-check.js';
import { listBlobs } from './list-blobs.js';
import { readLedgerChunks, unverified } from './read-ledger-chunks.js';
import { readSourceSigningKey } from './source-signing-key.js';
import { takeSnapshotPoint } from './snapshot-point.js';

/** Access records per archive member. */
const ACCESS_PAGE = 10_000;

export interface BackupOptions {
  /** Where the registry keeps its data: the data directory, and the database URL and schema when PostgreSQL. */
  readonly config: Pick<RegistryConfig, 'dataDir' | 'db' | 'dbSchema' | 'ledgerKey' | 'logOrigin'>;
  readonly file: string;
  /** Replace `file` if it exists (default: refuse). */
  readonly overwrite?: boolean;
  readonly progress?: ProgressFactory;
  readonly clock?: () => Date;
  /** Stops the backup (Ctrl-C); the temporary file is removed and nothing is left under `file`. */
  readonly signal?: AbortSignal | undefined;
}

export interface BackupSummary {
  readonly file: string;
  /** The ledger size N the snapshot was taken at. */
  readonly treeSize: number;
  /** base64 Merkle root of entries 0 … N-1, as the checkpoint states it. */
  readonly rootHash: string;
  readonly origin: string;
  readonly entries: number;
  readonly blobs: number;
  readonly blobBytes: number;
  /** Earlier signed checkpoints carried along, and those left out because another key or origin signed them. */
  readonly checkpoints: number;
  readonly checkpointsSkipped: number;
  /** Audited reads whose batches are anchored below N. */
  readonly accessRecords: number;
  readonly archiveBytes: number;
  readonly seconds: number;
}

/**
 * Writes a consistent snapshot of a registry to `file` while its server keeps
 * serving: the ledger up to its size N when the backup began, the checkpoint
 * at N, the signing key, and every blob then present. Nothing is written to
 * the registry itself.
 */
export async function writeBackup(options: BackupOptions): Promise<BackupSummary> {
  const started = performance.now();
  const { config, file } = options;
  const progress = options.progress ?? noProgress;
  if (options.overwrite !== true && (await exists(file))) {
    throw new RegistryError('already_exists', `${file} already exists; choose another file name, or pass --force to replace it`);
  }
  const location = config.db ?? join(config.dataDir, 'modelkeep.db');
  if (!isPostgresUrl(location) && !(await exists(location))) {
    throw new RegistryError('not_found', `There is no registry database at ${location}; point --data at the registry's data directory (or --db at its PostgreSQL database)`);
  }
  const pem = await readSourceSigningKey(config.dataDir, config.ledgerKey);
  const signer = LedgerSigner.fromPem(pem, config.logOrigin);
  const key = parseVerifierKey(signer.verifierKey);

  const store = await openStore({ location, schema: config.dbSchema, inspect: true });
  try {
    const point = await takeSnapshotPoint(store.db, signer, key);
    // Listed after N is fixed: every blob an entry below N names was stored before that entry was written.
    const blobs = await listBlobs(join(config.dataDir, 'blobs'));
    const blobBytes = blobs.reduce((sum, b) => sum + b.size, 0);
    const accessRecords = await countAccessRecords(store.db, point.size);
    const createdAt = (options.clock ?? (() => new Date()))();
    const manifest: BackupManifest = {
      format: BACKUP_FORMAT,
      formatVersion: BACKUP_FORMAT_VERSION,
      createdAt: createdAt.toISOString(),
      modelkeepVersion: packageVersion(),
      source: { dialect: store.dialect.name },
      ledger: { size: point.size, rootHash: point.root.toString('base64'), origin: signer.origin },
      counts: { entries: point.size, blobs: blobs.length, blobBytes, accessRecords },
      blobs: blobs.map(({ digest, size }) => ({ digest, size })),
    };

    const archive = ArchiveWriter.create(file, createdAt);
    try {
      await archive.addBuffer(MANIFEST_MEMBER, `${JSON.stringify(manifest, null, 1)}\n`);
      await archive.addBuffer(VERIFIER_KEY_MEMBER, `${signer.verifierKey}\n`);
      await archive.addBuffer(SIGNING_KEY_MEMBER, pem, 0o600);
      await archive.addBuffer(CHECKPOINT_MEMBER, point.checkpointNote);

      const blobBar = progress('blobs', blobBytes);
      const blobStore = new FsBlobStore(join(config.dataDir, 'blobs'));
      for (const blob of blobs) {
        const path = blobStore.pathOf(blob.digest);
        throwIfInterrupted(options.signal);
        await archive.addStream(blobMember(blob.digest), blob.size, rehashed(path, blob.digest, blob.size, (n) => blobBar.advance(n)));
      }
      blobBar.stop();

      const ledgerBar = progress('ledger', point.size);
      const tally = { skippedCheckpoints: 0 };
      const access = new AccessBatchCheck(unverified);
      let checkpoints = 0;
      let lastAccessId = 0;
      for await (const chunk of readLedgerChunks(store.db, point, key, signer.origin, tally, (entry) => access.entry(entry))) {
        throwIfInterrupted(options.signal);
        if (chunk.checkpoints.length > 0) {
          await archive.addBuffer(checkpointsMember(chunk.first), chunk.checkpoints.map((c) => `${JSON.stringify(c)}\n`).join(''));
          checkpoints += chunk.checkpoints.length;
        }
        await archive.addBuffer(entriesMember(chunk.first), chunk.entries);
        lastAccessId = await addAccessRecords(archive, store.db, access, lastAccessId, chunk.first + chunk.count);
        ledgerBar.advance(chunk.count);
      }
      access.finish();
      if (access.records !== accessRecords) throw unverified(`The access log holds ${access.records} records anchored below ${point.size}, not the ${accessRecords} counted`);
      ledgerBar.stop();

      const archiveBytes = await archive.commit();
      return {
        file,
        treeSize: point.size,
        rootHash: manifest.ledger.rootHash,
        origin: signer.origin,
        entries: point.size,
        blobs: blobs.length,
        blobBytes,
        checkpoints,
        checkpointsSkipped: tally.skippedCheckpoints,
        accessRecords,
        archiveBytes,
        seconds: Math.round(performance.now() - started) / 1000,
      };
    } catch (error) {
      await archive.abort();
      throw error;
    }
  } finally {
    await store.close();
  }
}

/**
 * Copies the access records anchored by entries below `belowSeq` that are not
 * yet in the archive, a page per member, checking each batch against its
 * anchor. Returns the last id copied.
 */
async function addAccessRecords(archive: ArchiveWriter, db: Db, check: AccessBatchCheck, afterId: number, belowSeq: number): Promise<number> {
  for (let last = afterId; ; ) {
    const rows = await readAccessRecords(db, last, belowSeq, ACCESS_PAGE);
    if (rows.length === 0) return last;
    const lines = rows.map((row) => {
      const line: AccessLine = { id: row.id, at: row.at, actor: row.actor, action: row.action, subject: row.subject, status: row.status, batch: row.batch_seq };
      check.record(line);
      return `${JSON.stringify(line)}\n`;
    });
    await archive.addBuffer(accessMember(rows[0]!.id), lines.join(''));
    last = rows[rows.length - 1]!.id;
  }
}

/**
 * A blob's bytes on their way into the archive, hashed as they pass: a blob
 * that no longer matches its name fails the backup rather than travel on as
 * if it were sound (a restore would refuse it anyway).
 */
async function* rehashed(path: string, digest: Digest, size: number, onBytes: (bytes: number) => void): AsyncGenerator<Buffer> {
  const hash = createHash('sha256');
  let read = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    read += chunk.length;
    if (read > size) break;
    onBytes(chunk.length);
    yield chunk;
  }
  const actual = `sha256:${hash.digest('hex')}`;
  if (read !== size || actual !== digest) {
    throw new RegistryError(
      'digest_mismatch',
      `Blob ${digest} is corrupt on disk (${read === size ? `its bytes hash to ${actual}` : `it is no longer ${size} bytes`}), so no backup was written. Run \`modelkeep verify\` to see which versions it affects, and put the original bytes back before backing up`,
      { extensions: { digest, actual } },
    );
  }
}

function throwIfInterrupted(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw new RegistryError('unavailable', 'The backup was interrupted; no archive was written');
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
