import { type SubtreeSource, proveConsistency, proveInclusion, rangeRoot } from '../../ledger/merkle.js';
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
  const leaves = keys.filter((k) => k.level === 0).map((k) => k.index);
  const inner = keys.filter((k) => k.level > 0);
  const found = new Map<string, Buffer>();
  if (leaves.length > 0) {
    const rows = await db.selectFrom('ledger_entries').select(['seq', 'leaf_hash']).where('seq', 'in', leaves).execute();
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
  return compute((level, index) => {
    const hash = found.get(`${level}/${index}`);
    if (hash === undefined) throw new Error(`the ledger's Merkle tree lacks node ${level}/${index}`);
    return hash;
  });
}

export const storedRoot = (db: Db, size: number): Promise<Buffer> => withStoredSubtrees(db, (s) => rangeRoot(0, size, s));

export const storedInclusionProof = (db: Db, index: number, size: number): Promise<Buffer[]> =>
  withStoredSubtrees(db, (s) => proveInclusion(index, size, s));

export const storedConsistencyProof = (db: Db, size1: number, size2: number): Promise<Buffer[]> =>
  withStoredSubtrees(db, (s) => proveConsistency(size1, size2, s));
