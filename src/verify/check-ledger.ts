import type { LedgerEntry } from '../ledger/entry.js';
import { entryFromCanonical } from '../ledger/entry-from-canonical.js';
import { MerkleFrontier, type Subtree } from '../ledger/merkle-frontier.js';
import { type VerifierKey, parseCheckpoint, verifyCheckpoint } from '../ledger/verifier/index.js';
import type { Db, LedgerCheckpointRow, LedgerEntryRow } from '../store/database.js';
import { LOWEST_STORED_LEVEL } from '../store/merkle/insert-nodes.js';
import { compareStoredNodes } from './compare-stored-nodes.js';
import { COLUMNS_OK, STORED_LEAF_OK, hashLedgerRows } from './hash-ledger-rows.js';
import { readLedgerInParallel } from './read-ledger-in-parallel.js';
import type { PhaseProgress, ProblemLog } from './verify-problem.js';

const CHUNK = 5000;
/** Ranges read on other threads: whole subtrees of 4096 leaves (level 12). */
const PARALLEL_CHUNK = 4096;

export interface LedgerCheck {
  readonly entries: number;
  /** base64 root of the recomputed tree. */
  readonly root: string;
  readonly checkpoints: number;
  /** The latest signed checkpoint, if any, and whether the recomputed tree matches it. */
  readonly latestCheckpoint: { readonly size: number; readonly matches: boolean } | undefined;
  /** True when every entry was handed to the replay and it took them all. */
  readonly replayed: boolean;
}

const label = (seq: number) => `ledger entry ${seq}`;

async function entryRow(db: Db, seq: number): Promise<LedgerEntryRow> {
  return db.selectFrom('ledger_entries').selectAll().where('seq', '=', seq).executeTakeFirstOrThrow();
}

/** The stored columns must say what the hashed text says: the audit API and the projections read the columns. */
function compareColumns(row: LedgerEntryRow, entry: LedgerEntry, problems: ProblemLog): void {
  const columns: [string, unknown, unknown][] = [
    ['at', row.at, entry.at],
    ['actor', row.actor, entry.actor],
    ['action', row.action, entry.action],
    ['subject', row.subject, entry.subject],
    ['reason', row.reason, entry.reason ?? null],
  ];
  for (const [column, stored, hashed] of columns) {
    if (stored !== hashed) problems.error('ledger', label(entry.seq), `column ${column} is ${JSON.stringify(stored)} but the hashed entry says ${JSON.stringify(hashed)}`);
  }
}

/** Signed checkpoints in size order, a page at a time. */
async function* checkpointsOf(db: Db): AsyncGenerator<LedgerCheckpointRow> {
  let after = -1;
  for (;;) {
    const rows = await db.selectFrom('ledger_checkpoints').selectAll().where('size', '>', after).orderBy('size').limit(1000).execute();
    for (const row of rows) yield { ...row, size: Number(row.size) };
    if (rows.length < 1000) return;
    after = Number(rows[rows.length - 1]!.size);
  }
}

/**
 * Reads the ledger once, in order: every entry's canonical text parsed and
 * re-hashed, its columns checked against it, the Merkle tree rebuilt and
 * compared with the stored subtrees, the head and every signed checkpoint.
 * Each entry that could be read is handed to `onEntries` (the replay), in
 * order, until the first one that could not.
 */
