import { defaultLicensePolicy } from '../../licenses/default-license-policy.js';
import type { LicensePolicy } from '../../licenses/license-policy-schema.js';
import { defaultRubric } from '../../risk/default-rubric.js';
import type { Rubric } from '../../risk/rubric-types.js';
import type { TierActions } from '../../risk/score-model.js';
import type { Db } from '../database.js';

/** The rubric in force and its revision (0: the built-in default). */
export async function currentRubric(db: Db): Promise<{ rubric: Rubric; revision: number }> {
  const row = await db.selectFrom('policy_documents').select(['document', 'revision']).where('kind', '=', 'rubric').executeTakeFirst();
  return row === undefined ? { rubric: defaultRubric, revision: 0 } : { rubric: JSON.parse(row.document) as Rubric, revision: Number(row.revision) };
}

export async function currentLicensePolicy(db: Db): Promise<{ policy: LicensePolicy; revision: number }> {
  const row = await db.selectFrom('policy_documents').select(['document', 'revision']).where('kind', '=', 'license').executeTakeFirst();
  return row === undefined ? { policy: defaultLicensePolicy, revision: 0 } : { policy: JSON.parse(row.document) as LicensePolicy, revision: Number(row.revision) };
}

export async function findPolicyDocument(db: Db, kind: 'license' | 'rubric') {
  return db.selectFrom('policy_documents').selectAll().where('kind', '=', kind).executeTakeFirst();
}

/** What the model's tier makes the registry do; none until it is scored. */
export async function riskActionsOf(db: Db, namespace: string, model: string): Promise<TierActions | null> {
  const row = await db.selectFrom('model_risk').select('actions').where('namespace', '=', namespace).where('model', '=', model).executeTakeFirst();
  return row === undefined ? null : (JSON.parse(row.actions) as TierActions);
}

export async function findModelRisk(db: Db, namespace: string, model: string) {
  return db.selectFrom('model_risk').selectAll().where('namespace', '=', namespace).where('model', '=', model).executeTakeFirst();
}

export async function findIncident(db: Db, id: string) {
  return db.selectFrom('incidents').selectAll().where('id', '=', id).executeTakeFirst();
}
