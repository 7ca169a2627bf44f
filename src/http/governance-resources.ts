import type { FastifyRequest } from 'fastify';
import { type AttributeValue, principalRef, type Resource } from '../access/resource.js';
import { versionUrn } from '../catalog/urns.js';
import { RegistryError } from '../errors/registry-error.js';
import { approversAndDeployers, authorsOf, findChange, findPromotion } from '../store/queries/find-governance.js';
import type { ResourceOf, RouteDeps } from './app-types.js';
import { missing } from './resources.js';

/*
 * The resources governance actions are decided on. A version carries what
 * the separation-of-duties rules read: who wrote it, who approved its
 * promotions, who deployed it, and its model's risk tier.
 */

export interface VersionKey {
  readonly namespace: string;
  readonly model: string;
  readonly number: number;
}

/** `ns/name@N` as the API and CLI write a version. */
export function parseVersionLabel(text: string): VersionKey {
  const match = /^([a-z0-9][a-z0-9._-]{0,62})\/([a-z0-9][a-z0-9._-]{0,62})@([1-9][0-9]{0,9})$/.exec(text);
  if (match === null) throw new RegistryError('invalid_request', `${JSON.stringify(text)} is not a version; write it as namespace/name@number, e.g. fraud/scorer@3`);
  return { namespace: match[1]!, model: match[2]!, number: Number(match[3]) };
}

export const VERSION_LABEL_PATTERN = '^[a-z0-9][a-z0-9._-]{0,62}/[a-z0-9][a-z0-9._-]{0,62}@[1-9][0-9]{0,9}$';
export const MODEL_LABEL_PATTERN = '^[a-z0-9][a-z0-9._-]{0,62}/[a-z0-9][a-z0-9._-]{0,62}$';

/**
 * `people`: load who wrote, approved and deployed the version. Only the
 * separation-of-duties decisions (review.sign, promotion.approve,
 * change.approve, version.deploy) read them; other decisions skip the three
 * queries. The risk tier is always there, for policies an admin adds.
 */
async function governedVersion(deps: RouteDeps, key: VersionKey, hiddenAs: string, people: boolean, also: { requester?: string; environment?: string } = {}): Promise<Resource> {
  const db = deps.store.db;
  const model = await db.selectFrom('models').select('risk_tier').where('namespace', '=', key.namespace).where('name', '=', key.model).executeTakeFirst();
  const attributes: Record<string, AttributeValue> = { riskTier: model?.risk_tier ?? 'unassessed' };
  if (also.environment !== undefined) attributes.environment = also.environment;
  if (people) {
    const authors = await authorsOf(db, versionUrn(key.namespace, key.model, key.number));
    if (also.requester !== undefined) authors.push(also.requester);
    const { approvers, deployers } = await approversAndDeployers(db, key);
    attributes.authors = authors.map(principalRef);
    attributes.approvers = approvers.map(principalRef);
    attributes.deployers = deployers.map(principalRef);
  }
  return { kind: 'Version', id: `${key.namespace}/${key.model}@${key.number}`, namespace: key.namespace, hiddenAs, attributes };
}

const pathVersion = (request: FastifyRequest): VersionKey => {
  const { ns, name, n } = request.params as { ns: string; name: string; n: number };
  return { namespace: ns, model: name, number: Number(n) };
};

/** `/models/:ns/:name/versions/:n/…` for a governance action no separation-of-duties rule reads (promote, quarantine, retire, ask for a change). */
export const versionToGovern: ResourceOf = async (request, deps) => {
  const key = pathVersion(request);
  return governedVersion(deps, key, await missing(`Version ${key.namespace}/${key.model}@${key.number}`, request, deps), false);
};

/** Attesting: a review is never signed by an author of the version. */
export const versionToAttest: ResourceOf = async (request, deps) => {
  const key = pathVersion(request);
  return governedVersion(deps, key, await missing(`Version ${key.namespace}/${key.model}@${key.number}`, request, deps), true);
};

/** `/promotions/:id…`: decided on the version; with `people`, the requester is among those who may not approve. */
const promotionResource =
  (people: boolean): ResourceOf =>
  async (request, deps) => {
    const { id } = request.params as { id: string };
    const row = await findPromotion(deps.store.db, id);
    if (row === undefined) throw new RegistryError('not_found', `Promotion request ${id} does not exist`);
    return governedVersion(deps, row, `Promotion request ${id} does not exist`, people, { requester: row.requested_by });
  };
export const promotionToRead = promotionResource(false);
export const promotionToDecide = promotionResource(true);

/** `/changes/:id…`: likewise, with the change's requester. */
const changeResource =
  (people: boolean): ResourceOf =>
  async (request, deps) => {
    const { id } = request.params as { id: string };
    const row = await findChange(deps.store.db, id);
    if (row === undefined) throw new RegistryError('not_found', `Change request ${id} does not exist`);
    return governedVersion(deps, row, `Change request ${id} does not exist`, people, { requester: row.requested_by });
  };
export const changeToRead = changeResource(false);
export const changeToDecide = changeResource(true);

/** `/environments/:env/…` naming `version` in the body; the environment is an attribute, so an added policy can single out production. */
const versionInEnvironment =
  (people: boolean): ResourceOf =>
  async (request, deps) => {
    const { env } = request.params as { env: string };
    const key = parseVersionLabel((request.body as { version: string }).version);
    return governedVersion(deps, key, `Version ${key.namespace}/${key.model}@${key.number} does not exist`, people, { environment: env });
  };
/** A deployment: the approver of a high-risk version does not deploy it. */
export const versionToDeploy = versionInEnvironment(true);
/** A deployment system's report. */
export const versionToReport = versionInEnvironment(false);

/** A rollback of `model` in `/environments/:env/rollback`. */
export const modelToRollBack: ResourceOf = (request) => {
  const { env } = request.params as { env: string };
  const [namespace, name] = (request.body as { model: string }).model.split('/') as [string, string];
  return { kind: 'Model', id: `${namespace}/${name}`, namespace, hiddenAs: `Model ${namespace}/${name} does not exist`, attributes: { environment: env } };
};

export const environmentResource: ResourceOf = (request) => ({ kind: 'Environment', id: String((request.params as { env?: string }).env ?? '*'), namespace: null });

/** `/namespaces/:ns/gate-policy` or the global `/gate-policy`. */
export const gatePolicyResource: ResourceOf = async (request, deps) => {
  const ns = (request.params as { ns?: string }).ns;
  if (ns === undefined) return { kind: 'GatePolicy', id: 'global', namespace: null };
  return { kind: 'GatePolicy', id: ns, namespace: ns, hiddenAs: await missing(`Namespace ${ns}`, request, deps) };
};