export async function checkLedger(
  db: Db,
  key: VerifierKey | undefined,
  problems: ProblemLog,
  progress: PhaseProgress,
  onEntries: ((entries: LedgerEntry[]) => Promise<void>) | undefined,
  options: { parallel?: { location: string; schema: string | undefined; threads: number } } = {},
): Promise<LedgerCheck> {
  const head = await db.selectFrom('ledger_head').select(['size', 'frontier']).where('id', '=', 1).executeTakeFirstOrThrow();
  const headSize = Number(head.size);
  const frontier = MerkleFrontier.empty();
  const checkpoints = checkpointsOf(db);
  let nextCheckpoint = (await checkpoints.next()).value as LedgerCheckpointRow | undefined;
  let checkpointCount = 0;
  let latest: LedgerCheck['latestCheckpoint'];
  let replaying = onEntries !== undefined;
  let expected = 0;

  // Each checkpoint is compared when the rebuilt tree reaches its size (size 0 before any entry).
  const settleCheckpoints = async () => {
    while (nextCheckpoint !== undefined && nextCheckpoint.size <= frontier.treeSize) {
      const row = nextCheckpoint;
      checkpointCount += 1;
      latest = { size: row.size, matches: row.size === frontier.treeSize && checkpointMatches(row, frontier, key, problems) };
      if (row.size < frontier.treeSize) problems.error('checkpoint', `checkpoint at size ${row.size}`, 'could not be compared: the ledger is broken before it');
      nextCheckpoint = (await checkpoints.next()).value as LedgerCheckpointRow | undefined;
    }
  };
  await settleCheckpoints();

  /** One entry's checks that need more than its hash: its text parsed, for a precise report or for the replay. */
  const inspect = (row: LedgerEntryRow, columnsOk: boolean): LedgerEntry | undefined => {
    const seq = Number(row.seq);
    const entry = entryFromCanonical(row.canonical);
    if (typeof entry === 'string') {
      problems.error('ledger', label(seq), `its canonical text ${entry}`);
      return undefined;
    }
    if (entry.seq !== seq) problems.error('ledger', label(seq), `its hashed text says it is entry ${entry.seq}`);
    if (!columnsOk) compareColumns(row, entry, problems);
    return entry;
  };

  /** An entry's own checks: its stored leaf hash and its columns (the row is fetched only when they disagree with its text). */
  const checkEntryText = async (seq: number, flags: number, row: () => Promise<LedgerEntryRow>) => {
    if ((flags & STORED_LEAF_OK) === 0) problems.error('ledger', label(seq), 'its stored leaf hash is not the hash of its canonical text');
    if ((flags & COLUMNS_OK) === 0 && !replaying) inspect(await row(), false);
  };

  /** The checks every entry gets, from its hash and flags; `row` is fetched only when a closer look is needed. */
  const checkEntry = async (seq: number, leaf: Buffer, flags: number, completed: Subtree[], row: () => Promise<LedgerEntryRow>) => {
    if (seq !== expected) {
      problems.error('ledger', label(expected), seq > expected ? `is missing (the next stored entry is ${seq})` : 'is stored twice');
      replaying = false;
    }
    expected = seq + 1;
    // The tree is over the text as stored, readable or not.
    if (frontier.treeSize === seq) {
      completed.push(...frontier.append(leaf));
      if (nextCheckpoint !== undefined && nextCheckpoint.size <= frontier.treeSize) await settleCheckpoints();
    }
    await checkEntryText(seq, flags, row);
  };

  progress.start('ledger', headSize);
  if (!replaying && options.parallel !== undefined && headSize > 0) {
    // Reading and hashing split across threads; the tree is rebuilt here, in order.
    for await (const chunk of readLedgerInParallel(options.parallel, headSize, PARALLEL_CHUNK, options.parallel.threads)) {
      const completed: Subtree[] = [];
      const span = chunk.subtree === undefined ? 0 : 2 ** chunk.subtree.level;
      // A whole subtree joins the tree at once, unless a checkpoint needs the root part-way through it.
      const whole = chunk.subtree !== undefined && frontier.treeSize === chunk.from && expected === chunk.from && !(nextCheckpoint !== undefined && nextCheckpoint.size < chunk.from + span);
      for (let i = 0; i < chunk.seqs.length; i++) {
        const seq = chunk.seqs[i]!;
        if (whole) await checkEntryText(seq, chunk.flags[i]!, () => entryRow(db, seq));
        else await checkEntry(seq, chunk.leaves.subarray(i * 32, i * 32 + 32), chunk.flags[i]!, completed, () => entryRow(db, seq));
      }
      if (whole) {
        for (const { resource, problem } of chunk.nodeProblems) problems.error('tree', resource, problem);
        completed.push(...frontier.appendSubtree(chunk.subtree!.level, chunk.subtree!.hash));
        expected = chunk.from + span;
        if (nextCheckpoint !== undefined && nextCheckpoint.size <= frontier.treeSize) await settleCheckpoints();
      }
      await compareStoredNodes(db, completed, (resource, problem) => problems.error('tree', resource, problem));
      progress.advance(chunk.seqs.length);
    }
  }
  for (;;) {
    const rows = await db.selectFrom('ledger_entries').selectAll().where('seq', '>=', expected).orderBy('seq').limit(CHUNK).execute();
    if (rows.length === 0) break;
    const hashed = hashLedgerRows(rows);
    const readable: LedgerEntry[] = [];
    const completed: Subtree[] = [];
    for (const [i, row] of rows.entries()) {
      await checkEntry(hashed.seqs[i]!, hashed.leaves.subarray(i * 32, i * 32 + 32), hashed.flags[i]!, completed, async () => row);
      if (!replaying) continue;
      const entry = inspect(row, (hashed.flags[i]! & COLUMNS_OK) !== 0);
      if (entry === undefined) replaying = false;
      else readable.push(entry);
    }
    await compareStoredNodes(db, completed, (resource, problem) => problems.error('tree', resource, problem));
    if (readable.length > 0 && onEntries !== undefined) {
      try {
        await onEntries(readable);
      } catch (error) {
        problems.error('projection', label(readable[0]!.seq), `replaying the ledger failed from here: ${(error as Error).message}`);
        replaying = false;
      }
    }
    progress.advance(rows.length);
  }
  progress.stop();
  while (nextCheckpoint !== undefined) {
    problems.error('checkpoint', `checkpoint at size ${nextCheckpoint.size}`, `was signed for ${nextCheckpoint.size} entries but the ledger holds ${frontier.treeSize}: entries were removed`);
    checkpointCount += 1;
    nextCheckpoint = (await checkpoints.next()).value as LedgerCheckpointRow | undefined;
  }
  checkHead(head, headSize, frontier, problems);
  await checkNodeCount(db, frontier.treeSize, problems);
  if (latest === undefined) problems.warning('checkpoint', 'ledger', 'no signed checkpoint is stored yet; a running server signs one as the ledger grows');
  return { entries: frontier.treeSize, root: frontier.root().toString('base64'), checkpoints: checkpointCount, latestCheckpoint: latest, replayed: replaying };
}

