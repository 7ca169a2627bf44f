import { type VersionRef, versionLabel as label } from '../catalog/catalog-commands.js';
import type { Role } from '../access/roles.js';
import { asPayload } from '../catalog/entry-payloads.js';
import { promotionUrn, versionUrn } from '../catalog/urns.js';
import { RegistryError } from '../errors/registry-error.js';
import type { EntryDraft } from '../ledger/entry.js';
import type { Db } from '../store/database.js';
import { approvalsOf, findPromotion, pendingPromotions } from '../store/queries/find-governance.js';
import type { WriteSteps } from '../store/write-command.js';
import { countApprovals } from './count-approvals.js';
import type { Approval, PromotionApproved, PromotionRejected, PromotionRequested, RequestOutcome, RequestWithdrawn, VersionPromoted } from './entry-payloads.js';
import { evaluateGate } from './evaluate-gate.js';
import type { GateReport, PromotionTarget } from './gate-types.js';
import { loadGate } from './load-gate.js';
import { approvalView, type PromotionView, promotionView } from './views.js';


async function viewOf(tx: Db, id: string): Promise<PromotionView> {
  const row = (await findPromotion(tx, id))!;
  return promotionView(row, await approvalsOf(tx, [id]));
}

const missingCount = (missing: readonly { readonly count: number }[]): number => missing.reduce((sum, m) => sum + m.count, 0);

function failedChecks(report: GateReport): string {
  return report.checks.filter((c) => !c.passed).map((c) => `${c.name}: ${c.why}`).join('; ');
}

/** The outcome of a request: refused when a check fails, promoted at once when nothing human is needed, otherwise it waits. */
export function outcomeOf(report: GateReport): RequestOutcome {
  if (!report.passed) return 'refused';
  return report.approvals.length === 0 ? 'promoted' : 'pending';
}

function promotedEntry(key: VersionRef, requestId: string, rationale: string, report: GateReport, approvals: readonly Approval[]): EntryDraft {
  const payload: VersionPromoted = { ...key, requestId, from: report.from, to: report.to, rationale, report, approvals };
  return { action: 'version.promoted', subject: versionUrn(key.namespace, key.model, key.number), reason: rationale, payload: asPayload(payload) };
}

