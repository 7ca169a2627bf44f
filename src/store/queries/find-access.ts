import type { Db, ElevationRequestRow, RoleBindingRow } from '../database.js';

export const toBinding = (row: RoleBindingRow) => ({
  id: row.id,
  principal: row.principal,
  role: row.role,
  namespace: row.namespace,
  via: row.via,
  reason: row.reason,
  createdAt: row.created_at,
  createdBy: row.created_by,
  expiresAt: row.expires_at,
});

export async function findBinding(db: Db, id: string) {
  const row = await db.selectFrom('role_bindings').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : toBinding(row);
}

export async function listBindings(db: Db, filter: { principal?: string | undefined; namespace?: string | undefined }) {
  let query = db.selectFrom('role_bindings').selectAll().orderBy('principal').orderBy('role').orderBy('id');
  if (filter.principal !== undefined) query = query.where('principal', '=', filter.principal);
  if (filter.namespace !== undefined) query = query.where('namespace', '=', filter.namespace);
  return (await query.execute()).map(toBinding);
}

const toElevation = (row: ElevationRequestRow) => ({
  id: row.id,
  requester: row.requester,
  role: row.role,
  namespace: row.namespace,
  durationSeconds: Number(row.duration_seconds),
  justification: row.justification,
  status: row.status,
  requestedAt: row.requested_at,
  decidedBy: row.decided_by,
  decidedAt: row.decided_at,
  decisionReason: row.decision_reason,
  expiresAt: row.expires_at,
});

export async function findElevation(db: Db, id: string) {
  const row = await db.selectFrom('elevation_requests').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : toElevation(row);
}

/** Newest first; `requester` and `orNamespaces` together: one's own requests plus those in namespaces one may approve. */
export async function listElevations(db: Db, filter: { status?: string | undefined; limit: number; requester?: string | undefined; orNamespaces?: readonly string[] | undefined }) {
  let query = db.selectFrom('elevation_requests').selectAll().orderBy('requested_at', 'desc').orderBy('id').limit(filter.limit);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status as ElevationRequestRow['status']);
  const { requester, orNamespaces } = filter;
  if (requester !== undefined) {
    query = query.where((eb) => eb.or([eb('requester', '=', requester), ...(orNamespaces !== undefined && orNamespaces.length > 0 ? [eb('namespace', 'in', orNamespaces)] : [])]));
  }
  return (await query.execute()).map(toElevation);
}
