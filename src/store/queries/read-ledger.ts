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

export interface AuditFilter {
  readonly actor?: string | undefined;
  readonly subject?: string | undefined;
  readonly action?: string | undefined;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly limit: number;
  readonly afterSeq?: number | undefined;
}

/** Change records by who, what and when (times are ISO-8601 and compare as text). */
export async function searchLedger(db: Db, filter: AuditFilter): Promise<LedgerEntry[]> {
  let query = db.selectFrom('ledger_entries').selectAll().orderBy('seq').limit(filter.limit + 1);
  if (filter.afterSeq !== undefined) query = query.where('seq', '>', filter.afterSeq);
  if (filter.actor !== undefined) query = query.where('actor', '=', filter.actor);
  if (filter.subject !== undefined) query = query.where('subject', '=', filter.subject);
  if (filter.action !== undefined) query = query.where('action', '=', filter.action);
  if (filter.from !== undefined) query = query.where('at', '>=', filter.from);
  if (filter.to !== undefined) query = query.where('at', '<', filter.to);
  const rows = await query.execute();
  return rows.map(toLedgerEntry);
}
