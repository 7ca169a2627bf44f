import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyAccessLog } from '../audit/verify-access-log.js';
import type { VerifierKey } from '../ledger/verifier/index.js';
import { importEntries } from '../store/ledger/import-entries.js';
import { openStore, type Store } from '../store/open-store.js';
import { type BlobCheck, checkBlobs } from './check-blobs.js';
import { checkLedger, type LedgerCheck } from './check-ledger.js';
import { compareProjections } from './compare-projections.js';
import { type PhaseProgress, ProblemLog, type VerifyProblem, noProgress } from './verify-problem.js';

export interface VerifyOptions {
  readonly store: Store;
  /** The verifier key checkpoints must be signed with; without one only their roots are compared. */
  readonly key: VerifierKey | undefined;
  /** The blob store's folder; undefined skips re-hashing blobs. */
  readonly blobRoot: string | undefined;
  /** False skips replaying the ledger and comparing the query tables (the slow part of a big ledger). */
  readonly projections?: boolean;
  readonly progress?: PhaseProgress;
  /** Where the store is, so that threads of their own can read it: without a replay, the ledger is read and hashed on them. */
  readonly database?: { readonly location: string; readonly schema: string | undefined };
}

export interface VerifyReport {
  /** True when no error was found (warnings allowed). */
  readonly ok: boolean;
  readonly ledger: LedgerCheck;
  readonly signaturesChecked: boolean;
  readonly projections: { readonly tables: number; readonly rows: number; readonly compared: boolean };
  readonly accessLog: { readonly batches: number; readonly records: number };
  readonly blobs: BlobCheck | undefined;
  readonly errors: number;
  readonly warnings: number;
  readonly problems: readonly VerifyProblem[];
  /** Problems found beyond those listed. */
  readonly unlisted: number;
  readonly seconds: { readonly ledger: number; readonly projections: number; readonly accessLog: number; readonly blobs: number; readonly total: number };
}

/**
 * Checks a registry offline and says what is wrong, by resource: the ledger
 * (hashes, tree, head, signed checkpoints), the query tables against a
 * replay of the ledger into a scratch database, the access log against its
 * anchors, and the blobs against their digests. Reads only.
 */
export async function verifyRegistry(options: VerifyOptions): Promise<VerifyReport> {
  const progress = options.progress ?? noProgress;
  const problems = new ProblemLog();
  const clock = stopwatch();
  // On disk, not in memory: a replay of a million entries would otherwise need gigabytes.
  const scratch = options.projections === false ? undefined : await mkdtemp(join(tmpdir(), 'modelkeep-verify-'));
  const replay = scratch === undefined ? undefined : await openStore({ location: join(scratch, 'replay.db'), scratch: true });
  try {
    const ledger = await checkLedger(
      options.store.db,
      options.key,
      problems,
      progress,
      replay === undefined ? undefined : (entries) => importEntries(replay.dialect, entries),
      { parallel: options.database === undefined ? undefined : { ...options.database, threads: Math.max(1, Math.min(4, availableParallelism())) } },
    );
    const ledgerSeconds = clock.lap();
    // A partial replay would make every later row look added behind the ledger's back.
    if (replay !== undefined && !ledger.replayed) problems.error('projection', 'query tables', 'not compared: the ledger could not be replayed to the end (see the ledger problems)');
    const projections =
      replay !== undefined && ledger.replayed
        ? { ...(await compareProjections(options.store.db, replay.db, problems, progress)), compared: true }
        : { tables: 0, rows: 0, compared: false };
    const projectionSeconds = clock.lap();
    const accessLog = await verifyAccessLog(options.store.db, (p) => problems.error('access-log', p.resource, p.problem));
    const accessSeconds = clock.lap();
    const blobs = options.blobRoot === undefined ? undefined : await checkBlobs(options.store.db, options.blobRoot, problems, progress);
    const blobSeconds = clock.lap();
    return {
      ok: problems.errors === 0,
      ledger,
      signaturesChecked: options.key !== undefined,
      projections,
      accessLog,
      blobs,
      errors: problems.errors,
      warnings: problems.warnings,
      problems: problems.problems,
      unlisted: problems.dropped,
      seconds: { ledger: ledgerSeconds, projections: projectionSeconds, accessLog: accessSeconds, blobs: blobSeconds, total: clock.total() },
    };
  } finally {
    await replay?.close();
    if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
  }
}

function stopwatch() {
  const start = performance.now();
  let last = start;
  const round = (ms: number) => Math.round(ms) / 1000;
  return {
    lap() {
      const now = performance.now();
      const lap = round(now - last);
      last = now;
      return lap;
    },
    total: () => round(performance.now() - start),
  };
}
