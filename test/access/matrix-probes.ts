import { createHash } from 'node:crypto';
import type { Action } from '../../src/access/actions.js';
import { globalActions, type Role, roleAllows } from '../../src/access/roles.js';
import { defaultGatePolicy } from '../../src/governance/default-gate-policy.js';
import { uploadBlob } from '../support/test-registry.js';
import { type AccessWorld, type Blob, type CaseRequest, ENVIRONMENTS, expectSuccess, type GrantScope, MODEL, manifestEntry, type Outcome, send } from './access-world.js';

/**
 * Where a resource sits, which decides whose grants count for it:
 * a namespace (its grants and global ones), the registry as a whole with
 * only global grants counting (tokens, global bindings, groups, policies),
 * or "anywhere" (a search, an upload, the ledger's proofs: any grant starts it).
 */
export type Place = 'alpha' | 'beta' | 'registry' | 'anywhere';

/** One HTTP request that asks the authorizer for `action` on a resource of `kind`. */
export interface Probe {
  readonly action: Action;
  readonly kind: string;
  /** Reads as English after "on": "alpha's model". */
  readonly target: string;
  readonly place: Place;
  /** A refused caller who may not even read it is told it does not exist (404), like a missing one. */
  readonly hidden?: boolean;
  /** Allowed to every authenticated caller whatever its roles (a caller's own token). */
  readonly own?: boolean;
  /** Builds the request, preparing what it acts on as the admin first when it is used up by a success. */
  request(world: AccessWorld): CaseRequest | Promise<CaseRequest>;
}

function reaches(scope: GrantScope, place: Place, action: Action): boolean {
  if (scope === 'global') return true;
  if (globalActions.has(action)) return false;
  return place === 'alpha' || place === 'anywhere';
}

/** The outcome the permission matrix in src/access/roles.ts promises, by the rules the authorizer documents. */
export function expectedOutcome(role: Role, scope: GrantScope, probe: Probe): Outcome {
  if (probe.own === true) return 'allowed';
  if (reaches(scope, probe.place, probe.action) && roleAllows(role, probe.action)) return 'allowed';
  const mayRead = reaches(scope, probe.place, 'catalog.read') && roleAllows(role, 'catalog.read');
  return probe.hidden === true && !mayRead ? 'hidden' : 'forbidden';
}

const admin = async (world: AccessWorld, method: string, path: string, body?: unknown) =>
  expectSuccess(await world.registry.api(method, path, body), `preparing ${method} ${path}`).body;

async function draftIn(world: AccessWorld, ns: 'alpha' | 'beta'): Promise<number> {
  const created = await admin(world, 'POST', `/api/v1/models/${ns}/${MODEL}/versions`, { manifest: [manifestEntry(world.blobs[ns])] });
  return created.number as number;
}

/** Sends `request` as `token` while preparing a case: it must succeed. */
async function prepare(world: AccessWorld, token: string, request: CaseRequest) {
  return expectSuccess(await send(world, token, request), `preparing ${request.method} ${request.path}`).body;
}

export const versionPath = (ns: string, n: number, model: string = MODEL): string => `/api/v1/models/${ns}/${model}/versions/${n}`;

/** Attestation bodies: what the built-in gate asks for on the way to production. */
export const attestations = {
  evaluation: { type: 'evaluation', verdict: 'pass', summary: 'holdout AUC 0.91', details: { slices: [{ name: 'all', metrics: { auc: 0.91 } }] } },
  license_review: { type: 'license_review', verdict: 'pass', summary: 'licenses checked', details: { licenses: ['Apache-2.0'] } },
  bias_assessment: { type: 'bias_assessment', verdict: 'pass', summary: 'no disparity found', details: { protectedAttributes: ['age'] } },
  safety_review: { type: 'safety_review', verdict: 'pass', summary: 'no unsafe output found', details: { scope: 'prompt injection' } },
} as const;

export interface VersionSpec {
  /** Who registers and publishes it, and so is its author: the registry's admin unless said. */
  readonly author?: string;
  readonly model?: string;
  readonly blob?: Blob;
}

