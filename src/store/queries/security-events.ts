import type { Db } from '../database.js';

/** Security events, newest first. */
export async function listSecurityEvents(db: Db, filter: { principal?: string | undefined; kind?: string | undefined; limit: number }) {
  let query = db.selectFrom('security_events').selectAll().orderBy('seq', 'desc').limit(filter.limit);
  if (filter.principal !== undefined) query = query.where('principal', '=', filter.principal);
  if (filter.kind !== undefined) query = query.where('kind', '=', filter.kind);
  const rows = await query.execute();
  return rows.map((row) => ({ seq: Number(row.seq), at: row.at, kind: row.kind, principal: row.principal, summary: row.summary, detail: JSON.parse(row.detail) as Record<string, unknown> }));
}
