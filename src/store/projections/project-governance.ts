import type {
  AliasRollback,
  AttestationRecorded,
  ChangeApproved,
  ChangeRejected,
  ChangeRequested,
  DeploymentReported,
  EnvironmentCreated,
  GatePolicyRemoved,
  GatePolicySet,
  PromotionApproved,
  PromotionRejected,
  PromotionRequested,
  RequestWithdrawn,
  VersionAmended,
  VersionDeployed,
  VersionKey,
  VersionPromoted,
  VersionQuarantined,
  VersionReleased,
  VersionRetired,
  VersionDeprecated,
} from '../../governance/entry-payloads.js';
import { stageRank } from '../../governance/stages.js';
import type { LedgerEntry } from '../../ledger/entry.js';
import type { Db } from '../database.js';
import { recordModelHistory, recordVersionHistory } from '../history/record-history.js';
import { countQuarantined } from './project-version-blobs.js';
import { versionKey } from './project-version.js';

export const GLOBAL_SCOPE = '*';

/** Changes a version's row and keeps its history: every governance change to a version is visible `asOf` before it. */
async function changeVersion(tx: Db, entry: LedgerEntry, key: VersionKey, set: { status?: string; stage?: string; metadata?: string; license?: string | null }): Promise<number> {
  const id = await versionKey(tx, key);
  await tx
    .updateTable('versions')
    .set((eb) => ({ ...set, updated_at: entry.at, revision: eb('revision', '+', 1) }))
    .where('id', '=', id)
    .execute();
  await recordVersionHistory(tx, id, entry.seq, false);
  return id;
}

/** A model's stage is the furthest stage any of its live versions reached (`retired` once all are). */
async function restageModel(tx: Db, entry: LedgerEntry, key: VersionKey): Promise<void> {
  const model = await tx.selectFrom('models').select(['id', 'stage']).where('namespace', '=', key.namespace).where('name', '=', key.model).executeTakeFirstOrThrow();
  // Distinct stages: a handful of rows, however many versions the model has.
  const rows = await tx.selectFrom('versions').select('stage').distinct().where('model_id', '=', model.id).where('status', '!=', 'retired').execute();
  const stage = rows.length === 0 ? 'retired' : rows.map((r) => r.stage).reduce((a, b) => (stageRank(b) > stageRank(a) ? b : a), 'concept');
  if (stage === model.stage) return;
  await tx.updateTable('models').set((eb) => ({ stage, updated_at: entry.at, revision: eb('revision', '+', 1) })).where('id', '=', model.id).execute();
  await recordModelHistory(tx, Number(model.id), entry.seq, false);
}

async function addNote(tx: Db, entry: LedgerEntry, id: number, kind: string, reason: string): Promise<void> {
  await tx.insertInto('version_notes').values({ seq: entry.seq, version_id: id, kind, reason, at: entry.at, by: entry.actor }).execute();
}

export async function projectAttestation(tx: Db, entry: LedgerEntry, p: AttestationRecorded): Promise<void> {
  await tx
    .insertInto('attestations')
    .values({
      id: p.id,
      version_id: await versionKey(tx, p),
      namespace: p.namespace,
      model: p.model,
      number: p.number,
      type: p.type,
      verdict: p.verdict,
      summary: p.summary,
      details: JSON.stringify(p.details),
      evidence: JSON.stringify(p.evidence),
      created_at: entry.at,
      created_by: entry.actor,
      seq: entry.seq,
      superseded_by: null,
    })
    .execute();
  if (p.supersedes !== null) await tx.updateTable('attestations').set({ superseded_by: p.id }).where('id', '=', p.supersedes).execute();
}

export async function projectGatePolicySet(tx: Db, entry: LedgerEntry, p: GatePolicySet): Promise<void> {
  const scope = p.namespace ?? GLOBAL_SCOPE;
  const row = { policy: JSON.stringify(p.policy), source: p.source, format: p.format, updated_at: entry.at, updated_by: entry.actor, updated_seq: entry.seq };
  await tx
    .insertInto('gate_policies')
    .values({ scope, ...row, revision: 1 })
    .onConflict((oc) => oc.column('scope').doUpdateSet((eb) => ({ ...row, revision: eb('gate_policies.revision', '+', 1) })))
    .execute();
}

export async function projectGatePolicyRemoved(tx: Db, p: GatePolicyRemoved): Promise<void> {
  await tx.deleteFrom('gate_policies').where('scope', '=', p.namespace ?? GLOBAL_SCOPE).execute();
}

export async function projectPromotionRequested(tx: Db, entry: LedgerEntry, p: PromotionRequested): Promise<void> {
  const decided = p.outcome !== 'pending';
  await tx
    .insertInto('promotion_requests')
    .values({
      id: p.id,
      version_id: await versionKey(tx, p),
      namespace: p.namespace,
      model: p.model,
      number: p.number,
      from_stage: p.from,
      to_stage: p.to,
      tier: p.tier,
      status: p.outcome,
      rationale: p.rationale,
      report: JSON.stringify(p.report),
      requested_at: entry.at,
      requested_by: entry.actor,
      seq: entry.seq,
      decided_at: decided ? entry.at : null,
      decided_by: decided ? 'gate' : null,
      decision_reason: p.outcome === 'refused' ? 'the gate failed' : p.outcome === 'promoted' ? 'every check passed; no approval needed' : null,
    })
    .execute();
}

