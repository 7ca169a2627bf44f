import { type VersionRef, versionLabel as label } from '../catalog/catalog-commands.js';
import { asPayload } from '../catalog/entry-payloads.js';
import { checkExtra } from '../catalog/extension-schemas.js';
import { changeUrn } from '../catalog/urns.js';
import { RegistryError } from '../errors/registry-error.js';
import { canonicalJson } from '../ledger/canonical-json.js';
import type { EntryDraft } from '../ledger/entry.js';
import * as q from '../store/queries/find-catalog.js';
import { findChange } from '../store/queries/find-governance.js';
import { versionOrFail } from './version-or-fail.js';
import type { WriteSteps } from '../store/write-command.js';
import type { ChangeApproved, ChangeRejected, ChangeRequested, ChangeTemplate, RequestWithdrawn, VersionAmended, VersionDeprecated } from './entry-payloads.js';
import { type ChangeView, changeView } from './views.js';

const same = (a: unknown, b: unknown) => canonicalJson((a ?? null) as never) === canonicalJson((b ?? null) as never);

/** What a correction would change: each field with its current and new value (fields already equal are dropped). */
export function amendmentOf(current: Readonly<Record<string, unknown>>, changes: Readonly<Record<string, unknown>>): Record<string, { from: unknown; to: unknown }> {
  const diff: Record<string, { from: unknown; to: unknown }> = {};
  for (const [field, to] of Object.entries(changes)) if (!same(current[field], to)) diff[field] = { from: current[field] ?? null, to };
  return diff;
}

export const changeCommands = {
  /**
   * Published versions never change in place: a correction (or a deprecation,
   * or a retraining request) is asked for with a rationale and an impact
   * note, and someone else approves it.
   */
  requestChange: (args: { id: string; ref: VersionRef; template: ChangeTemplate; changes: Readonly<Record<string, unknown>>; rationale: string; impact: string }): WriteSteps<ChangeView> => ({
    decide: async (tx) => {
      const { id, ref, template, changes, rationale, impact } = args;
      const version = await versionOrFail(tx, ref);
      if (version.status === 'draft') throw new RegistryError('invalid_state', `${label(ref)} is a draft: change it directly (PATCH, or modelkeep version update); change requests are for published versions`);
      if (template === 'correction') {
        if (Object.keys(amendmentOf(version.metadata, changes)).length === 0) throw new RegistryError('invalid_request', 'The correction changes nothing: every field already has the value asked for');
        if ('extra' in changes) checkExtra(await q.findExtensionSchema(tx, ref.namespace, 'version'), changes.extra, 'extra');
      } else if (Object.keys(changes).length > 0) {
        throw new RegistryError('invalid_request', `A ${template} request carries no metadata changes; send them as a correction`);
      }
      if (template === 'deprecation' && version.status === 'retired') throw new RegistryError('invalid_state', `${label(ref)} is already retired`);
      const payload: ChangeRequested = { ...ref, id, template, changes, rationale, impact };
      return [{ action: 'change.requested', subject: changeUrn(id), reason: rationale, payload: asPayload(payload) }];
    },
    respond: async (tx) => changeView((await findChange(tx, args.id))!),
  }),

  /** Approval applies the request: a correction as an amendment entry that keeps the values it replaced. */
  approveChange: (args: { id: string; approver: string; rationale: string }): WriteSteps<ChangeView> => ({
    decide: async (tx) => {
      const { id, approver, rationale } = args;
      const change = await findChange(tx, id);
      if (change === undefined) throw new RegistryError('not_found', `Change request ${id} does not exist`);
      if (change.status !== 'pending') throw new RegistryError('invalid_state', `Change request ${id} is ${change.status}${change.decided_by === null ? '' : ` (by ${change.decided_by} at ${change.decided_at})`}`);
      if (change.requested_by === approver) throw new RegistryError('forbidden', 'Separation of duties: a change request is approved by someone other than its requester', { extensions: { permission: 'change.approve', policy: 'sod:no-self-approval' } });
      const ref = { namespace: change.namespace, model: change.model, number: change.number };
      const version = (await q.findVersion(tx, ref.namespace, ref.model, ref.number))!;
      const approved: ChangeApproved = { id, rationale };
      const drafts: EntryDraft[] = [{ action: 'change.approved', subject: changeUrn(id), reason: rationale, payload: asPayload(approved) }];
      if (change.template === 'correction') {
        const requested = JSON.parse(change.changes) as Record<string, unknown>;
        const changes = amendmentOf(version.metadata, requested);
        if (Object.keys(changes).length === 0) throw new RegistryError('invalid_state', `Change request ${id} no longer changes anything: ${label(ref)} already has those values; reject it`);
        const metadata = { ...version.metadata, ...requested };
        checkExtra(await q.findExtensionSchema(tx, ref.namespace, 'version'), metadata.extra, 'extra');
        const amended: VersionAmended = { ...ref, requestId: id, changes, metadata };
        drafts.push({ action: 'version.amended', subject: version.urn, reason: change.rationale, payload: asPayload(amended) });
      } else if (change.template === 'deprecation') {
        if (version.status === 'retired') throw new RegistryError('invalid_state', `${label(ref)} was retired since; reject the request`);
        const deprecated: VersionDeprecated = { ...ref, requestId: id, reason: change.rationale };
        drafts.push({ action: 'version.deprecated', subject: version.urn, reason: change.rationale, payload: asPayload(deprecated) });
      }
      return drafts;
    },
    respond: async (tx) => changeView((await findChange(tx, args.id))!),
  }),

  /** Only the requester takes a change request back, and only while it waits. */
  withdrawChange: (args: { id: string; requester: string; reason: string }): WriteSteps<ChangeView> => ({
    decide: async (tx) => {
      const change = await findChange(tx, args.id);
      if (change === undefined) throw new RegistryError('not_found', `Change request ${args.id} does not exist`);
      if (change.requested_by !== args.requester) throw new RegistryError('forbidden', `Only ${change.requested_by}, who asked for change ${args.id}, may withdraw it; an approver rejects it instead`, { extensions: { permission: 'version.update' } });
      if (change.status !== 'pending') throw new RegistryError('invalid_state', `Change request ${args.id} is ${change.status}`);
      const payload: RequestWithdrawn = { id: args.id, reason: args.reason };
      return [{ action: 'change.withdrawn', subject: changeUrn(args.id), reason: args.reason, payload: asPayload(payload) }];
    },
    respond: async (tx) => changeView((await findChange(tx, args.id))!),
  }),

  rejectChange: (args: { id: string; reason: string }): WriteSteps<ChangeView> => ({
    decide: async (tx) => {
      const change = await findChange(tx, args.id);
      if (change === undefined) throw new RegistryError('not_found', `Change request ${args.id} does not exist`);
      if (change.status !== 'pending') throw new RegistryError('invalid_state', `Change request ${args.id} is ${change.status}`);
      const payload: ChangeRejected = { id: args.id, reason: args.reason };
      return [{ action: 'change.rejected', subject: changeUrn(args.id), reason: args.reason, payload: asPayload(payload) }];
    },
    respond: async (tx) => changeView((await findChange(tx, args.id))!),
  }),
};
