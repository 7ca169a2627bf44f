import { type SubtreeSource, hashChildren, proveConsistency, proveInclusion, rangeRoot } from '../../ledger/merkle.js';
import { LOWEST_STORED_LEVEL } from './insert-nodes.js';
import type { Db } from '../database.js';

const PLACEHOLDER = Buffer.alloc(32);

/**
 * Runs a proof computation against the stored tree in two passes: the first,
 * on placeholder hashes, learns which subtrees the proof touches (the shape
 * depends only on indices); one query fetches those O(log n) rows; the second
 * pass computes with the real hashes.
 */
async function withStoredSubtrees<T>(db: Db, compute: (subtree: SubtreeSource) => T): Promise<T> {
  const wanted = new Map<string, { level: number; index: number }>();
  compute((level, index) => {
    wanted.set(`${level}/${index}`, { level, index });
    return PLACEHOLDER;
  });
  const keys = [...wanted.values()];
  // Leaves are read directly; subtrees below the lowest stored level are rebuilt from their leaves.
  const leaves = new Set<number>();
  for (const k of keys.filter((k) => k.level < LOWEST_STORED_LEVEL)) {
    const span = 2 ** k.level;
    for (let i = k.index * span; i < (k.index + 1) * span; i += 1) leaves.add(i);
  }
  const inner = keys.filter((k) => k.level >= LOWEST_STORED_LEVEL);
  const found = new Map<string, Buffer>();
  if (leaves.size > 0) {
    const rows = await db.selectFrom('ledger_entries').select(['seq', 'leaf_hash']).where('seq', 'in', [...leaves]).execute();
    for (const row of rows) found.set(`0/${Number(row.seq)}`, Buffer.from(row.leaf_hash, 'hex'));
  }
  if (inner.length > 0) {
    const rows = await db
      .selectFrom('ledger_nodes')
      .select(['level', 'idx', 'hash'])
      .where((eb) => eb.or(inner.map((k) => eb.and([eb('level', '=', k.level), eb('idx', '=', k.index)]))))
      .execute();
    for (const row of rows) found.set(`${row.level}/${Number(row.idx)}`, Buffer.from(row.hash, 'hex'));
  }
  const subtree: SubtreeSource = (level, index) => {
    const key = `${level}/${index}`;
    let hash = found.get(key);
    if (hash === undefined && level > 0 && level < LOWEST_STORED_LEVEL) {
      hash = hashChildren(subtree(level - 1, index * 2), subtree(level - 1, index * 2 + 1));
      found.set(key, hash);
    }
    if (hash === undefined) throw new Error(`the ledger's Merkle tree lacks node ${key}`);
    return hash;
  };
  return compute(subtree);
}

export const storedRoot = (db: Db, size: number): Promise<Buffer> => withStoredSubtrees(db, (s) => rangeRoot(0, size, s));

/** An inclusion proof with the root it leads to, from one read of the stored tree. */
export const storedInclusionProof = (db: Db, index: number, size: number): Promise<{ proof: Buffer[]; root: Buffer }> =>
  withStoredSubtrees(db, (s) => ({ proof: proveInclusion(index, size, s), root: rangeRoot(0, size, s) }));

/** A consistency proof with the two roots it links, from one read of the stored tree. */
export const storedConsistencyProof = (db: Db, size1: number, size2: number): Promise<{ proof: Buffer[]; fromRoot: Buffer; toRoot: Buffer }> =>
  withStoredSubtrees(db, (s) => ({ proof: proveConsistency(size1, size2, s), fromRoot: rangeRoot(0, size1, s), toRoot: rangeRoot(0, size2, s) }));