export async function projectPromotionApproved(tx: Db, entry: LedgerEntry, p: PromotionApproved): Promise<void> {
  const { approval } = p;
  await tx
    .insertInto('promotion_approvals')
    .values({ request_id: p.id, approver: approval.by, rationale: approval.rationale, roles: JSON.stringify(approval.roles), at: approval.at, seq: entry.seq })
    .execute();
}

export async function projectPromotionRejected(tx: Db, entry: LedgerEntry, p: PromotionRejected): Promise<void> {
  await tx.updateTable('promotion_requests').set({ status: 'rejected', decided_at: entry.at, decided_by: entry.actor, decision_reason: p.reason }).where('id', '=', p.id).execute();
}

export async function projectRequestWithdrawn(tx: Db, entry: LedgerEntry, table: 'promotion_requests' | 'change_requests', p: RequestWithdrawn): Promise<void> {
  await tx.updateTable(table).set({ status: 'withdrawn', decided_at: entry.at, decided_by: entry.actor, decision_reason: p.reason }).where('id', '=', p.id).execute();
}

export async function projectVersionPromoted(tx: Db, entry: LedgerEntry, p: VersionPromoted): Promise<void> {
  await changeVersion(tx, entry, p, { stage: p.to });
  await tx
    .updateTable('promotion_requests')
    .set({ status: 'promoted', decided_at: entry.at, decided_by: entry.actor, decision_reason: p.approvals.length > 0 ? `approved by ${p.approvals.map((a) => a.by).join(', ')}` : 'every check passed; no approval needed' })
    .where('id', '=', p.requestId)
    .execute();
  await restageModel(tx, entry, p);
}

export async function projectEnvironmentCreated(tx: Db, entry: LedgerEntry, p: EnvironmentCreated): Promise<void> {
  await tx
    .insertInto('environments')
    .values({ name: p.name, required_stage: p.requiredStage, description: p.description, created_at: entry.at, created_by: entry.actor, seq: entry.seq })
    .execute();
}

async function pointAlias(tx: Db, entry: LedgerEntry, environment: string, key: VersionKey, deploymentId: string): Promise<void> {
  const row = { number: key.number, deployment_id: deploymentId, since_at: entry.at, since_seq: entry.seq };
  await tx
    .insertInto('aliases')
    .values({ environment, namespace: key.namespace, model: key.model, ...row })
    .onConflict((oc) => oc.columns(['environment', 'namespace', 'model']).doUpdateSet(row))
    .execute();
}

interface NewDeployment {
  readonly id: string;
  readonly environment: string;
  readonly key: VersionKey;
  readonly artifactDigest: string;
  readonly kind: 'deploy' | 'rollback' | 'quarantine-rollback';
  readonly previous: number | null;
  readonly reason: string | null;
}

/** A deployment row and the alias it moves: what a deploy, a rollback and a quarantine's rollbacks all record. */
async function recordDeployment(tx: Db, entry: LedgerEntry, d: NewDeployment): Promise<void> {
  await tx
    .insertInto('deployments')
    .values({
      id: d.id,
      seq: entry.seq,
      environment: d.environment,
      namespace: d.key.namespace,
      model: d.key.model,
      number: d.key.number,
      artifact_digest: d.artifactDigest,
      kind: d.kind,
      previous: d.previous,
      reason: d.reason,
      at: entry.at,
      by: entry.actor,
      health: 'unknown',
      reported_at: null,
      external_id: null,
    })
    .execute();
  await pointAlias(tx, entry, d.environment, d.key, d.id);
}

export async function projectVersionDeployed(tx: Db, entry: LedgerEntry, p: VersionDeployed): Promise<void> {
  await recordDeployment(tx, entry, { id: p.deploymentId, environment: p.environment, key: p, artifactDigest: p.artifactDigest, kind: 'deploy', previous: p.previous, reason: entry.reason ?? null });
}

export async function projectDeploymentReported(tx: Db, entry: LedgerEntry, p: DeploymentReported): Promise<void> {
  await tx
    .insertInto('deployment_reports')
    .values({
      seq: entry.seq,
      environment: p.environment,
      deployment_id: p.deploymentId,
      namespace: p.namespace,
      model: p.model,
      number: p.number,
      status: p.status,
      artifact_digest: p.artifactDigest,
      external_id: p.externalId,
      detail: p.detail,
      matches_alias: p.matchesAlias ? 1 : 0,
      at: entry.at,
      by: entry.actor,
    })
    .execute();
  if (p.deploymentId === null) return;
  // Running another artifact than the one deployed is drift, not health; a late report about an earlier deployment is still about that deployment.
  const deployed = await tx.selectFrom('deployments').select('artifact_digest').where('id', '=', p.deploymentId).executeTakeFirstOrThrow();
  const sameArtifact = p.artifactDigest === null || p.artifactDigest === deployed.artifact_digest;
  const health = p.status !== 'deployed' ? p.status : sameArtifact ? 'healthy' : 'mismatch';
  await tx
    .updateTable('deployments')
    .set({ health, reported_at: entry.at, ...(p.externalId === null ? {} : { external_id: p.externalId }) })
    .where('id', '=', p.deploymentId)
    .execute();
}

