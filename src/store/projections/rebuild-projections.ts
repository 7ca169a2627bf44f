import { toLedgerEntry } from '../queries/row-mappers.js';
import type { StoreDialect } from '../dialect.js';
import { applyEntry } from './apply-entry.js';
import { projectionTables } from './projection-tables.js';

const CHUNK = 2000;

/**
 * Empties the projections and replays the whole ledger into them, when a
 * migration has asked for it (a new projection needs the past, e.g. history).
 * The flag is cleared only in the last step, so an interrupted rebuild starts
 * over on the next open.
 */
export async function rebuildProjectionsIfFlagged(dialect: StoreDialect): Promise<void> {
  const { db } = dialect;
  const head = await db.selectFrom('ledger_head').select(['size', 'rebuild_projections']).where('id', '=', 1).executeTakeFirstOrThrow();
  if (Number(head.rebuild_projections) === 0) return;
  await db.transaction().execute(async (tx) => {
    for (const table of projectionTables) await tx.deleteFrom(table.name).execute();
    await dialect.clearModelSearchIndex(tx);
  });
  const size = Number(head.size);
  for (let from = 0; from < size; from += CHUNK) {
    await db.transaction().execute(async (tx) => {
      const rows = await tx.selectFrom('ledger_entries').selectAll().where('seq', '>=', from).where('seq', '<', from + CHUNK).orderBy('seq').execute();
      for (const row of rows) await applyEntry(tx, dialect, toLedgerEntry(row));
    });
  }
  await db.updateTable('ledger_head').set({ rebuild_projections: 0 }).where('id', '=', 1).execute();
}
