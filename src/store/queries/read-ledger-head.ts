import type { Db } from '../database.js';
import { frontierOf } from '../merkle/head-frontier.js';

/** The ledger's size and Merkle root, read together from the head in one statement. */
export async function readLedgerHead(db: Db): Promise<{ size: number; root: Buffer }> {
  const head = await db.selectFrom('ledger_head').select(['size', 'frontier']).where('id', '=', 1).executeTakeFirstOrThrow();
  const frontier = frontierOf(head);
  return { size: frontier.treeSize, root: frontier.root() };
}
