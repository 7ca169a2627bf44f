import { link, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { serverNodeFlags } from '../server/node-flags.js';
import { openStore } from '../store/open-store.js';
import { type BlobFile, opensslOverFiles, storedBlobFiles } from './blob-files.js';
import type { NodeChild } from './child-process.js';
import { HttpClient, expectOk } from './http-load.js';
import { round } from './percentiles.js';
import { processMemory } from './process-memory.js';
import { benchProofs } from './proof-bench.js';
import type { ReadSettings } from './read-bench.js';
import type { RegistrationFigures } from './registration-bench.js';
import { type VerifyRun, runVerify } from './verify-run.js';

/*
 * The ledger figures of issue 3: appending with the Merkle tree maintained,
 * proofs over a ledger of a million entries, and `modelkeep verify` speed,
 * for the ledger alone at that scale and in full over the loaded catalog.
 */

export const LEDGER_TARGETS = { inclusionProofP99Ms: 5, consistencyProofP99Ms: 5, verifySecondsPerMillion: 10, blobRehashRatio: 0.8 } as const;

export interface LedgerBenchOptions {
  readonly scratch: string;
  /** The loaded catalog's data directory, its server stopped. */
  readonly catalogDataDir: string;
  readonly entries: number;
  readonly adminToken: string;
  readonly reads: ReadSettings;
  readonly registrations: RegistrationFigures;
  /** Starts a bench child script and keeps it for the clean-up. */
  readonly start: <T>(name: string, env: Record<string, string>, nodeFlags?: readonly string[]) => NodeChild<T>;
  readonly stop: (child: NodeChild<unknown>) => Promise<void>;
  readonly note: (text: string) => void;
}

interface BuiltLedger {
  readonly entries: number;
  readonly seconds: number;
  readonly entriesPerSec: number;
  readonly [figure: string]: unknown;
}

const MILLION = 1_000_000;

/** What a verify run says about itself, without its problem list unless something is wrong. */
function summary(run: VerifyRun) {
  const { report } = run;
  return {
    ok: report.ok,
    exitCode: run.exitCode,
    errors: report.errors,
    warnings: report.warnings,
    ...(report.ok ? {} : { problems: report.problems.slice(0, 10) }),
    wallSeconds: run.wallSeconds,
    seconds: report.seconds,
    peakRssMiB: run.peakRssMiB,
  };
}

/** Full verify (replay, projections, access log, blobs) of the loaded catalog, and openssl over the same blobs. */
async function benchCatalogVerify(dataDir: string, note: (text: string) => void) {
  note('verify: full check of the loaded catalog (ledger + replay, projections, access log, blobs)');
  const run = await runVerify(dataDir, []);
  const { report } = run;
  const blobs = report.blobs!;
  const blobMBps = round(blobs.bytes / 1e6 / blobs.seconds, 1);
  // After verify's blob phase, so both read the files from the same (warm) page cache.
  const files = await storedBlobFiles(dataDir);
  const openssl = await opensslOverFiles(files);
  const replayPerSec = Math.round(report.ledger.entries / report.seconds.ledger);
  note(`  ${report.ledger.entries} entries re-hashed and replayed at ${replayPerSec}/s; ${report.projections.rows} rows compared in ${report.seconds.projections} s`);
  note(`  blob phase ${blobMBps} MB/s (openssl ${openssl.MBps} MB/s); total ${run.wallSeconds} s, ok ${report.ok}`);
  const figures = {
    command: 'modelkeep verify --data <loaded catalog> --json (projections and blobs on)',
    entries: report.ledger.entries,
    checkpoints: report.ledger.checkpoints,
    ledgerAndReplay: { seconds: report.seconds.ledger, entriesPerSec: replayPerSec },
    projections: { tables: report.projections.tables, rows: report.projections.rows, compared: report.projections.compared, seconds: report.seconds.projections },
    accessLog: { ...report.accessLog, seconds: report.seconds.accessLog },
    blobPhase: { blobs: blobs.blobs, bytes: blobs.bytes, seconds: round(blobs.seconds, 3), MBps: blobMBps, opensslSha256: openssl, ratio: round(blobMBps / openssl.MBps, 3) },
    ...summary(run),
  };
  return { figures, largest: files.reduce((a, b) => (b.size > a.size ? b : a)) };
}

/**
 * Verify's blob re-hash alone: the catalog's largest blob, hard-linked (same
 * bytes, same cached pages) into a data directory with an empty registry, so
 * the blob phase has no version history to read and times the hashing.
 */
async function benchBlobRehash(scratch: string, blob: BlobFile, note: (text: string) => void) {
  const dataDir = join(scratch, 'blob-rehash');
  const shard = join(dataDir, 'blobs', 'sha256', blob.hex.slice(0, 2));
  await mkdir(shard, { recursive: true, mode: 0o700 });
  await link(blob.path, join(shard, blob.hex));
  const store = await openStore({ location: join(dataDir, 'modelkeep.db') });
  await store.close();
  const run = await runVerify(dataDir, ['--skip-projections']);
  const seconds = run.report.blobs!.seconds;
  const MBps = round(blob.size / 1e6 / seconds, 1);
  const openssl = await opensslOverFiles([blob]);
  note(`verify: blob re-hash alone ${MBps} MB/s over ${round(blob.size / 1e6, 1)} MB (openssl ${openssl.MBps} MB/s)`);
  return {
    command: 'modelkeep verify --data <empty registry + the largest blob> --skip-projections --json',
    bytes: blob.size,
    seconds: round(seconds, 3),
    MBps,
    opensslSha256: openssl,
    ratio: round(MBps / openssl.MBps, 3),
    ok: run.report.ok,
    peakRssMiB: run.peakRssMiB,
  };
}

/** Builds the big bare ledger, verifies it, then serves it and measures proofs over it. */
async function benchLedgerAtScale(options: LedgerBenchOptions) {
  const { note, entries } = options;
  const dataDir = join(options.scratch, 'ledger');
  note(`ledger: building ${entries} entries (sealEntry + importEntries, no projections) in a child process`);
  const builder = options.start<BuiltLedger>('build-ledger', { BENCH_LEDGER_DIR: dataDir, BENCH_LEDGER_ENTRIES: String(entries) });
  const built = await builder.report;
  if ((await builder.exited) !== 0) throw new Error('the ledger builder failed after reporting');
  note(`  ${built.entriesPerSec} entries/s over ${built.seconds} s`);

  note(`verify: ${entries} entries, --skip-blobs --skip-projections`);
  const run = await runVerify(dataDir, ['--skip-blobs', '--skip-projections']);
  const perSec = Math.round(run.report.ledger.entries / run.wallSeconds);
  note(`  ${run.report.ledger.entries} entries in ${run.wallSeconds} s (${perSec}/s), ok ${run.report.ok}`);
  const verify = {
    command: 'modelkeep verify --data <ledger> --skip-blobs --skip-projections --json',
    entries: run.report.ledger.entries,
    checkpoints: run.report.ledger.checkpoints,
    latestCheckpoint: run.report.ledger.latestCheckpoint,
    entriesPerSec: perSec,
    secondsPerMillion: round((run.wallSeconds * MILLION) / run.report.ledger.entries, 2),
    ...summary(run),
  };

  const server = options.start<{ url: string }>('server-child', { BENCH_DATA_DIR: dataDir, BENCH_ADMIN_TOKEN: options.adminToken }, serverNodeFlags);
  const { url } = await server.report;
  note(`server ${server.pid} at ${url} over the ${entries}-entry ledger`);
  const client = new HttpClient(url, options.adminToken, 16);
  try {
    await expectOk(client, { method: 'GET', path: '/readyz' });
    const proofs = await benchProofs(client, entries, options.reads, note);
    const serverMemory = await processMemory(server.pid);
    return { built, verify, proofs: { ...proofs, serverMemory } };
  } finally {
    client.close();
    await options.stop(server);
  }
}

export async function benchLedger(options: LedgerBenchOptions) {
  const catalog = await benchCatalogVerify(options.catalogDataDir, options.note);
  const blobRehash = await benchBlobRehash(options.scratch, catalog.largest, options.note);
  const scale = await benchLedgerAtScale(options);
  const { registrations } = options;
  const measured = {
    inclusionProofP99Ms: scale.proofs.inclusion.latency.p99Ms,
    consistencyProofP99Ms: scale.proofs.consistency.latency.p99Ms,
    verifySecondsPerMillion: scale.verify.secondsPerMillion,
    blobRehashRatio: blobRehash.ratio,
  };
  return {
    append: {
      label: 'ledger append with Merkle tree maintained, no projections',
      how: 'sealEntry (RFC 8785 canonical text + leaf hash) then importEntries(…, { project: false }): rows, Merkle subtrees and head, one SQLite transaction (WAL, synchronous=FULL) per chunk, in a child process',
      ...scale.built,
      endToEnd: {
        label: 'registration over HTTP, proofs maintained (the figures under registrations)',
        how: 'POST …/versions: validation, decision, sealing, projections, Merkle tree, group commit',
        oneClientOneModel: registrations.oneClientOneModel.opsPerSec,
        eightClientsOneModel: registrations.eightClientsOneModel.opsPerSec,
        eightClientsEightModels: registrations.eightClientsEightModels.opsPerSec,
      },
    },
    proofs: scale.proofs,
    verifyLedger: scale.verify,
    verifyCatalog: catalog.figures,
    blobRehash,
    targets: LEDGER_TARGETS,
    measured,
    pass: {
      inclusionProofP99Ms: scale.proofs.inclusion.errors === 0 && measured.inclusionProofP99Ms <= LEDGER_TARGETS.inclusionProofP99Ms,
      consistencyProofP99Ms: scale.proofs.consistency.errors === 0 && measured.consistencyProofP99Ms <= LEDGER_TARGETS.consistencyProofP99Ms,
      verifySecondsPerMillion: scale.verify.ok && measured.verifySecondsPerMillion <= LEDGER_TARGETS.verifySecondsPerMillion,
      blobRehashRatio: blobRehash.ok && measured.blobRehashRatio >= LEDGER_TARGETS.blobRehashRatio,
    },
    notes: {
      entries: `the bare ledger holds ${options.entries} entries (BENCH_LEDGER_ENTRIES); drafts mirror the loaded ledger: 10 namespaces, 1,000 models, version.registered with every third version.published; draftSeconds (the bench building drafts) is not in seconds`,
      proofs: `tree size ${options.entries}, seq / from drawn uniformly; ${options.reads.clients} keep-alive clients, ${options.reads.requestsPerQuery} counted requests of each kind after ${options.reads.warmupPerQuery} warm-up; the database was just written, so it is in the page cache`,
      verifySecondsPerMillion: 'wall time of the whole verify command (node start, open, re-hash every entry, rebuild and compare the tree, check the signed checkpoint, access log), scaled linearly to 1,000,000 entries when fewer were built',
      blobRehashRatio: 'blobRehash: verify\'s blob phase over the largest blob alone, MB/s over openssl dgst -sha256 MB/s on the same file, both from the page cache; 0.8 is this bench\'s reading of "near openssl speed"',
      verifyCatalog: 'ledgerAndReplay includes replaying every entry into a scratch in-memory SQLite (the projections), which is what makes it slow; blobPhase also reads every version_history manifest to learn which blobs are referenced, which counts against its MB/s',
    },
  };
}
