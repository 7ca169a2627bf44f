import type { Kysely } from 'kysely';
import type { Subtree } from '../../ledger/merkle-frontier.js';
import type { Database } from '../database.js';

const CHUNK = 500;

/** Stores completed subtrees (level ≥ 1) of the ledger's Merkle tree, a few hundred rows per statement. */
export async function insertNodes(db: Kysely<Database>, nodes: readonly Subtree[]): Promise<void> {
  for (let i = 0; i < nodes.length; i += CHUNK) {
    await db
      .insertInto('ledger_nodes')
      .values(nodes.slice(i, i + CHUNK).map((n) => ({ level: n.level, idx: n.index, hash: n.hash.toString('hex') })))
      .execute();
  }
}