function checkpointMatches(row: LedgerCheckpointRow, frontier: MerkleFrontier, key: VerifierKey | undefined, problems: ProblemLog): boolean {
  const resource = `checkpoint at size ${row.size}`;
  let ok = true;
  try {
    const checkpoint = key === undefined ? parseCheckpoint(row.note) : verifyCheckpoint(row.note, key);
    if (checkpoint.size !== row.size) {
      problems.error('checkpoint', resource, `its signed note is for size ${checkpoint.size}`);
      ok = false;
    }
    if (!checkpoint.root.equals(frontier.root())) {
      problems.error('checkpoint', resource, 'the ledger as stored does not have the root hash that was signed: history was rewritten');
      ok = false;
    }
  } catch (error) {
    problems.error('checkpoint', resource, `its signature does not verify: ${(error as Error).message}`);
    ok = false;
  }
  if (row.root !== frontier.root().toString('hex')) {
    problems.error('checkpoint', resource, 'its stored root column differs from the rebuilt tree');
    ok = false;
  }
  return ok;
}

function checkHead(head: { frontier: string }, headSize: number, frontier: MerkleFrontier, problems: ProblemLog): void {
  if (headSize !== frontier.treeSize) {
    problems.error('tree', 'ledger head', `says the ledger has ${headSize} entries; ${frontier.treeSize} were read`);
    return;
  }
  const stored = JSON.parse(head.frontier) as string[];
  const rebuilt = frontier.peakHashes.map((h) => h.toString('hex'));
  if (JSON.stringify(stored) !== JSON.stringify(rebuilt)) problems.error('tree', 'ledger head', 'its stored Merkle frontier differs from the rebuilt tree');
}

async function checkNodeCount(db: Db, size: number, problems: ProblemLog): Promise<void> {
  let expected = 0;
  for (let level = LOWEST_STORED_LEVEL; 2 ** level <= size; level += 1) expected += Math.floor(size / 2 ** level);
  const row = await db.selectFrom('ledger_nodes').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const stored = Number(row.n);
  if (stored !== expected) problems.error('tree', 'ledger_nodes', `holds ${stored} subtrees; a ledger of ${size} entries has ${expected}`);
}
