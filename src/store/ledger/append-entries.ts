import type { LedgerEntry } from '../../ledger/entry.js';
import type { Db } from '../database.js';
import type { StoreDialect } from '../dialect.js';
import { applyEntry } from '../projections/apply-entry.js';

// 8 columns each: well under SQLite's and PostgreSQL's bound-parameter limits.
const ROWS_PER_INSERT = 200;

/** Puts sealed entries in the ledger table and brings the projections in step, in order. */
export async function appendEntries(tx: Db, dialect: StoreDialect, entries: readonly LedgerEntry[]): Promise<void> {
  await insertEntryRows(tx, entries);
  for (const entry of entries) await applyEntry(tx, dialect, entry);
}

/** The ledger rows alone, a few hundred per statement. */
export async function insertEntryRows(tx: Db, entries: readonly LedgerEntry[]): Promise<void> {
  for (let i = 0; i < entries.length; i += ROWS_PER_INSERT) {
    await tx
      .insertInto('ledger_entries')
      .values(
        entries.slice(i, i + ROWS_PER_INSERT).map((entry) => ({
          seq: entry.seq,
          at: entry.at,
          actor: entry.actor,
          action: entry.action,
          subject: entry.subject,
          reason: entry.reason ?? null,
          canonical: entry.canonical,
          leaf_hash: entry.leafHash,
        })),
      )
      .execute();
  }
}