async function applyRollback(tx: Db, entry: LedgerEntry, rollback: AliasRollback, kind: 'rollback' | 'quarantine-rollback', reason: string): Promise<void> {
  const { environment, namespace, model } = rollback;
  if (rollback.to === null || rollback.deploymentId === null) {
    await tx.deleteFrom('aliases').where('environment', '=', environment).where('namespace', '=', namespace).where('model', '=', model).execute();
    return;
  }
  const key = { namespace, model, number: rollback.to };
  const version = await tx.selectFrom('versions').select('artifact_digest').where('namespace', '=', namespace).where('model', '=', model).where('number', '=', rollback.to).executeTakeFirstOrThrow();
  await recordDeployment(tx, entry, { id: rollback.deploymentId, environment, key, artifactDigest: version.artifact_digest, kind, previous: rollback.from, reason });
}

export async function projectAliasRolledBack(tx: Db, entry: LedgerEntry, p: { rollback: AliasRollback }): Promise<void> {
  await applyRollback(tx, entry, p.rollback, 'rollback', entry.reason ?? 'rolled back by hand');
}

export async function projectVersionQuarantined(tx: Db, entry: LedgerEntry, p: VersionQuarantined): Promise<void> {
  const id = await changeVersion(tx, entry, p, { status: 'quarantined' });
  await addNote(tx, entry, id, 'quarantined', p.reason);
  await countQuarantined(tx, id, p.namespace, 1);
  for (const rollback of p.rollbacks) await applyRollback(tx, entry, rollback, 'quarantine-rollback', `${p.namespace}/${p.model}@${p.number} quarantined: ${p.reason}`);
  if (p.cancelledPromotions.length > 0) {
    await tx
      .updateTable('promotion_requests')
      .set({ status: 'cancelled', decided_at: entry.at, decided_by: entry.actor, decision_reason: 'the version was quarantined' })
      .where('id', 'in', p.cancelledPromotions)
      .execute();
  }
}

export async function projectVersionReleased(tx: Db, entry: LedgerEntry, p: VersionReleased): Promise<void> {
  const id = await changeVersion(tx, entry, p, { status: 'published' });
  await addNote(tx, entry, id, 'released', p.reason);
  await countQuarantined(tx, id, p.namespace, -1);
}

export async function projectVersionRetired(tx: Db, entry: LedgerEntry, p: VersionRetired): Promise<void> {
  const id = await changeVersion(tx, entry, p, { status: 'retired', stage: 'retired' });
  await addNote(tx, entry, id, 'retired', p.reason);
  await restageModel(tx, entry, p);
}

export async function projectChangeRequested(tx: Db, entry: LedgerEntry, p: ChangeRequested): Promise<void> {
  await tx
    .insertInto('change_requests')
    .values({
      id: p.id,
      version_id: await versionKey(tx, p),
      namespace: p.namespace,
      model: p.model,
      number: p.number,
      template: p.template,
      changes: JSON.stringify(p.changes),
      rationale: p.rationale,
      impact: p.impact,
      status: 'pending',
      requested_at: entry.at,
      requested_by: entry.actor,
      seq: entry.seq,
      decided_at: null,
      decided_by: null,
      decision_reason: null,
    })
    .execute();
}

export async function projectChangeDecided(tx: Db, entry: LedgerEntry, p: ChangeApproved | ChangeRejected, status: 'approved' | 'rejected'): Promise<void> {
  const reason = 'rationale' in p ? p.rationale : p.reason;
  await tx.updateTable('change_requests').set({ status, decided_at: entry.at, decided_by: entry.actor, decision_reason: reason }).where('id', '=', p.id).execute();
}

export async function projectVersionAmended(tx: Db, entry: LedgerEntry, p: VersionAmended): Promise<void> {
  const license = typeof p.metadata.license === 'string' ? p.metadata.license : null;
  const id = await changeVersion(tx, entry, p, { metadata: JSON.stringify(p.metadata), license });
  if ('tags' in p.changes) {
    await tx.deleteFrom('version_tags').where('version_id', '=', id).execute();
    const tags = (p.metadata.tags as string[] | undefined) ?? [];
    if (tags.length > 0) await tx.insertInto('version_tags').values(tags.map((tag) => ({ version_id: id, tag }))).execute();
  }
  await tx.insertInto('version_amendments').values({ seq: entry.seq, version_id: id, request_id: p.requestId, changes: JSON.stringify(p.changes), at: entry.at, by: entry.actor }).execute();
}

export async function projectVersionDeprecated(tx: Db, entry: LedgerEntry, p: VersionDeprecated): Promise<void> {
  await addNote(tx, entry, await versionKey(tx, p), 'deprecated', p.reason);
}
