import type { Db } from '../database.js';

/** An entry exactly as stored: the hashed text and the leaf hash (hex) kept beside it. */
export interface StoredEntryText {
  readonly seq: number;
  readonly canonical: string;
  readonly leafHash: string;
}

/**
 * Entries with from <= seq < to, oldest first, without parsing their
 * payloads: for copying the ledger out (a backup) and checking it.
 */
export async function readCanonicalEntries(db: Db, from: number, to: number): Promise<StoredEntryText[]> {
  const rows = await db
    .selectFrom('ledger_entries')
    .select(['seq', 'canonical', 'leaf_hash'])
    .where('seq', '>=', from)
    .where('seq', '<', to)
    .orderBy('seq')
    .execute();
  return rows.map((row) => ({ seq: Number(row.seq), canonical: row.canonical, leafHash: row.leaf_hash }));
}