/** A published version with a declared license (production needs one); none of the matrix's users is its author unless it is given. */
export async function publishedIn(world: AccessWorld, ns: 'alpha' | 'beta', spec: VersionSpec = {}): Promise<number> {
  const author = spec.author ?? world.registry.adminToken;
  const model = spec.model ?? MODEL;
  const created = await prepare(world, author, { method: 'POST', path: `/api/v1/models/${ns}/${model}/versions`, body: { manifest: [manifestEntry(spec.blob ?? world.blobs[ns])], license: 'Apache-2.0' } });
  await prepare(world, author, { method: 'POST', path: `${versionPath(ns, created.number, model)}/publish`, body: { reason: 'ready' } });
  return created.number as number;
}

/**
 * A promotion to production waiting for approval: evaluated by its author,
 * reviewed by the world's reviewer, requested by the admin (`reviews` adds
 * what a high-risk model needs).
 */
export async function pendingPromotionIn(
  world: AccessWorld,
  ns: 'alpha' | 'beta',
  spec: VersionSpec & { reviews?: readonly (keyof typeof attestations)[] } = {},
): Promise<{ id: string; number: number }> {
  const n = await publishedIn(world, ns, spec);
  const version = versionPath(ns, n, spec.model);
  await prepare(world, spec.author ?? world.registry.adminToken, { method: 'POST', path: `${version}/attestations`, body: attestations.evaluation });
  for (const review of spec.reviews ?? ['license_review']) await prepare(world, world.reviewerToken, { method: 'POST', path: `${version}/attestations`, body: attestations[review] });
  const asked = await prepare(world, world.registry.adminToken, { method: 'POST', path: `${version}/promotions`, body: { to: 'production', rationale: 'ready for production' } });
  if (asked.status !== 'pending') throw new Error(`expected a pending promotion, got ${JSON.stringify(asked)}`);
  return { id: asked.id as string, number: n };
}

async function changeIn(world: AccessWorld, ns: 'alpha' | 'beta'): Promise<string> {
  return (await admin(world, 'POST', `${versionPath(ns, 1)}/changes`, { template: 'retrain', rationale: 'the data drifted', impact: 'a new version follows' })).id as string;
}

async function quarantinedIn(world: AccessWorld, ns: 'alpha' | 'beta', blob?: Blob): Promise<number> {
  const n = await publishedIn(world, ns, { blob });
  await admin(world, 'POST', `${versionPath(ns, n)}/quarantine`, { reason: 'INC-1: under investigation' });
  return n;
}

async function elevationIn(world: AccessWorld, ns: 'alpha' | 'beta'): Promise<string> {
  const asked = await send(world, world.requesterToken, { method: 'POST', path: '/api/v1/elevations', body: { role: 'contributor', namespace: ns, durationMinutes: 30, justification: 'covering for a colleague' } });
  return expectSuccess(asked, 'preparing an elevation request').body.id as string;
}

async function robotToken(world: AccessWorld): Promise<string> {
  return (await admin(world, 'POST', '/api/v1/tokens', { name: world.unique('robot'), principal: 'service:robot' })).id as string;
}

async function bindingIn(world: AccessWorld, ns: 'alpha' | 'beta'): Promise<string> {
  return (await admin(world, 'POST', '/api/v1/bindings', { principal: `user:${world.unique('revokee')}`, role: 'viewer', namespace: ns, reason: 'to be revoked' })).id as string;
}

/**
 * A blob that only a version of `${ns}/restricted` holds, a model the
 * built-in rubric files as critical (whose tier restricts its artifacts):
 * every risk dimension declared high, a critical advisory against a library
 * it depends on, a critical incident open. Built once per world and
 * namespace: reading the blob uses nothing up.
 */
const restrictedBlobs = new WeakMap<AccessWorld, Partial<Record<'alpha' | 'beta', Promise<Blob>>>>();

function restrictedBlobIn(world: AccessWorld, ns: 'alpha' | 'beta'): Promise<Blob> {
  const built = restrictedBlobs.get(world) ?? {};
  restrictedBlobs.set(world, built);
  return (built[ns] ??= buildRestrictedBlob(world, ns));
}

