import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { LedgerEntry } from '../ledger/entry.js';
import { sealEntry } from '../ledger/seal-entry.js';
import { loadLedgerSigner } from '../server/ledger-key.js';
import { importCheckpoints } from '../store/ledger/import-checkpoints.js';
import { importEntries } from '../store/ledger/import-entries.js';
import { frontierOf } from '../store/merkle/head-frontier.js';
import { storedRoot } from '../store/merkle/prove-from-store.js';
import { openStore } from '../store/open-store.js';
import { seededRandom } from './catalog-shape.js';
import { requiredEnv } from './child-env.js';
import { ledgerDrafts } from './ledger-drafts.js';
import { round } from './percentiles.js';

/*
 * Builds a bare ledger of BENCH_LEDGER_ENTRIES entries in BENCH_LEDGER_DIR:
 * entry rows, Merkle subtrees and head, no projections, sealed as the writer
 * seals them and appended with importEntries, one transaction per chunk.
 * Then signs a checkpoint at the final size with the data directory's key, so
 * `modelkeep verify` has a signature to check. Prints one JSON line with the
 * timings, split into building the drafts (the bench's own work), sealing
 * (canonical text and leaf hash) and appending (rows, subtrees, head, commit).
 */

const CHUNK = 10_000;
const ACTOR = 'user:admin';
const dataDir = requiredEnv('BENCH_LEDGER_DIR');
const total = Number(requiredEnv('BENCH_LEDGER_ENTRIES'));
const note = (text: string): void => void process.stderr.write(`[ledger] ${text}\n`);
const since = (start: number): number => performance.now() - start;

await mkdir(dataDir, { recursive: true, mode: 0o700 });
const location = join(dataDir, 'modelkeep.db');
const store = await openStore({ location });
let figures: Record<string, unknown>;
try {
  const drafts = ledgerDrafts(seededRandom(2024), { namespaces: 10, modelsPerNamespace: 100, publishEvery: 3 });
  // Entries a second apart from 2024-01-01: a plausible history, and every `at` distinct.
  const firstAt = Date.UTC(2024, 0, 1);
  let draftMs = 0;
  let sealMs = 0;
  let appendMs = 0;
  let canonicalBytes = 0;
  for (let seq = 0; seq < total; ) {
    const count = Math.min(CHUNK, total - seq);
    let started = performance.now();
    const chunk = Array.from({ length: count }, () => drafts.next().value);
    draftMs += since(started);
    started = performance.now();
    const entries: LedgerEntry[] = chunk.map((draft, i) => sealEntry(draft, seq + i, new Date(firstAt + (seq + i) * 1000), ACTOR));
    sealMs += since(started);
    started = performance.now();
    await importEntries(store.dialect, entries, { project: false });
    appendMs += since(started);
    for (const entry of entries) canonicalBytes += Buffer.byteLength(entry.canonical);
    seq += count;
    if (seq % 100_000 === 0 || seq === total) note(`${seq}/${total} entries (${Math.round(seq / ((sealMs + appendMs) / 1000))}/s sealed and appended)`);
  }

  const checkpointStart = performance.now();
  const head = await store.db.selectFrom('ledger_head').select(['size', 'frontier']).where('id', '=', 1).executeTakeFirstOrThrow();
  const root = await storedRoot(store.db, total);
  if (Number(head.size) !== total || !root.equals(frontierOf(head).root())) throw new Error(`the built ledger's head (size ${head.size}) disagrees with its stored tree`);
  const signer = await loadLedgerSigner(dataDir);
  await importCheckpoints(store.db, [{ size: total, root: root.toString('hex'), note: signer.signCheckpoint(total, root), createdAt: new Date().toISOString() }]);
  const checkpointMs = since(checkpointStart);

  const seconds = (sealMs + appendMs) / 1000;
  figures = {
    entries: total,
    chunkEntries: CHUNK,
    transactions: Math.ceil(total / CHUNK),
    meanCanonicalBytes: Math.round(canonicalBytes / total),
    seconds: round(seconds, 2),
    entriesPerSec: Math.round(total / seconds),
    sealSeconds: round(sealMs / 1000, 2),
    appendSeconds: round(appendMs / 1000, 2),
    appendOnlyEntriesPerSec: Math.round(total / (appendMs / 1000)),
    draftSeconds: round(draftMs / 1000, 2),
    checkpoint: { size: total, root: root.toString('hex'), ms: round(checkpointMs, 1) },
    builderPeakRssMiB: round(process.resourceUsage().maxRSS / 1024, 1),
  };
} finally {
  await store.close();
}
// Measured after closing, when SQLite has folded its write-ahead log into the file.
process.stdout.write(`${JSON.stringify({ ...figures, databaseMB: round((await stat(location)).size / 1e6, 1) })}\n`);
