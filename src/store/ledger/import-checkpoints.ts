import type { Db } from '../database.js';
import type { StoredCheckpoint } from '../queries/read-checkpoints.js';

const ROWS_PER_INSERT = 500;

/**
 * Keeps checkpoints signed elsewhere (a backup being restored) as they are.
 * As with `recordCheckpoint`, the first one stored for a size stays.
 */
export async function importCheckpoints(db: Db, checkpoints: readonly StoredCheckpoint[]): Promise<void> {
  for (let i = 0; i < checkpoints.length; i += ROWS_PER_INSERT) {
    await db
      .insertInto('ledger_checkpoints')
      .values(checkpoints.slice(i, i + ROWS_PER_INSERT).map((c) => ({ size: c.size, root: c.root, note: c.note, created_at: c.createdAt })))
      .onConflict((oc) => oc.column('size').doNothing())
      .execute();
  }
}
