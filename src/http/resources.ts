import type { FastifyRequest } from 'fastify';
import { principalRef, type Resource } from '../access/resource.js';
import { versionUrn } from '../catalog/urns.js';
import type { ResourceOf, RouteDeps } from './app-types.js';

type Params = Record<string, string | number>;
const paramsOf = (request: FastifyRequest) => request.params as Params;

/** The answer a missing one gets, with or without `asOf`, so a hidden one answers exactly the same. */
function missing(what: string, request: FastifyRequest): string {
  const asOf = (request.query as { asOf?: string | number } | undefined)?.asOf;
  return `${what} ${asOf === undefined ? 'does not exist' : `did not exist as of ledger entry ${asOf}`}`;
}

export const namespaceResource = (name: string, hiddenAs?: string): Resource => ({ kind: 'Namespace', id: name, namespace: name, hiddenAs });

/** `/namespaces/:ns…` */
export const namespaceInPath: ResourceOf = (request) => {
  const ns = String(paramsOf(request).ns);
  return namespaceResource(ns, missing(`Namespace ${ns}`, request));
};

/** A create whose namespace is in the body. */
export const namespaceInBody: ResourceOf = (request) => {
  const ns = (request.body as { namespace: string }).namespace;
  return namespaceResource(ns, `Namespace ${ns} does not exist; create it first (POST /api/v1/namespaces)`);
};

/** `/models/:ns/:name…` */
export const modelInPath: ResourceOf = (request) => {
  const { ns, name } = paramsOf(request);
  return { kind: 'Model', id: `${ns}/${name}`, namespace: String(ns), hiddenAs: missing(`Model ${ns}/${name}`, request) };
};

/** Registering into a model: hidden like the model-missing answer of registration. */
export const modelToRegisterIn: ResourceOf = (request) => {
  const { ns, name } = paramsOf(request);
  return { kind: 'Model', id: `${ns}/${name}`, namespace: String(ns), hiddenAs: `Model ${ns}/${name} does not exist; create it first` };
};

/** `/models/:ns/:name/versions/:n…` */
export const versionInPath: ResourceOf = (request) => {
  const { ns, name, n } = paramsOf(request);
  return { kind: 'Version', id: `${ns}/${name}@${n}`, namespace: String(ns), hiddenAs: missing(`Version ${ns}/${name}@${n}`, request) };
};

/**
 * A version with what separation of duties needs: who authored it (registered
 * or changed it) and its model's risk tier. Governance adds approvers and deployers.
 */
export async function versionWithDuties(deps: RouteDeps, ns: string, model: string, number: number, extra: Record<string, readonly string[]> = {}): Promise<Resource> {
  const authors = await deps.store.db
    .selectFrom('ledger_entries')
    .select('actor')
    .distinct()
    .where('subject', '=', versionUrn(ns, model, number))
    .where('action', 'in', ['version.registered', 'version.updated'])
    .execute();
  const tier = await deps.store.db.selectFrom('models').select('risk_tier').where('namespace', '=', ns).where('name', '=', model).executeTakeFirst();
  const attributes: Record<string, string | readonly ReturnType<typeof principalRef>[]> = { authors: authors.map((a) => principalRef(a.actor)) };
  if (tier?.risk_tier != null) attributes.riskTier = tier.risk_tier;
  for (const [name, principals] of Object.entries(extra)) attributes[name] = principals.map(principalRef);
  return { kind: 'Version', id: `${ns}/${model}@${number}`, namespace: ns, attributes, hiddenAs: `Version ${ns}/${model}@${number} does not exist` };
}

/** A download: decided by the namespaces whose versions name the blob (global grants alone for one no version names yet). */
export const blobToRead: ResourceOf = async (request, deps) => {
  const digest = String(paramsOf(request).digest);
  const rows = await deps.store.db.selectFrom('version_blobs').select('namespace').distinct().where('digest', '=', digest).execute();
  return { kind: 'Blob', id: digest, namespace: null, sharedBy: rows.map((r) => r.namespace), hiddenAs: `Blob ${digest} is not stored` };
};

export const blobToWrite: ResourceOf = (request) => ({ kind: 'Blob', id: String(paramsOf(request).digest), namespace: null });

export const ledgerResource: ResourceOf = () => ({ kind: 'Ledger', id: 'ledger', namespace: null });
export const auditLogResource: ResourceOf = () => ({ kind: 'AuditLog', id: 'audit', namespace: null });
