import type { LedgerEntry } from '../ledger/entry.js';
import { entryFromCanonical } from '../ledger/entry-from-canonical.js';
import { leafHash } from '../ledger/leaf-hash.js';
import { MerkleFrontier, type Subtree } from '../ledger/merkle-frontier.js';
import { type VerifierKey, parseCheckpoint, verifyCheckpoint } from '../ledger/verifier/index.js';
import type { Db, LedgerCheckpointRow, LedgerEntryRow } from '../store/database.js';
import { LOWEST_STORED_LEVEL } from '../store/merkle/insert-nodes.js';
import type { PhaseProgress, ProblemLog } from './verify-problem.js';

const CHUNK = 5000;

export interface LedgerCheck {
  readonly entries: number;
  /** base64 root of the recomputed tree. */
  readonly root: string;
  readonly checkpoints: number;
  /** The latest signed checkpoint, if any, and whether the recomputed tree matches it. */
  readonly latestCheckpoint: { readonly size: number; readonly matches: boolean } | undefined;
}

const label = (seq: number) => `ledger entry ${seq}`;

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
  onEntries: (entries: LedgerEntry[]) => Promise<void>,
): Promise<LedgerCheck> {
  const head = await db.selectFrom('ledger_head').select(['size', 'frontier']).where('id', '=', 1).executeTakeFirstOrThrow();
  const headSize = Number(head.size);
  const frontier = MerkleFrontier.empty();
  const checkpoints = checkpointsOf(db);
  let nextCheckpoint = (await checkpoints.next()).value as LedgerCheckpointRow | undefined;
  let checkpointCount = 0;
  let latest: LedgerCheck['latestCheckpoint'];
  let replaying = true;
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

  progress.start('ledger', headSize);
  for (;;) {
    const rows = await db.selectFrom('ledger_entries').selectAll().where('seq', '>=', expected).orderBy('seq').limit(CHUNK).execute();
    if (rows.length === 0) break;
    const readable: LedgerEntry[] = [];
    const completed: Subtree[] = [];
    for (const row of rows) {
      const seq = Number(row.seq);
      if (seq !== expected) {
        problems.error('ledger', label(expected), seq > expected ? `is missing (the next stored entry is ${seq})` : 'is stored twice');
        replaying = false;
      }
      expected = seq + 1;
      const entry = entryFromCanonical(row.canonical);
      // The tree is over the text as stored, readable or not.
      const leaf = typeof entry === 'string' ? leafHash(row.canonical).toString('hex') : entry.leafHash;
      if (row.leaf_hash !== leaf) problems.error('ledger', label(seq), 'its stored leaf hash is not the hash of its canonical text');
      if (frontier.treeSize === seq) {
        completed.push(...frontier.append(Buffer.from(leaf, 'hex')));
        if (nextCheckpoint !== undefined && nextCheckpoint.size <= frontier.treeSize) await settleCheckpoints();
      }
      if (typeof entry === 'string') {
        problems.error('ledger', label(seq), `its canonical text ${entry}`);
        replaying = false;
        continue;
      }
      if (entry.seq !== seq) problems.error('ledger', label(seq), `its hashed text says it is entry ${entry.seq}`);
      compareColumns(row, entry, problems);
      if (replaying) readable.push(entry);
    }
    await compareStoredNodes(db, completed, problems);
    if (readable.length > 0) {
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
  return { entries: frontier.treeSize, root: frontier.root().toString('base64'), checkpoints: checkpointCount, latestCheckpoint: latest };
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

/** The stored subtrees proofs are served from must be the ones the entries make. */
async function compareStoredNodes(db: Db, completed: readonly Subtree[], problems: ProblemLog): Promise<void> {
  const byLevel = new Map<number, Subtree[]>();
  for (const node of completed) {
    if (node.level < LOWEST_STORED_LEVEL) continue;
    const list = byLevel.get(node.level) ?? [];
    list.push(node);
    byLevel.set(node.level, list);
  }
  for (const [level, nodes] of byLevel) {
    const first = nodes[0]!.index;
    const last = nodes[nodes.length - 1]!.index;
    const rows = await db.selectFrom('ledger_nodes').select(['idx', 'hash']).where('level', '=', level).where('idx', '>=', first).where('idx', '<=', last).execute();
    const stored = new Map(rows.map((r) => [Number(r.idx), r.hash]));
    for (const node of nodes) {
      const hash = stored.get(node.index);
      const resource = `tree node level ${level} index ${node.index}`;
      if (hash === undefined) problems.error('tree', resource, 'is missing; proofs over it cannot be served');
      else if (hash !== node.hash.toString('hex')) problems.error('tree', resource, 'differs from the hash of the entries beneath it');
    }
  }
}

async function checkNodeCount(db: Db, size: number, problems: ProblemLog): Promise<void> {
  let expected = 0;
  for (let level = LOWEST_STORED_LEVEL; 2 ** level <= size; level += 1) expected += Math.floor(size / 2 ** level);
  const row = await db.selectFrom('ledger_nodes').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const stored = Number(row.n);
  if (stored !== expected) problems.error('tree', 'ledger_nodes', `holds ${stored} subtrees; a ledger of ${size} entries has ${expected}`);
}
