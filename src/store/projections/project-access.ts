import type {
  BindingGranted,
  BindingRevoked,
  ElevationApproved,
  ElevationDenied,
  ElevationRequested,
  GroupMembership,
  PolicyRemoved,
  PolicySet,
  SecurityEventRecorded,
} from '../../access/entry-payloads.js';
import type { LedgerEntry } from '../../ledger/entry.js';
import type { Db } from '../database.js';

export async function projectBindingGranted(tx: Db, entry: LedgerEntry, payload: BindingGranted): Promise<void> {
  await tx
    .insertInto('role_bindings')
    .values({
      id: payload.id,
      principal: payload.principal,
      role: payload.role,
      namespace: payload.namespace,
      via: payload.via,
      reason: entry.reason ?? '',
      created_at: entry.at,
      created_by: entry.actor,
      expires_at: payload.expiresAt,
    })
    .execute();
}

export async function projectBindingRevoked(tx: Db, payload: BindingRevoked): Promise<void> {
  await tx.deleteFrom('role_bindings').where('id', '=', payload.id).execute();
}

export async function projectMemberAdded(tx: Db, entry: LedgerEntry, payload: GroupMembership): Promise<void> {
  await tx.insertInto('group_members').values({ group_id: payload.group, member: payload.member, added_at: entry.at, added_by: entry.actor }).execute();
}

export async function projectMemberRemoved(tx: Db, payload: GroupMembership): Promise<void> {
  await tx.deleteFrom('group_members').where('group_id', '=', payload.group).where('member', '=', payload.member).execute();
}

export async function projectPolicySet(tx: Db, entry: LedgerEntry, payload: PolicySet): Promise<void> {
  await tx.deleteFrom('access_policies').where('id', '=', payload.id).execute();
  await tx
    .insertInto('access_policies')
    .values({ id: payload.id, text: payload.text, description: payload.description, updated_at: entry.at, updated_by: entry.actor, updated_seq: entry.seq })
    .execute();
}

export async function projectPolicyRemoved(tx: Db, payload: PolicyRemoved): Promise<void> {
  await tx.deleteFrom('access_policies').where('id', '=', payload.id).execute();
}

export async function projectElevationRequested(tx: Db, entry: LedgerEntry, payload: ElevationRequested): Promise<void> {
  await tx
    .insertInto('elevation_requests')
    .values({
      id: payload.id,
      requester: entry.actor,
      role: payload.role,
      namespace: payload.namespace,
      duration_seconds: payload.durationSeconds,
      justification: payload.justification,
      status: 'pending',
      requested_at: entry.at,
      decided_by: null,
      decided_at: null,
      decision_reason: null,
      expires_at: null,
    })
    .execute();
}

export async function projectElevationApproved(tx: Db, entry: LedgerEntry, payload: ElevationApproved): Promise<void> {
  const request = await tx.selectFrom('elevation_requests').selectAll().where('id', '=', payload.id).executeTakeFirstOrThrow();
  await tx
    .updateTable('elevation_requests')
    .set({ status: 'approved', decided_by: entry.actor, decided_at: entry.at, decision_reason: entry.reason ?? null, expires_at: payload.expiresAt })
    .where('id', '=', payload.id)
    .execute();
  await tx
    .insertInto('role_bindings')
    .values({
      id: payload.bindingId,
      principal: request.requester,
      role: request.role,
      namespace: request.namespace,
      via: `elevation:${payload.id}`,
      reason: request.justification,
      created_at: entry.at,
      created_by: entry.actor,
      expires_at: payload.expiresAt,
    })
    .execute();
}

export async function projectElevationDenied(tx: Db, entry: LedgerEntry, payload: ElevationDenied): Promise<void> {
  await tx
    .updateTable('elevation_requests')
    .set({ status: 'denied', decided_by: entry.actor, decided_at: entry.at, decision_reason: entry.reason ?? null })
    .where('id', '=', payload.id)
    .execute();
}

export async function projectSecurityEvent(tx: Db, entry: LedgerEntry, payload: SecurityEventRecorded): Promise<void> {
  await tx
    .insertInto('security_events')
    .values({ seq: entry.seq, at: entry.at, kind: payload.kind, principal: payload.principal, summary: payload.summary, detail: JSON.stringify(payload.detail) })
    .execute();
}
