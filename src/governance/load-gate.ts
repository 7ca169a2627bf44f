import type { Model, ModelVersion } from '../catalog/schemas.js';
import type { Db } from '../store/database.js';
import * as q from '../store/queries/find-catalog.js';
import { currentAttestations, effectiveGatePolicy } from '../store/queries/find-governance.js';
import { riskActionsOf } from '../store/queries/find-risk.js';
import { defaultGatePolicy } from './default-gate-policy.js';
import { evaluateGate } from './evaluate-gate.js';
import type { AttestationType, CurrentAttestation, GateInput, GatePolicy, GateReport, GateSubject, GateTier, PromotionTarget, Verdict } from './gate-types.js';

export const tierOf = (model: Pick<Model, 'riskTier'>): GateTier => (model.riskTier ?? 'unassessed') as GateTier;

/**
 * What CEL conditions see. Absent text reads as "", absent lists as [], absent
 * maps as {}, so `version.license != ""` or `"pii" in version.complianceFlags`
 * need no `has()`; a metric that was never recorded is a missing key, and a
 * condition on it fails saying so.
 */
export function gateSubject(version: ModelVersion, model: Model): GateSubject {
  const m = version.metadata;
  return {
    version: {
      urn: version.urn,
      namespace: version.namespace,
      model: version.model,
      number: version.number,
      status: version.status,
      stage: version.stage,
      artifactDigest: version.artifactDigest,
      createdBy: version.createdBy,
      createdAt: version.createdAt,
      description: m.description ?? '',
      format: m.format ?? '',
      framework: { name: m.framework?.name ?? '', version: m.framework?.version ?? '' },
      license: m.license ?? '',
      metrics: m.metrics ?? {},
      tags: m.tags ?? [],
      complianceFlags: m.complianceFlags ?? [],
      datasets: (m.datasets ?? []).map((d) => ({ urn: d.urn, digest: d.digest ?? '', role: d.role ?? '' })),
      environment: {
        image: m.environment?.image ?? '',
        libraries: m.environment?.libraries ?? [],
      },
      trainingRun: {
        id: m.trainingRun?.id ?? '',
        pipeline: m.trainingRun?.pipeline ?? '',
        commit: m.trainingRun?.codeCommit?.commit ?? '',
        params: m.trainingRun?.params ?? {},
      },
      extra: m.extra ?? {},
      riskTier: tierOf(model),
    },
    model: {
      namespace: model.namespace,
      name: model.name,
      owners: model.owners,
      tags: model.tags,
      domain: model.domain ?? '',
      riskTier: tierOf(model),
      riskProfile: model.riskProfile ?? {},
    },
  };
}

export interface LoadedGate {
  readonly version: ModelVersion & { id: number };
  readonly model: Model;
  readonly input: GateInput;
}

/** Reads what a gate needs (version, model, policy in force, current attestations); undefined when the version does not exist. */
export async function loadGate(db: Db, ref: { namespace: string; model: string; number: number }, to: PromotionTarget, now: Date): Promise<LoadedGate | undefined> {
  const version = await q.findVersion(db, ref.namespace, ref.model, ref.number);
  if (version === undefined) return undefined;
  const model = (await q.findModel(db, ref.namespace, ref.model))!;
  const stored = await effectiveGatePolicy(db, ref.namespace);
  const attestations: CurrentAttestation[] = (await currentAttestations(db, version.id)).map((row) => ({
    id: row.id,
    type: row.type as AttestationType,
    verdict: row.verdict as Verdict,
    at: row.created_at,
    by: row.created_by,
  }));
  const input: GateInput = {
    urn: version.urn,
    status: version.status,
    from: version.stage,
    to,
    tier: tierOf(model),
    policy: stored === undefined ? defaultGatePolicy : (JSON.parse(stored.policy) as GatePolicy),
    source: stored === undefined ? { scope: 'builtin', seq: null } : { scope: stored.scope === '*' ? 'global' : 'namespace', seq: Number(stored.updated_seq) },
    subject: gateSubject(version, model),
    attestations,
    now,
    extraApprovals: (await riskActionsOf(db, ref.namespace, ref.model))?.extraApprovals ?? 0,
  };
  return { version, model, input };
}

export async function reportFor(db: Db, ref: { namespace: string; model: string; number: number }, to: PromotionTarget, now: Date): Promise<GateReport | undefined> {
  const loaded = await loadGate(db, ref, to, now);
  return loaded === undefined ? undefined : evaluateGate(loaded.input);
}
