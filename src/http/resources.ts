import type { FastifyRequest } from 'fastify';
import type { Action } from '../access/actions.js';
import type { Resource } from '../access/resource.js';
import { existed } from '../catalog/existed.js';
import { resolveAsOf } from '../store/queries/as-of.js';
import { RegistryError } from '../errors/registry-error.js';
import type { ResourceOf, RouteDeps } from './app-types.js';

type Params = Record<string, string | number>;
const paramsOf = (request: FastifyRequest) => request.params as Params;

/** The answer a missing one gets, with or without `asOf` (resolved as the catalog resolves it), so a hidden one answers exactly the same. */
export async function missing(what: string, request: FastifyRequest, deps: RouteDeps): Promise<string> {
  const asOf = (request.query as { asOf?: string | number } | undefined)?.asOf;
  return `${what} ${existed(asOf === undefined ? undefined : await resolveAsOf(deps.store.db, String(asOf)))}`;
}

export const namespaceResource = (name: string, hiddenAs?: string): Resource => ({ kind: 'Namespace', id: name, namespace: name, hiddenAs });

/** `/namespaces/:ns…` */
export const namespaceInPath: ResourceOf = async (request, deps) => {
  const ns = String(paramsOf(request).ns);
  return namespaceResource(ns, await missing(`Namespace ${ns}`, request, deps));
};

/** A create whose namespace is in the body. */
export const namespaceInBody: ResourceOf = (request) => {
  const ns = (request.body as { namespace: string }).namespace;
  return namespaceResource(ns, `Namespace ${ns} does not exist; create it first (POST /api/v1/namespaces)`);
};

/** `/models/:ns/:name…` */
export const modelInPath: ResourceOf = async (request, deps) => {
  const { ns, name } = paramsOf(request);
  return { kind: 'Model', id: `${ns}/${name}`, namespace: String(ns), hiddenAs: await missing(`Model ${ns}/${name}`, request, deps) };
};

/** Registering into a model: hidden like the model-missing answer of registration. */
export const modelToRegisterIn: ResourceOf = (request) => {
  const { ns, name } = paramsOf(request);
  return { kind: 'Model', id: `${ns}/${name}`, namespace: String(ns), hiddenAs: `Model ${ns}/${name} does not exist; create it first` };
};

/** `/models/:ns/:name/versions/:n…` */
export const versionInPath: ResourceOf = async (request, deps) => {
  const { ns, name, n } = paramsOf(request);
  return { kind: 'Version', id: `${ns}/${name}@${n}`, namespace: String(ns), hiddenAs: await missing(`Version ${ns}/${name}@${n}`, request, deps) };
};


async function blobResource(deps: RouteDeps, digest: string): Promise<Resource> {
  const rows = await deps.store.db.selectFrom('blob_holders').select(['namespace', 'versions', 'quarantined']).where('digest', '=', digest).execute();
  // A file a healthy version also holds stays readable, but only through the namespaces of its healthy holders.
  const healthy = rows.filter((r) => Number(r.quarantined) < Number(r.versions));
  const quarantined = rows.length > 0 && healthy.length === 0;
  const restricted = !quarantined && rows.length > 0 && (await restrictedByRisk(deps, digest));
  return { kind: 'Blob', id: digest, namespace: null, sharedBy: (quarantined ? rows : healthy).map((r) => r.namespace), hiddenAs: `Blob ${digest} is not stored`, attributes: { quarantined, restricted } };
}

/** True when every live version holding the blob belongs to a model whose risk tier restricts its artifacts. */
async function restrictedByRisk(deps: RouteDeps, digest: string): Promise<boolean> {
  const holders = await deps.store.db
    .selectFrom('version_blobs as vb')
    .innerJoin('versions as v', 'v.id', 'vb.version_id')
    .leftJoin('model_risk as r', (join) => join.onRef('r.namespace', '=', 'v.namespace').onRef('r.model', '=', 'v.model'))
    .select(['v.status', 'r.actions'])
    .where('vb.digest', '=', digest)
    .where('v.status', '!=', 'quarantined')
    .execute();
  return holders.length > 0 && holders.every((h) => h.actions !== null && (JSON.parse(h.actions) as { restrictArtifacts?: boolean }).restrictArtifacts === true);
}

/** Downloading what only quarantined versions hold is for investigators; what only restricted (high-risk) models hold, for the roles the rubric restricts it to. */
export const readOrInvestigate = (_request: FastifyRequest, resource: Resource): Action =>
  resource.attributes?.quarantined === true ? 'quarantine.investigate' : resource.attributes?.restricted === true ? 'blob.read_restricted' : 'blob.read';

/** A download: decided by the namespaces whose versions name the blob (global grants alone for one no version names yet). */
export const blobToRead: ResourceOf = (request, deps) => blobResource(deps, String(paramsOf(request).digest));

/**
 * Naming a blob in a manifest makes it readable in the version's namespace,
 * so a caller may only name blobs it may already read (or that no version
 * names yet, i.e. ones it could have just uploaded): a digest seen elsewhere
 * is not a way into another namespace's artifacts.
 */
export async function authorizeManifestBlobs(request: FastifyRequest, deps: RouteDeps, manifest: readonly { readonly sha256: string }[] | undefined): Promise<void> {
  const digests = [...new Set((manifest ?? []).map((entry) => entry.sha256))];
  const holders = new Map<string, string[]>();
  const healthy = new Set<string>();
  for (let i = 0; i < digests.length; i += 500) {
    const rows = await deps.store.db.selectFrom('blob_holders').select(['digest', 'namespace', 'versions', 'quarantined']).where('digest', 'in', digests.slice(i, i + 500)).execute();
    for (const row of rows) {
      holders.set(row.digest, [...(holders.get(row.digest) ?? []), row.namespace]);
      if (Number(row.quarantined) < Number(row.versions)) healthy.add(row.digest);
    }
  }
  // A new version naming it would make a quarantined artifact downloadable again.
  const pulled = [...holders.keys()].filter((digest) => !healthy.has(digest));
  if (pulled.length > 0) {
    throw new RegistryError('invalid_state', `The manifest names ${pulled[0]}, which only quarantined versions hold; a quarantined artifact cannot go into a new version`, { extensions: { quarantined: pulled } });
  }
  // One decision per distinct set of holding namespaces, not one per file.
  const decided = new Set<string>();
  for (const [digest, sharedBy] of holders) {
    const key = [...new Set(sharedBy)].sort().join(',');
    if (decided.has(key)) continue;
    decided.add(key);
    if (!deps.authorizer.decide(request.principal, 'blob.read', { kind: 'Blob', id: digest, namespace: null, sharedBy }).allowed) {
      throw new RegistryError('forbidden', `The manifest names ${digest}, which versions in namespaces you may not read already hold; you need blob.read there to name it`, {
        extensions: { permission: 'blob.read' },
      });
    }
  }
}

export const blobToWrite: ResourceOf = (request) => ({ kind: 'Blob', id: String(paramsOf(request).digest), namespace: null });

export const ledgerResource: ResourceOf = () => ({ kind: 'Ledger', id: 'ledger', namespace: null });
export const auditLogResource: ResourceOf = () => ({ kind: 'AuditLog', id: 'audit', namespace: null });
