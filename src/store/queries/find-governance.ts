import { RegistryError } from '../../errors/registry-error.js';
import type { Db } from '../database.js';
import type { AttestationRow, ChangeRequestRow, DeploymentRow, PromotionRequestRow } from '../governance/governance-rows.js';
import { GLOBAL_SCOPE } from '../projections/project-governance.js';

/*
 * Reads of the governance projections, for decisions inside the writer's
 * transaction and for the routes. Each returns rows; the governance views
 * turn them into API shapes.
 */

export interface VersionKeyArgs {
  readonly namespace: string;
  readonly model: string;
  readonly number: number;
}


export async function currentAttestations(db: Db, versionId: number): Promise<AttestationRow[]> {
  return db.selectFrom('attestations').selectAll().where('version_id', '=', versionId).where('superseded_by', 'is', null).orderBy('seq').execute();
}

export async function allAttestations(db: Db, versionId: number): Promise<AttestationRow[]> {
  return db.selectFrom('attestations').selectAll().where('version_id', '=', versionId).orderBy('seq').execute();
}

/** The gate policy in force for a namespace: its own, else the global one, else none (the built-in default applies). */
export async function effectiveGatePolicy(db: Db, namespace: string) {
  const rows = await db.selectFrom('gate_policies').selectAll().where('scope', 'in', [namespace, GLOBAL_SCOPE]).execute();
  return rows.find((r) => r.scope === namespace) ?? rows.find((r) => r.scope === GLOBAL_SCOPE);
}

export async function findGatePolicy(db: Db, namespace: string | null) {
  return db.selectFrom('gate_policies').selectAll().where('scope', '=', namespace ?? GLOBAL_SCOPE).executeTakeFirst();
}

export async function findPromotion(db: Db, id: string): Promise<PromotionRequestRow | undefined> {
  return db.selectFrom('promotion_requests').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function pendingPromotions(db: Db, versionId: number): Promise<PromotionRequestRow[]> {
  return db.selectFrom('promotion_requests').selectAll().where('version_id', '=', versionId).where('status', '=', 'pending').execute();
}

export async function promotionsOf(db: Db, versionId: number): Promise<PromotionRequestRow[]> {
  return db.selectFrom('promotion_requests').selectAll().where('version_id', '=', versionId).orderBy('seq').execute();
}

export async function approvalsOf(db: Db, requestIds: readonly string[]) {
  if (requestIds.length === 0) return [];
  return db.selectFrom('promotion_approvals').selectAll().where('request_id', 'in', requestIds).orderBy('seq').execute();
}

export async function findEnvironment(db: Db, name: string) {
  return db.selectFrom('environments').selectAll().where('name', '=', name).executeTakeFirst();
}

export async function findAlias(db: Db, environment: string, namespace: string, model: string) {
  return db.selectFrom('aliases').selectAll().where('environment', '=', environment).where('namespace', '=', namespace).where('model', '=', model).executeTakeFirst();
}

/** Every environment whose alias for the model points at this version. */
export async function aliasesAt(db: Db, key: VersionKeyArgs) {
  return db.selectFrom('aliases').selectAll().where('namespace', '=', key.namespace).where('model', '=', key.model).where('number', '=', key.number).orderBy('environment').execute();
}

export async function aliasesOfModel(db: Db, namespace: string, model: string) {
  return db.selectFrom('aliases').selectAll().where('namespace', '=', namespace).where('model', '=', model).orderBy('environment').execute();
}

/** The model's deployments to an environment, newest first, with each version's current status and stage. */
export async function deploymentHistory(db: Db, environment: string, namespace: string, model: string) {
  return db
    .selectFrom('deployments as d')
    .innerJoin('versions as v', (join) => join.onRef('v.namespace', '=', 'd.namespace').onRef('v.model', '=', 'd.model').onRef('v.number', '=', 'd.number'))
    .select(['d.id', 'd.seq', 'd.number', 'd.kind', 'd.health', 'd.at', 'd.by', 'v.status', 'v.stage'])
    .where('d.environment', '=', environment)
    .where('d.namespace', '=', namespace)
    .where('d.model', '=', model)
    .orderBy('d.seq', 'desc')
    .execute();
}

export async function findDeployment(db: Db, id: string): Promise<DeploymentRow | undefined> {
  return db.selectFrom('deployments').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findChange(db: Db, id: string): Promise<ChangeRequestRow | undefined> {
  return db.selectFrom('change_requests').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Who wrote the version's record: the actors of its registration and every draft change (the people separation of duties keeps out of its approval). */
export async function authorsOf(db: Db, urn: string): Promise<string[]> {
  const rows = await db.selectFrom('ledger_entries').select('actor').distinct().where('subject', '=', urn).where('action', 'in', ['version.registered', 'version.updated']).execute();
  return rows.map((r) => r.actor);
}

/** Who approved promotions of the version, and who deployed it: for the rules that keep the two apart on high-risk models. */
export async function approversAndDeployers(db: Db, key: VersionKeyArgs): Promise<{ approvers: string[]; deployers: string[] }> {
  const approvers = await db
    .selectFrom('promotion_approvals as a')
    .innerJoin('promotion_requests as r', 'r.id', 'a.request_id')
    .select('a.approver')
    .distinct()
    .where('r.namespace', '=', key.namespace)
    .where('r.model', '=', key.model)
    .where('r.number', '=', key.number)
    .execute();
  const deployers = await db
    .selectFrom('deployments')
    .select('by')
    .distinct()
    .where('namespace', '=', key.namespace)
    .where('model', '=', key.model)
    .where('number', '=', key.number)
    .where('kind', '=', 'deploy')
    .execute();
  return { approvers: approvers.map((r) => r.approver), deployers: deployers.map((r) => r.by) };
}


/** A version's row id, status and stage, or `not_found` naming it. */
export async function versionRowOrFail(db: Db, key: VersionKeyArgs): Promise<{ id: number; status: string; stage: string }> {
  const row = await db.selectFrom('versions').select(['id', 'status', 'stage']).where('namespace', '=', key.namespace).where('model', '=', key.model).where('number', '=', key.number).executeTakeFirst();
  if (row === undefined) throw new RegistryError('not_found', `Version ${key.namespace}/${key.model}@${key.number} does not exist`);
  return { id: Number(row.id), status: row.status, stage: row.stage };
}
