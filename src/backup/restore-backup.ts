import { createPublicKey } from 'node:crypto';
import { mkdir, open, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { FsBlobStore } from '../artifacts/fs-blob-store.js';
import { RegistryError } from '../errors/registry-error.js';
import { LedgerSigner } from '../ledger/ledger-signer.js';
import { LEDGER_KEY_FILE } from '../server/ledger-key.js';
import type { RegistryConfig } from '../server/registry-config.js';
import { type Store, openStore } from '../store/open-store.js';
import { ledgerSize } from '../store/queries/read-ledger.js';
import { type ProgressFactory, noProgress } from './backup-progress.js';
import { importArchive } from './import-archive.js';
import { type VerifiedArchive, verifyArchive } from './verify-archive.js';

export interface RestoreOptions {
  /** The registry to restore into: its data directory, and its PostgreSQL database and schema if it uses one. */
  readonly config: Pick<RegistryConfig, 'dataDir' | 'db' | 'dbSchema' | 'ledgerKey' | 'logOrigin'>;
  readonly file: string;
  /** The verifier key the archive must be signed by (see `verifyArchive`). */
  readonly expectedKey?: string | undefined;
  readonly progress?: ProgressFactory;
  /** Stops the restore (Ctrl-C) at the next member or batch, saying what state the target is in. */
  readonly signal?: AbortSignal | undefined;
}

export interface RestoreSummary {
  readonly file: string;
  readonly dataDir: string;
  readonly database: 'sqlite' | 'postgres';
  readonly treeSize: number;
  readonly rootHash: string;
  readonly origin: string;
  readonly entries: number;
  readonly blobs: number;
  readonly blobBytes: number;
  readonly checkpoints: number;
  readonly accessRecords: number;
  /** Size of the archive read (twice: once to check, once to import). */
  readonly archiveBytes: number;
  readonly seconds: number;
  /**
   * Set when the log's origin is not the one the restored server would derive
   * from its key: serve it with MODELKEEP_LOG_ORIGIN set to this, or its new
   * checkpoints will name another log.
   */
  readonly serveWithLogOrigin?: string;
}

/**
 * Restores a backup into an empty registry: first checks the whole archive
 * (nothing is written if any check fails), then imports it. The restored
 * registry has the same ledger, root hash, checkpoints, signing key, blobs
 * and access log, and so the same tokens, models and versions.
 */
export async function restoreBackup(options: RestoreOptions): Promise<RestoreSummary> {
  const started = performance.now();
  const { config, file } = options;
  const progress = options.progress ?? noProgress;
  const archiveBytes = await sizeOf(file);

  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const store = await openStore({ location: config.db ?? join(config.dataDir, 'modelkeep.db'), schema: config.dbSchema });
  try {
    await requireEmptyLedger(store, config);

    const verifyBar = progress('verify', archiveBytes);
    let verified: VerifiedArchive;
    try {
      verified = await verifyArchive(file, { expectedKey: options.expectedKey, onBytes: (n) => verifyBar.advance(n), signal: options.signal });
    } catch (error) {
      if (!(error instanceof RegistryError)) throw error;
      throw new RegistryError(error.code, `${error.message}. Nothing was restored.`, { cause: error, extensions: error.extensions });
    } finally {
      verifyBar.stop();
    }

    // Checked again: a server started on the target meanwhile would have written its first token.
    await requireEmptyLedger(store, config);
    const { head } = verified;
    await placeSigningKey(config, head.signingKeyPem, head.manifest.ledger.origin);

    const blobs = new FsBlobStore(join(config.dataDir, 'blobs'));
    await blobs.init();
    const restoreBar = progress('restore', archiveBytes);
    try {
      await importArchive(file, verified, { dialect: store.dialect, blobs }, (n) => restoreBar.advance(n), options.signal);
    } catch (error) {
      throw new RegistryError(
        error instanceof RegistryError ? error.code : 'unavailable',
        `The restore failed while importing (${(error as Error).message}). The target now holds part of the backup: ${howToEmpty(store, config)}, then run the restore again`,
        { cause: error },
      );
    } finally {
      restoreBar.stop();
    }

    const { manifest } = head;
    const derivedOrigin = LedgerSigner.fromPem(head.signingKeyPem, config.logOrigin).origin;
    return {
      file,
      dataDir: config.dataDir,
      database: store.dialect.name,
      treeSize: manifest.ledger.size,
      rootHash: manifest.ledger.rootHash,
      origin: manifest.ledger.origin,
      entries: manifest.counts.entries,
      blobs: manifest.counts.blobs,
      blobBytes: manifest.counts.blobBytes,
      checkpoints: verified.checkpoints + 1,
      accessRecords: manifest.counts.accessRecords,
      archiveBytes,
      seconds: Math.round(performance.now() - started) / 1000,
      ...(derivedOrigin === manifest.ledger.origin ? {} : { serveWithLogOrigin: manifest.ledger.origin }),
    };
  } finally {
    await store.close();
  }
}

async function requireEmptyLedger(store: Store, config: RestoreOptions['config']): Promise<void> {
  const size = await ledgerSize(store.db);
  if (size > 0) {
    throw new RegistryError(
      'invalid_state',
      `The target registry is not empty: its ledger holds ${size} entries. A backup restores only into a new registry: ${howToEmpty(store, config)} (or restore elsewhere), and run the restore before the first \`serve\` or \`init\``,
      { extensions: { ledgerSize: size } },
    );
  }
}

function howToEmpty(store: Store, config: RestoreOptions['config']): string {
  if (store.dialect.name === 'postgres') {
    return `drop its schema (DROP SCHEMA ${config.dbSchema ?? 'public'} CASCADE${config.dbSchema === undefined ? ', then CREATE SCHEMA public' : ''}) and clear ${join(config.dataDir, 'blobs')}`;
  }
  return `delete the data directory ${config.dataDir}`;
}

/**
 * Puts the log's signing key where the restored server will read it, so it
 * keeps signing as the same log. A key already there must be this one.
 */
async function placeSigningKey(config: RestoreOptions['config'], pem: string, origin: string): Promise<void> {
  const wanted = publicKeyOf(pem);
  const path = config.ledgerKey ?? join(config.dataDir, LEDGER_KEY_FILE);
  let present: string | undefined;
  try {
    present = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (present !== undefined) {
    if (publicKeyOf(present) === wanted) return;
    throw new RegistryError(
      'invalid_state',
      `${path} holds a signing key other than the backup's, and the restored log ${origin} must be signed by its own key: ${config.ledgerKey === undefined ? 'restore into a new data directory' : 'unset MODELKEEP_LEDGER_KEY'}. Nothing was restored`,
    );
  }
  if (config.ledgerKey !== undefined) {
    throw new RegistryError('invalid_state', `MODELKEEP_LEDGER_KEY names ${path}, which does not exist: unset it so the backup's key is restored into the data directory. Nothing was restored`);
  }
  const handle = await open(path, 'wx', 0o600);
  try {
    await handle.writeFile(pem);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function publicKeyOf(pem: string): string {
  return createPublicKey(pem).export({ format: 'der', type: 'spki' }).toString('base64');
}

async function sizeOf(file: string): Promise<number> {
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new RegistryError('invalid_request', `${file} is not a file`);
    return info.size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new RegistryError('not_found', `There is no backup file ${file}`);
    throw error;
  }
}
