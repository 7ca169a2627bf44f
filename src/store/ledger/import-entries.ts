import { sql } from 'kysely';
import type { LedgerEntry } from '../../ledger/entry.js';
import { RegistryError } from '../../errors/registry-error.js';
import type { StoreDialect } from '../dialect.js';
import { frontierOf, storedFrontier } from '../merkle/head-frontier.js';
import { insertNodes } from '../merkle/insert-nodes.js';
import { appendEntries, insertEntryRows } from './append-entries.js';

/**
 * Appends entries that were sealed elsewhere (a backup being restored, a
 * ledger being replayed to check the projections) exactly as they are: same
 * sequence numbers, times and hashes. One transaction per call, so a caller
 * feeding chunks keeps memory flat; the chunk must continue the ledger.
 */
export async function importEntries(dialect: StoreDialect, entries: readonly LedgerEntry[], options: { project?: boolean } = {}): Promise<void> {
  if (entries.length === 0) return;
  await dialect.db.transaction().execute(async (tx) => {
    const head = await tx.updateTable('ledger_head').set({ size: sql`size` }).where('id', '=', 1).returning(['size', 'frontier']).executeTakeFirstOrThrow();
    const frontier = frontierOf(head);
    const nodes = entries.flatMap((entry, index) => {
      if (entry.seq !== frontier.treeSize || index !== entry.seq - Number(head.size)) {
        throw new RegistryError('invalid_request', `Entry ${entry.seq} does not continue a ledger of ${frontier.treeSize} entries`);
      }
      return frontier.append(Buffer.from(entry.leafHash, 'hex'));
    });
    // Without projections only the ledger is written: for building a bare ledger to measure proofs over.
    if (options.project === false) await insertEntryRows(tx, entries);
    else await appendEntries(tx, dialect, entries);
    await insertNodes(tx, nodes);
    await tx.updateTable('ledger_head').set({ size: frontier.treeSize, frontier: storedFrontier(frontier) }).where('id', '=', 1).execute();
  });
}
