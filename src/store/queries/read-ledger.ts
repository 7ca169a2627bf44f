import type { LedgerEntry } from '../../ledger/entry.js';
import type { Db } from '../database.js';
import { toLedgerEntry } from './row-mappers.js';

export async function ledgerSize(db: Db): Promise<number> {
  const head = await db.selectFrom('ledger_head').select('size').where('id', '=', 1).executeTakeFirstOrThrow();
  return Number(head.size);
}

/** Entries with from <= seq < to, oldest first. */
export async function readLedger(db: Db, from: number, to: number): Promise<LedgerEntry[]> {
  const rows = await db.selectFrom('ledger_entries').selectAll().where('seq', '>=', from).where('seq', '<', to).orderBy('seq').execute();
  return rows.map(toLedgerEntry);
}