async function buildRestrictedBlob(world: AccessWorld, ns: 'alpha' | 'beta'): Promise<Blob> {
  const model = 'restricted';
  const library = `modelkeep-probe-${ns}-restricted`;
  const blob = await uploadBlob(world.registry, world.unique(`${ns} restricted weights`));
  await admin(world, 'POST', '/api/v1/models', { namespace: ns, name: model, riskProfile: { sensitivity: 'high', regulatoryImpact: 'high', customerExposure: 'high' } });
  await admin(world, 'POST', `/api/v1/models/${ns}/${model}/versions`, { manifest: [manifestEntry(blob)], environment: { libraries: [`pkg:pypi/${library}@1.0.0`] } });
  const advisory = {
    id: `MK-PROBE-${ns.toUpperCase()}-0001`,
    modified: '2024-05-01T00:00:00Z',
    summary: 'Made up: remote code execution (for the access tests)',
    database_specific: { severity: 'CRITICAL' },
    affected: [{ package: { ecosystem: 'PyPI', name: library }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.0.0' }] }] }],
  };
  await admin(world, 'POST', '/api/v1/advisories', { advisories: [advisory] });
  await admin(world, 'POST', `/api/v1/models/${ns}/${model}/incidents`, { kind: 'incident', severity: 'critical', summary: 'leaked customer data in its answers' });
  await admin(world, 'POST', '/api/v1/risk/rescore', { models: [`${ns}/${model}`] });
  const risk = await admin(world, 'GET', `/api/v1/models/${ns}/${model}/risk`);
  if (risk.actions?.restrictArtifacts !== true) throw new Error(`expected ${ns}/${model} filed as a tier that restricts artifacts, got ${JSON.stringify({ score: risk.score, tier: risk.tier, actions: risk.actions })}`);
  return blob;
}

async function incidentIn(world: AccessWorld, ns: 'alpha' | 'beta'): Promise<string> {
  return (await admin(world, 'POST', `/api/v1/models/${ns}/${MODEL}/incidents`, { kind: 'drift', severity: 'low', summary: 'inputs drifted' })).id as string;
}

const catalogProbes = (ns: 'alpha' | 'beta'): Probe[] => [
  { action: 'catalog.read', kind: 'Namespace', target: `namespace ${ns}`, place: ns, hidden: true, request: () => ({ method: 'GET', path: `/api/v1/namespaces/${ns}` }) },
  { action: 'catalog.read', kind: 'Model', target: `${ns}'s model`, place: ns, hidden: true, request: () => ({ method: 'GET', path: `/api/v1/models/${ns}/${MODEL}` }) },
  { action: 'catalog.read', kind: 'Version', target: `${ns}'s version`, place: ns, hidden: true, request: () => ({ method: 'GET', path: `/api/v1/models/${ns}/${MODEL}/versions/1` }) },
  {
    action: 'namespace.configure',
    kind: 'Namespace',
    target: `namespace ${ns}`,
    place: ns,
    hidden: true,
    request: () => ({ method: 'PUT', path: `/api/v1/namespaces/${ns}/schemas/model`, body: { type: 'object' } }),
  },
  { action: 'model.create', kind: 'Namespace', target: `namespace ${ns}`, place: ns, hidden: true, request: (w) => ({ method: 'POST', path: '/api/v1/models', body: { namespace: ns, name: w.unique('model') } }) },
  { action: 'model.update', kind: 'Model', target: `${ns}'s model`, place: ns, hidden: true, request: (w) => ({ method: 'PATCH', path: `/api/v1/models/${ns}/${MODEL}`, body: { description: w.unique('described') } }) },
  {
    action: 'version.register',
    kind: 'Model',
    target: `${ns}'s model`,
    place: ns,
    hidden: true,
    request: (w) => ({ method: 'POST', path: `/api/v1/models/${ns}/${MODEL}/versions`, body: { manifest: [manifestEntry(w.blobs[ns])] } }),
  },
  {
    action: 'version.update',
    kind: 'Version',
    target: `${ns}'s draft version`,
    place: ns,
    hidden: true,
    async request(w) {
      const n = await draftIn(w, ns);
      const read = await w.registry.api('GET', `/api/v1/models/${ns}/${MODEL}/versions/${n}`);
      return { method: 'PATCH', path: `/api/v1/models/${ns}/${MODEL}/versions/${n}`, body: { description: 'tuned' }, headers: { 'if-match': read.headers.get('etag')! } };
    },
  },
  {
    action: 'version.publish',
    kind: 'Version',
    target: `${ns}'s draft version`,
    place: ns,
    hidden: true,
    request: async (w) => ({ method: 'POST', path: `/api/v1/models/${ns}/${MODEL}/versions/${await draftIn(w, ns)}/publish`, body: { reason: 'ship it' } }),
  },
  { action: 'blob.read', kind: 'Blob', target: `${ns}'s blob`, place: ns, hidden: true, request: (w) => ({ method: 'GET', path: `/api/v1/blobs/${w.blobs[ns].digest}` }) },
  {
    action: 'grant.manage',
    kind: 'Binding',
    target: `a new binding in ${ns}`,
    place: ns,
    request: (w) => ({ method: 'POST', path: '/api/v1/bindings', body: { principal: `user:${w.unique('grantee')}`, role: 'viewer', namespace: ns, reason: 'joins the team' } }),
  },
  { action: 'grant.manage', kind: 'Binding', target: `a binding in ${ns}`, place: ns, request: async (w) => ({ method: 'DELETE', path: `/api/v1/bindings/${await bindingIn(w, ns)}?reason=left-the-team` }) },
  {
    action: 'elevation.approve',
    kind: 'Elevation',
    target: `an elevation request in ${ns}`,
    place: ns,
    request: async (w) => ({ method: 'POST', path: `/api/v1/elevations/${await elevationIn(w, ns)}/approve`, body: { reason: 'approved for the week' } }),
  },
];

const governanceProbes = (ns: 'alpha' | 'beta'): Probe[] => [
  { action: 'catalog.read', kind: 'Version', target: `a promotion request in ${ns}`, place: ns, hidden: true, request: (w) => ({ method: 'GET', path: `/api/v1/promotions/${w.promotions[ns]}` }) },
  { action: 'catalog.read', kind: 'Version', target: `a change request in ${ns}`, place: ns, hidden: true, request: (w) => ({ method: 'GET', path: `/api/v1/changes/${w.changes[ns]}` }) },
  { action: 'catalog.read', kind: 'GatePolicy', target: `${ns}'s gate policy`, place: ns, hidden: true, request: () => ({ method: 'GET', path: `/api/v1/namespaces/${ns}/gate-policy` }) },
  {
    action: 'evaluation.record',
    kind: 'Version',
    target: `${ns}'s published version`,
    place: ns,
    hidden: true,
    request: () => ({ method: 'POST', path: `${versionPath(ns, 1)}/attestations`, body: attestations.evaluation }),
  },
  {
    action: 'review.sign',
    kind: 'Version',
    target: `${ns}'s published version`,
    place: ns,
    hidden: true,
    request: () => ({ method: 'POST', path: `${versionPath(ns, 1)}/attestations`, body: attestations.license_review }),
  },
  {
    action: 'version.promote',
    kind: 'Version',
    target: `${ns}'s published version`,
    place: ns,
    hidden: true,
    request: async (w) => ({ method: 'POST', path: `${versionPath(ns, await publishedIn(w, ns))}/promotions`, body: { to: 'exploration', rationale: 'try it out' } }),
  },
  {
    action: 'version.promote',
    kind: 'Version',
    target: `${ns}'s version to retire`,
    place: ns,
    hidden: true,
    request: async (w) => ({ method: 'POST', path: `${versionPath(ns, await publishedIn(w, ns))}/retire`, body: { reason: 'superseded' } }),
  },
  {
    action: 'promotion.approve',
    kind: 'Version',
    target: `a pending promotion in ${ns}`,
    place: ns,
    hidden: true,
    request: async (w) => ({ method: 'POST', path: `/api/v1/promotions/${(await pendingPromotionIn(w, ns)).id}/approve`, body: { rationale: 'evidence reviewed' } }),
  },
  {
    action: 'promotion.approve',
    kind: 'Version',
    target: `a promotion to reject in ${ns}`,
    place: ns,
    hidden: true,
    request: async (w) => ({ method: 'POST', path: `/api/v1/promotions/${(await pendingPromotionIn(w, ns)).id}/reject`, body: { reason: 'not yet' } }),
  },
  {
    action: 'change.approve',
    kind: 'Version',
    target: `a change request in ${ns}`,
    place: ns,
    hidden: true,
    request: async (w) => ({ method: 'POST', path: `/api/v1/changes/${await changeIn(w, ns)}/approve`, body: { rationale: 'retraining is due' } }),
  },
  {
    action: 'change.approve',
    kind: 'Version',
    target: `a change request to reject in ${ns}`,
    place: ns,
    hidden: true,
    request: async (w) => ({ method: 'POST', path: `/api/v1/changes/${await changeIn(w, ns)}/reject`, body: { reason: 'no drift found' } }),
  },
  {
    // The built-in policy, set as the namespace's own: the gate the other probes meet stays the same.
    action: 'gate.manage',
    kind: 'GatePolicy',
    target: `${ns}'s gate policy`,
    place: ns,
    hidden: true,
    request: () => ({ method: 'PUT', path: `/api/v1/namespaces/${ns}/gate-policy`, body: { policy: defaultGatePolicy, reason: 'made explicit' } }),
  },
  {
    action: 'version.deploy',
    kind: 'Version',
    target: `${ns}'s published version`,
    place: ns,
    hidden: true,
    request: async (w) => ({ method: 'POST', path: `/api/v1/environments/${ENVIRONMENTS.deploy}/deployments`, body: { version: `${ns}/${MODEL}@${await publishedIn(w, ns)}` } }),
  },
  {
    action: 'version.rollback',
    kind: 'Model',
    target: `${ns}'s model in the sandbox`,
    place: ns,
    hidden: true,
    async request(w) {
      await admin(w, 'POST', `/api/v1/environments/${ENVIRONMENTS.deploy}/deployments`, { version: `${ns}/${MODEL}@${await publishedIn(w, ns)}` });
      return { method: 'POST', path: `/api/v1/environments/${ENVIRONMENTS.deploy}/rollback`, body: { model: `${ns}/${MODEL}`, reason: 'errors went up' } };
    },
  },
  {
    action: 'deployment.report',
    kind: 'Version',
    target: `${ns}'s published version`,
    place: ns,
    hidden: true,
    request: () => ({ method: 'POST', path: `/api/v1/environments/${ENVIRONMENTS.report}/reports`, body: { version: `${ns}/${MODEL}@1`, status: 'deployed', externalId: 'argo-1' } }),
  },
  {
    action: 'version.quarantine',
    kind: 'Version',
    target: `${ns}'s published version`,
    place: ns,
    hidden: true,
    request: async (w) => ({ method: 'POST', path: `${versionPath(ns, await publishedIn(w, ns))}/quarantine`, body: { reason: 'INC-2: poisoned data suspected' } }),
  },
  {
    action: 'version.quarantine',
    kind: 'Version',
    target: `${ns}'s quarantined version`,
    place: ns,
    hidden: true,
    request: async (w) => ({ method: 'POST', path: `${versionPath(ns, await quarantinedIn(w, ns))}/release`, body: { reason: 'INC-1 cleared' } }),
  },
  {
    action: 'quarantine.investigate',
    kind: 'Blob',
    target: `${ns}'s blob that only a quarantined version holds`,
    place: ns,
    hidden: true,
    async request(w) {
      const blob = await uploadBlob(w.registry, w.unique(`${ns} suspect weights`));
      await quarantinedIn(w, ns, blob);
      return { method: 'GET', path: `/api/v1/blobs/${blob.digest}` };
    },
  },
];

/*
 * Lineage, incidents and restricted artifacts: decided in a namespace.
 * Incidents are low-severity drift on the shared model: with every other
 * signal the probes leave alone, they cannot lift it out of the medium tier
 * (no extra approvals, nothing restricted) whatever order the cases run in.
 */
const riskProbes = (ns: 'alpha' | 'beta'): Probe[] => [
  {
    action: 'lineage.record',
    kind: 'Namespace',
    target: `a dataset in ${ns}`,
    place: ns,
    hidden: true,
    request: (w) => ({ method: 'PUT', path: '/api/v1/lineage-nodes', body: { urn: `mk:dataset:${ns}/${w.unique('dataset')}`, attributes: { sensitivity: 'low', pii: false } } }),
  },
  {
    action: 'lineage.record',
    kind: 'Namespace',
    target: `a new edge from a dataset in ${ns}`,
    place: ns,
    hidden: true,
    request: (w) => ({ method: 'POST', path: '/api/v1/lineage-edges', body: { from: `mk:dataset:${ns}/${w.unique('derived')}`, type: 'derivedFrom', to: `mk:dataset:${ns}/raw` } }),
  },
  {
    action: 'incident.report',
    kind: 'Model',
    target: `${ns}'s model`,
    place: ns,
    hidden: true,
    request: () => ({ method: 'POST', path: `/api/v1/models/${ns}/${MODEL}/incidents`, body: { kind: 'drift', severity: 'low', summary: 'inputs drifted' } }),
  },
  {
    action: 'incident.report',
    kind: 'Model',
    target: `an open incident in ${ns}`,
    place: ns,
    hidden: true,
    request: async (w) => ({ method: 'POST', path: `/api/v1/incidents/${await incidentIn(w, ns)}/resolve`, body: { resolution: 'retrained on recent data' } }),
  },
  {
    // The download picks blob.read_restricted when every live version holding the blob is of a model whose tier restricts artifacts (src/http/resources.ts).
    action: 'blob.read_restricted',
    kind: 'Blob',
    target: `${ns}'s blob that only a critical-tier model holds`,
    place: ns,
    hidden: true,
    request: async (w) => ({ method: 'GET', path: `/api/v1/blobs/${(await restrictedBlobIn(w, ns)).digest}` }),
  },
];

const registryProbes: Probe[] = [
  { action: 'self.read', kind: 'Registry', target: 'its own identity', place: 'anywhere', request: () => ({ method: 'GET', path: '/api/v1/whoami' }) },
  { action: 'catalog.read', kind: 'Registry', target: 'a model search', place: 'anywhere', request: () => ({ method: 'GET', path: '/api/v1/models?namespace=alpha' }) },
  { action: 'namespace.create', kind: 'Registry', target: 'the registry', place: 'registry', request: (w) => ({ method: 'POST', path: '/api/v1/namespaces', body: { name: w.unique('team') } }) },
  {
    action: 'blob.write',
    kind: 'Blob',
    target: 'a new blob',
    place: 'anywhere',
    request(w) {
      const content = w.unique('fresh weights');
      return { method: 'PUT', path: `/api/v1/blobs/sha256:${createHash('sha256').update(content).digest('hex')}`, body: content, headers: { 'content-type': 'application/octet-stream' } };
    },
  },
  {
    action: 'blob.read',
    kind: 'Blob',
    target: 'a blob no version names yet',
    place: 'registry',
    hidden: true,
    request: async (w) => ({ method: 'GET', path: `/api/v1/blobs/${(await uploadBlob(w.registry, w.unique('unclaimed weights'))).digest}` }),
  },
  { action: 'ledger.verify', kind: 'Ledger', target: 'the ledger proofs', place: 'anywhere', request: () => ({ method: 'GET', path: '/api/v1/ledger/proofs/inclusion?seq=0' }) },
  { action: 'ledger.read', kind: 'Ledger', target: 'the ledger entries', place: 'registry', request: () => ({ method: 'GET', path: '/api/v1/ledger/entries?from=0&to=2' }) },
  { action: 'audit.read', kind: 'AuditLog', target: 'the audit log', place: 'registry', request: () => ({ method: 'GET', path: '/api/v1/audit?limit=1' }) },
  { action: 'security.read', kind: 'SecurityEvents', target: 'the security events', place: 'registry', request: () => ({ method: 'GET', path: '/api/v1/security/events?limit=1' }) },
  { action: 'access.review', kind: 'AccessReview', target: 'the access review', place: 'registry', request: () => ({ method: 'GET', path: '/api/v1/access/review' }) },
  { action: 'access.review', kind: 'Binding', target: 'every binding', place: 'registry', request: () => ({ method: 'GET', path: '/api/v1/bindings' }) },
  { action: 'token.manage', kind: 'Token', target: 'its own new token', place: 'registry', own: true, request: (w) => ({ method: 'POST', path: '/api/v1/tokens', body: { name: w.unique('own') } }) },
  {
    action: 'token.manage',
    kind: 'Token',
    target: "a service account's new token",
    place: 'registry',
    request: (w) => ({ method: 'POST', path: '/api/v1/tokens', body: { name: w.unique('robot'), principal: 'service:robot' } }),
  },
  { action: 'token.manage', kind: 'Token', target: "a service account's token", place: 'registry', request: async (w) => ({ method: 'POST', path: `/api/v1/tokens/${await robotToken(w)}/rotate`, body: {} }) },
  {
    action: 'grant.manage',
    kind: 'Binding',
    target: 'a new global binding',
    place: 'registry',
    request: (w) => ({ method: 'POST', path: '/api/v1/bindings', body: { principal: `user:${w.unique('grantee')}`, role: 'viewer', namespace: null, reason: 'reads everything' } }),
  },
  { action: 'grant.manage', kind: 'Group', target: 'a group', place: 'registry', request: (w) => ({ method: 'PUT', path: `/api/v1/groups/group:reviewers/members/user:${w.unique('member')}` }) },
  { action: 'policy.manage', kind: 'Policy', target: 'the added policies', place: 'registry', request: () => ({ method: 'GET', path: '/api/v1/policies' }) },
  {
    action: 'elevation.request',
    kind: 'Registry',
    target: 'the registry',
    place: 'anywhere',
    request: () => ({ method: 'POST', path: '/api/v1/elevations', body: { role: 'maintainer', namespace: 'alpha', durationMinutes: 60, justification: 'on call this week' } }),
  },
  { action: 'catalog.read', kind: 'Registry', target: 'the environments', place: 'anywhere', request: () => ({ method: 'GET', path: '/api/v1/environments' }) },
  { action: 'catalog.read', kind: 'Registry', target: 'the approvals queue', place: 'anywhere', request: () => ({ method: 'GET', path: '/api/v1/promotions?status=pending' }) },
  {
    action: 'gate.manage',
    kind: 'GatePolicy',
    target: 'the global gate policy',
    place: 'registry',
    request: () => ({ method: 'PUT', path: '/api/v1/gate-policy', body: { policy: defaultGatePolicy, reason: 'made explicit' } }),
  },
  {
    action: 'environment.manage',
    kind: 'Environment',
    target: 'a new environment',
    place: 'registry',
    request: (w) => ({ method: 'POST', path: '/api/v1/environments', body: { name: w.unique('env'), requiredStage: 'production' } }),
  },
  {
    // Libraries are shared by every namespace: any grant of the action counts.
    action: 'lineage.record',
    kind: 'Registry',
    target: 'a library',
    place: 'anywhere',
    request: (w) => ({ method: 'PUT', path: '/api/v1/lineage-nodes', body: { urn: `mk:library:pkg:pypi/${w.unique('lib')}@1.0.0`, attributes: { license: 'MIT' } } }),
  },
  {
    // A package no model depends on: nothing is rescored.
    action: 'vulnerability.manage',
    kind: 'Registry',
    target: 'a library deprecation',
    place: 'registry',
    request: (w) => ({ method: 'POST', path: '/api/v1/library-deprecations', body: { purl: `pkg:pypi/${w.unique('old-lib')}`, reason: 'unmaintained' } }),
  },
  { action: 'risk.manage', kind: 'Registry', target: 'a rescore', place: 'registry', request: () => ({ method: 'POST', path: '/api/v1/risk/rescore', body: { models: [`alpha/${MODEL}`] } }) },
  { action: 'webhook.manage', kind: 'Registry', target: 'the webhooks', place: 'registry', request: () => ({ method: 'GET', path: '/api/v1/webhooks' }) },
  { action: 'event.read', kind: 'Registry', target: 'the alert events', place: 'registry', request: () => ({ method: 'GET', path: '/api/v1/events?limit=1' }) },
];

/** Every probe: each action that has a route, on each kind of resource it is done to, in alpha, in beta and registry-wide. */
export const probes: readonly Probe[] = [
  ...catalogProbes('alpha'),
  ...catalogProbes('beta'),
  ...governanceProbes('alpha'),
  ...governanceProbes('beta'),
  ...riskProbes('alpha'),
  ...riskProbes('beta'),
  ...registryProbes,
];

/** The actions some probe sends over HTTP; the others are decided by calling the authorizer directly. */
export const probedActions: ReadonlySet<Action> = new Set(probes.map((p) => p.action));
