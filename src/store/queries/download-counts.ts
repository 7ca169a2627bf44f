import { sql } from 'kysely';
import type { Db } from '../database.js';

/** Blob downloads per principal per hour since `since`, from the access log: what the anomaly detector's baselines start from. */
export async function hourlyDownloads(db: Db, since: Date): Promise<{ actor: string; hourStart: number; count: number }[]> {
  const hour = sql<string>`substr(at, 1, 13)`;
  const rows = await db
    .selectFrom('access_log')
    .select(['actor', hour.as('hour'), (eb) => eb.fn.countAll<number>().as('n')])
    .where('action', '=', 'blob.read')
    .where('at', '>=', since.toISOString())
    .where('status', '<', 300)
    .groupBy(['actor', hour])
    .execute();
  return rows.map((row) => ({ actor: row.actor, hourStart: Date.parse(`${row.hour}:00:00.000Z`), count: Number(row.n) }));
}
