import type { Kysely } from 'kysely';
import type { Subtree } from '../../ledger/merkle-frontier.js';
import type { Database } from '../database.js';

const CHUNK = 500;

/**
 * Only subtrees of 16 leaves and up are stored: one row per 16 appends, so
 * most commits write none, while a smaller subtree a proof needs is rebuilt
 * from at most 16 leaf hashes read in the same query.
 */
export const LOWEST_STORED_LEVEL = 4;

/** Stores the completed subtrees worth keeping, a few hundred rows per statement. */
export async function insertNodes(db: Kysely<Database>, nodes: readonly Subtree[]): Promise<void> {
  const kept = nodes.filter((n) => n.level >= LOWEST_STORED_LEVEL);
  for (let i = 0; i < kept.length; i += CHUNK) {
    await db
      .insertInto('ledger_nodes')
      .values(kept.slice(i, i + CHUNK).map((n) => ({ level: n.level, idx: n.index, hash: n.hash.toString('hex') })))
      .execute();
  }
}