export const promotionCommands = {
  /**
   * Evaluates the gate and records the request whatever the outcome: a
   * refusal is a decision too, kept with its report. A pass that needs no
   * approval promotes in the same transaction.
   */
  requestPromotion: (args: { id: string; ref: VersionRef; to: PromotionTarget; rationale: string; now: string }): WriteSteps<PromotionView> => ({
    decide: async (tx) => {
      const { id, ref, to, rationale } = args;
      const loaded = await loadGate(tx, ref, to, new Date(args.now));
      if (loaded === undefined) throw new RegistryError('not_found', `Version ${label(ref)} does not exist`);
      const pending = await pendingPromotions(tx, loaded.version.id);
      if (pending.length > 0) {
        throw new RegistryError('invalid_state', `Promotion ${pending[0]!.id} of ${label(ref)} to ${pending[0]!.to_stage} is still waiting for approval; have it approved or rejected first`, {
          extensions: { pending: pending[0]!.id },
        });
      }
      const report = evaluateGate(loaded.input);
      const outcome = outcomeOf(report);
      const payload: PromotionRequested = { ...ref, id, from: loaded.version.stage, to, tier: loaded.input.tier, rationale, report, outcome };
      const drafts: EntryDraft[] = [{ action: 'promotion.requested', subject: promotionUrn(id), reason: rationale, payload: asPayload(payload) }];
      if (outcome === 'promoted') drafts.push(promotedEntry(ref, id, rationale, report, []));
      return drafts;
    },
    respond: (tx) => viewOf(tx, args.id),
  }),

  /**
   * Co-signs a pending request. The gate is evaluated again (an attestation
   * may have been superseded since); the last approval needed promotes.
   */
  approvePromotion: (args: { id: string; approver: string; roles: readonly Role[]; rationale: string; now: string }): WriteSteps<PromotionView> => ({
    decide: async (tx) => {
      const { id, approver, roles, rationale, now } = args;
      const request = await findPromotion(tx, id);
      if (request === undefined) throw new RegistryError('not_found', `Promotion request ${id} does not exist`);
      if (request.status !== 'pending') throw new RegistryError('invalid_state', `Promotion request ${id} is ${request.status}${request.decided_by === null ? '' : ` (by ${request.decided_by} at ${request.decided_at})`}; only pending requests are approved`);
      if (request.requested_by === approver) throw new RegistryError('forbidden', 'Separation of duties: no one approves a promotion they requested', { extensions: { permission: 'promotion.approve', policy: 'sod:no-self-approval' } });
      const earlier = (await approvalsOf(tx, [id])).map(approvalView);
      if (earlier.some((a) => a.by === approver)) throw new RegistryError('invalid_state', `${approver} already approved promotion ${id}; a second approval must come from someone else`);
      const ref = { namespace: request.namespace, model: request.model, number: request.number };
      const loaded = (await loadGate(tx, ref, request.to_stage as PromotionTarget, new Date(now)))!;
      if (loaded.version.stage !== request.from_stage) {
        throw new RegistryError('invalid_state', `${label(ref)} moved from ${request.from_stage} to ${loaded.version.stage} since promotion ${id} was requested; reject it and request again`);
      }
      const report = evaluateGate(loaded.input);
      if (!report.passed) {
        throw new RegistryError('gate_failed', `The gate for ${label(ref)} → ${request.to_stage} no longer passes: ${failedChecks(report)}. Fix the record, or reject the request.`, { extensions: { report } });
      }
      const held = earlier.map((a) => ({ by: a.by, roles: a.roles as Role[] }));
      const before = countApprovals(report.approvals, held);
      const after = countApprovals(report.approvals, [...held, { by: approver, roles }]);
      if (missingCount(after.missing) === missingCount(before.missing)) {
        const needs = before.missing.map((m) => `${m.count} more from role ${m.role}`).join(', ');
        throw new RegistryError('forbidden', `Promotion ${id} needs ${needs || 'no more approvals'}; your roles in ${request.namespace} (${roles.join(', ') || 'none'}) do not count toward it`, {
          extensions: { permission: 'promotion.approve', missing: before.missing },
        });
      }
      const approval: Approval = { by: approver, at: now, rationale, roles: [...roles].sort() };
      const payload: PromotionApproved = { id, approval };
      const drafts: EntryDraft[] = [{ action: 'promotion.approved', subject: promotionUrn(id), reason: rationale, payload: asPayload(payload) }];
      if (after.satisfied) {
        const approvals = [...earlier.map(({ seq: _seq, ...recorded }) => recorded), approval];
        drafts.push(promotedEntry(ref, id, request.rationale, report, approvals));
      }
      return drafts;
    },
    respond: (tx) => viewOf(tx, args.id),
  }),

  /** Only the requester takes a request back, and only while it waits. */
  withdrawPromotion: (args: { id: string; requester: string; reason: string }): WriteSteps<PromotionView> => ({
    decide: async (tx) => {
      const request = await findPromotion(tx, args.id);
      if (request === undefined) throw new RegistryError('not_found', `Promotion request ${args.id} does not exist`);
      if (request.requested_by !== args.requester) throw new RegistryError('forbidden', `Only ${request.requested_by}, who asked for promotion ${args.id}, may withdraw it; an approver rejects it instead`, { extensions: { permission: 'version.promote' } });
      if (request.status !== 'pending') throw new RegistryError('invalid_state', `Promotion request ${args.id} is ${request.status}; only pending requests are withdrawn`);
      const payload: RequestWithdrawn = { id: args.id, reason: args.reason };
      return [{ action: 'promotion.withdrawn', subject: promotionUrn(args.id), reason: args.reason, payload: asPayload(payload) }];
    },
    respond: (tx) => viewOf(tx, args.id),
  }),

  rejectPromotion: (args: { id: string; rejecter: string; reason: string }): WriteSteps<PromotionView> => ({
    decide: async (tx) => {
      const request = await findPromotion(tx, args.id);
      if (request === undefined) throw new RegistryError('not_found', `Promotion request ${args.id} does not exist`);
      if (request.status !== 'pending') throw new RegistryError('invalid_state', `Promotion request ${args.id} is ${request.status}; only pending requests are rejected`);
      const payload: PromotionRejected = { id: args.id, reason: args.reason };
      return [{ action: 'promotion.rejected', subject: promotionUrn(args.id), reason: args.reason, payload: asPayload(payload) }];
    },
    respond: (tx) => viewOf(tx, args.id),
  }),
};
