import { createHash } from 'node:crypto';
import type { Action } from '../../src/access/actions.js';
import { globalActions, type Role, roleAllows } from '../../src/access/roles.js';
import { uploadBlob } from '../support/test-registry.js';
import { type AccessWorld, type CaseRequest, expectSuccess, type GrantScope, MODEL, manifestEntry, type Outcome, send } from './access-world.js';

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
];

/** Every probe: each action that has a route, on each kind of resource it is done to, in alpha, in beta and registry-wide. */
export const probes: readonly Probe[] = [...catalogProbes('alpha'), ...catalogProbes('beta'), ...registryProbes];

/** The actions some probe sends over HTTP; the others are decided by calling the authorizer directly. */
export const probedActions: ReadonlySet<Action> = new Set(probes.map((p) => p.action));
