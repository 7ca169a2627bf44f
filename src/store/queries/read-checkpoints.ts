import type { Db } from '../database.js';

/** A signed checkpoint as stored: the note is the C2SP signed note, the root hex. */
export interface StoredCheckpoint {
  readonly size: number;
  readonly root: string;
  readonly note: string;
  readonly createdAt: string;
}

/** Stored checkpoints with after < size <= upTo, smallest first. */
export async function readCheckpoints(db: Db, after: number, upTo: number): Promise<StoredCheckpoint[]> {
  const rows = await db
    .selectFrom('ledger_checkpoints')
    .select(['size', 'root', 'note', 'created_at'])
    .where('size', '>', after)
    .where('size', '<=', upTo)
    .orderBy('size')
    .execute();
  return rows.map((row) => ({ size: Number(row.size), root: row.root, note: row.note, createdAt: row.created_at }));
}

export async function readCheckpoint(db: Db, size: number): Promise<StoredCheckpoint | undefined> {
  return (await readCheckpoints(db, size - 1, size))[0];
}
