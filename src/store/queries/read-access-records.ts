import type { AccessLogRow, Db } from '../database.js';

/**
 * Access records anchored by entries below `belowSeq`, after id `afterId`, in
 * id order (which is anchoring order: ids are handed out under the ledger lock).
 */
export async function readAccessRecords(db: Db, afterId: number, belowSeq: number, limit: number): Promise<AccessLogRow[]> {
  const rows = await db.selectFrom('access_log').selectAll().where('id', '>', afterId).where('batch_seq', '<', belowSeq).orderBy('id').limit(limit).execute();
  return rows.map((row) => ({ ...row, id: Number(row.id), batch_seq: Number(row.batch_seq), status: Number(row.status) }));
}

export async function countAccessRecords(db: Db, belowSeq: number): Promise<number> {
  const row = await db.selectFrom('access_log').select((eb) => eb.fn.countAll<number>().as('n')).where('batch_seq', '<', belowSeq).executeTakeFirstOrThrow();
  return Number(row.n);
}
