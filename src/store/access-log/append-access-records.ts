import type { SealedAccessRecord } from '../../audit/access-record.js';
import type { Db } from '../database.js';

// 8 columns each: well under SQLite's and PostgreSQL's bound-parameter limits.
const ROWS_PER_INSERT = 500;

/**
 * The id the next record gets. Read inside the writer's transaction, which
 * holds the ledger lock, so ids are consecutive across batches and servers.
 */
export async function nextAccessId(tx: Db): Promise<number> {
  const row = await tx
    .selectFrom('access_log')
    .select((eb) => eb.fn.max('id').as('id'))
    .executeTakeFirst();
  return row?.id === null || row?.id === undefined ? 1 : Number(row.id) + 1;
}

/** Appends a batch of records under the ledger seq of the entry that anchors them. */
export async function appendAccessRecords(tx: Db, records: readonly SealedAccessRecord[], batchSeq: number): Promise<void> {
  for (let i = 0; i < records.length; i += ROWS_PER_INSERT) {
    await tx
      .insertInto('access_log')
      .values(
        records.slice(i, i + ROWS_PER_INSERT).map((r) => ({
          id: r.id,
          at: r.at,
          actor: r.actor,
          action: r.action,
          subject: r.subject,
          status: r.status,
          batch_seq: batchSeq,
          leaf_hash: r.leafHash,
        })),
      )
      .execute();
  }
}
