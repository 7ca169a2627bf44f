import { asPayload } from '../catalog/entry-payloads.js';
import { bindingUrn, elevationUrn, policyUrn, principalUrn } from '../catalog/urns.js';
import { RegistryError } from '../errors/registry-error.js';
import type { WriteSteps } from '../store/write-command.js';
import type { Db } from '../store/database.js';
import type {
  BindingGranted,
  ElevationApproved,
  ElevationDenied,
  ElevationRequested,
  GroupMembership,
  PolicyRemoved,
  PolicySet,
  SecurityEventRecorded,
} from './entry-payloads.js';
import { checkPolicyText } from './policies/policy-engine.js';

async function requireNamespace(tx: Db, namespace: string | null): Promise<void> {
  if (namespace === null) return;
  const row = await tx.selectFrom('namespaces').select('name').where('name', '=', namespace).executeTakeFirst();
  if (row === undefined) throw new RegistryError('not_found', `Namespace ${namespace} does not exist; create it first (POST /api/v1/namespaces)`);
}

async function pendingElevation(tx: Db, id: string) {
  const row = await tx.selectFrom('elevation_requests').selectAll().where('id', '=', id).executeTakeFirst();
  if (row === undefined) throw new RegistryError('not_found', `Elevation request ${id} does not exist`);
  if (row.status !== 'pending') throw new RegistryError('invalid_state', `Elevation request ${id} was already ${row.status} by ${row.decided_by} at ${row.decided_at}`);
  return row;
}

/** Grants, groups, policies and elevations: every one a ledger entry, checked against the state inside the write. */
export const accessCommands = {
  grantRole: (args: BindingGranted): WriteSteps<string> => ({
    decide: async (tx) => {
      await requireNamespace(tx, args.namespace);
      let same = tx.selectFrom('role_bindings').select('id').where('principal', '=', args.principal).where('role', '=', args.role).where('via', '=', 'binding');
      same = args.namespace === null ? same.where('namespace', 'is', null) : same.where('namespace', '=', args.namespace);
      const existing = await same.executeTakeFirst();
      if (existing !== undefined) {
        throw new RegistryError('already_exists', `${args.principal} already holds ${args.role} ${args.namespace === null ? 'globally' : `in ${args.namespace}`} (binding ${existing.id}); revoke it first to change its expiry`);
      }
      return [{ action: 'binding.granted', subject: bindingUrn(args.id), payload: asPayload(args) }];
    },
    respond: async () => args.id,
  }),

  revokeBinding: (args: { id: string }): WriteSteps<string> => ({
    decide: async (tx) => {
      const row = await tx.selectFrom('role_bindings').select(['id', 'via']).where('id', '=', args.id).executeTakeFirst();
      if (row === undefined) throw new RegistryError('not_found', `Binding ${args.id} does not exist`);
      return [{ action: 'binding.revoked', subject: bindingUrn(args.id), payload: asPayload({ id: args.id }) }];
    },
    respond: async () => args.id,
  }),

  addGroupMember: (args: GroupMembership): WriteSteps<void> => ({
    decide: async (tx) => {
      const row = await tx.selectFrom('group_members').select('member').where('group_id', '=', args.group).where('member', '=', args.member).executeTakeFirst();
      if (row !== undefined) throw new RegistryError('already_exists', `${args.member} is already a member of ${args.group}`);
      return [{ action: 'group.member_added', subject: principalUrn(args.group), payload: asPayload(args) }];
    },
    respond: async () => undefined,
  }),

  removeGroupMember: (args: GroupMembership): WriteSteps<void> => ({
    decide: async (tx) => {
      const row = await tx.selectFrom('group_members').select('member').where('group_id', '=', args.group).where('member', '=', args.member).executeTakeFirst();
      if (row === undefined) throw new RegistryError('not_found', `${args.member} is not a member of ${args.group}`);
      return [{ action: 'group.member_removed', subject: principalUrn(args.group), payload: asPayload(args) }];
    },
    respond: async () => undefined,
  }),

  setPolicy: (args: PolicySet): WriteSteps<void> => ({
    decide: async (tx) => {
      checkPolicyText(args.id, args.text, await tx.selectFrom('access_policies').select(['id', 'text']).execute());
      return [{ action: 'policy.set', subject: policyUrn(args.id), payload: asPayload(args) }];
    },
    respond: async () => undefined,
  }),

  removePolicy: (args: PolicyRemoved): WriteSteps<void> => ({
    decide: async (tx) => {
      const row = await tx.selectFrom('access_policies').select('id').where('id', '=', args.id).executeTakeFirst();
      if (row === undefined) throw new RegistryError('not_found', `Policy ${args.id} does not exist`);
      return [{ action: 'policy.removed', subject: policyUrn(args.id), payload: asPayload(args) }];
    },
    respond: async () => undefined,
  }),

  requestElevation: (args: ElevationRequested): WriteSteps<string> => ({
    decide: async (tx) => {
      await requireNamespace(tx, args.namespace);
      return [{ action: 'elevation.requested', subject: elevationUrn(args.id), payload: asPayload(args) }];
    },
    respond: async () => args.id,
  }),

  /** The grant runs from approval, not from the request, for the duration asked. */
  approveElevation: (args: { id: string; bindingId: string; approvedAt: number }): WriteSteps<string> => ({
    decide: async (tx) => {
      const request = await pendingElevation(tx, args.id);
      const payload: ElevationApproved = { id: args.id, bindingId: args.bindingId, expiresAt: new Date(args.approvedAt + request.duration_seconds * 1000).toISOString() };
      return [{ action: 'elevation.approved', subject: elevationUrn(args.id), payload: asPayload(payload) }];
    },
    respond: async () => args.bindingId,
  }),

  denyElevation: (args: ElevationDenied): WriteSteps<void> => ({
    decide: async (tx) => {
      await pendingElevation(tx, args.id);
      return [{ action: 'elevation.denied', subject: elevationUrn(args.id), payload: asPayload(args) }];
    },
    respond: async () => undefined,
  }),

  recordSecurityEvent: (args: SecurityEventRecorded): WriteSteps<void> => ({
    decide: async () => [{ action: 'security.event_recorded', subject: principalUrn(args.principal), payload: asPayload(args) }],
    respond: async () => undefined,
  }),
};
