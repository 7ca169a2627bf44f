import { Authorizer } from '../access/authorizer.js';
import { PolicyEngine } from '../access/policies/policy-engine.js';
import type { Principal } from '../access/principal.js';
import { principalRef, type Resource } from '../access/resource.js';
import { namespaceName, type CatalogShape } from './catalog-shape.js';
import { type HttpClient, type LoadResult, expectOk, runCounted } from './http-load.js';
import { round, summarise } from './percentiles.js';

/** Added policies of the kind an admin writes, so the decision is measured over a realistic set, not the built-ins alone. */
const ADDED_POLICIES = Array.from({ length: 20 }, (_, i) => ({
  id: `custom:bench-${i}`,
  text: `forbid(principal, action == Action::"blob.read", resource) when { resource has namespace && resource.namespace == "restricted-${i}" && !context.roles.contains("compliance") };`,
}));

/**
 * The decision alone, in process: a principal with grants in many
 * namespaces and two groups, a version with authors (separation of duties is
 * evaluated), the built-in policies plus twenty added ones.
 */
function benchDecisions(count: number) {
  const authorizer = new Authorizer(new PolicyEngine(ADDED_POLICIES));
  const principal: Principal = {
    id: 'user:bench',
    groups: ['group:ml', 'group:risk'],
    grants: [{ role: 'viewer', namespace: null, via: 'binding' }, ...Array.from({ length: 20 }, (_, i) => ({ role: 'contributor' as const, namespace: `ns-${i}`, via: 'group:ml' }))],
    scope: { roles: null, namespaces: null },
    authenticatedBy: 'token',
  };
  const resource = (i: number): Resource => ({ kind: 'Version', id: `ns-${i % 20}/m@${i}`, namespace: `ns-${i % 20}`, attributes: { authors: [principalRef('user:someone-else')], riskTier: 'high' } });
  const time = (run: (i: number) => void) => {
    for (let i = 0; i < 2000; i += 1) run(i);
    const samples: number[] = [];
    const began = performance.now();
    for (let i = 0; i < count; i += 1) {
      const t = performance.now();
      run(i);
      samples.push(performance.now() - t);
    }
    const elapsed = performance.now() - began;
    return { decisions: count, perSec: Math.round(count / (elapsed / 1000)), latency: summarise(samples) };
  };
  return {
    authorize: time((i) => authorizer.authorize(principal, 'version.register', resource(i))),
    readableNamespaces: time(() => authorizer.readableNamespaces(principal)),
    note: 'in process: Cedar (cedar-wasm, preparsed policy set) over the built-in role and separation-of-duties policies plus 20 added ones; readableNamespaces decides once per namespace the principal holds a grant in (20 here), once per list request',
  };
}

/**
 * What authentication and authorization add to a request, over HTTP: a
 * public route (no credential looked at) against the smallest guarded one
 * (token lookup, grants, one decision), and a read by a caller with one
 * namespace grant (lists filtered in SQL) against the same read by the admin.
 */
async function benchRequests(admin: HttpClient, scoped: HttpClient, shape: CatalogShape, requests: number) {
  const plan = (path: string) => ({ clients: 4, next: () => ({ method: 'GET' as const, path }) });
  const run = (client: HttpClient, path: string): Promise<LoadResult> => runCounted(client, plan(path), requests, Math.min(500, requests / 4));
  const ns = namespaceName(0);
  const publicRoute = await run(admin, '/healthz');
  const guardedRoute = await run(admin, '/api/v1/whoami');
  const searchAsAdmin = await run(admin, `/api/v1/versions?tag=nlp&limit=50`);
  const searchAsNamespaceContributor = await run(scoped, `/api/v1/versions?tag=nlp&limit=50`);
  return {
    publicRoute: publicRoute.latency,
    guardedRoute: guardedRoute.latency,
    overheadP50Ms: round(guardedRoute.latency.p50Ms - publicRoute.latency.p50Ms),
    overheadP99Ms: round(guardedRoute.latency.p99Ms - publicRoute.latency.p99Ms),
    searchAsAdmin: searchAsAdmin.latency,
    searchAsNamespaceContributor: { namespace: ns, ...searchAsNamespaceContributor.latency },
    errors: publicRoute.errors + guardedRoute.errors + searchAsAdmin.errors + searchAsNamespaceContributor.errors,
    note: 'GET /healthz (public) vs GET /api/v1/whoami (token lookup + grants + one Cedar decision + access record); version search as the global admin vs as a contributor in one namespace (filtered in SQL), 4 clients',
  };
}

export async function benchAuthorization(admin: HttpClient, makeClient: (token: string) => HttpClient, shape: CatalogShape, quick: boolean, note: (text: string) => void) {
  const decisions = benchDecisions(quick ? 20_000 : 100_000);
  note(`authorization: decision p50 ${decisions.authorize.latency.p50Ms} ms, p99 ${decisions.authorize.latency.p99Ms} ms, ${decisions.authorize.perSec}/s`);
  const ns = namespaceName(0);
  await expectOk(admin, { method: 'POST', path: '/api/v1/bindings', body: JSON.stringify({ principal: 'service:bench-reader', role: 'contributor', namespace: ns, reason: 'bench' }), headers: { 'content-type': 'application/json' } });
  const issued = (await expectOk(admin, { method: 'POST', path: '/api/v1/tokens', body: JSON.stringify({ name: 'bench-reader', principal: 'service:bench-reader' }), headers: { 'content-type': 'application/json' } })) as { token: string };
  const scoped = makeClient(issued.token);
  try {
    const requests = await benchRequests(admin, scoped, shape, quick ? 2000 : 10_000);
    note(`authorization: per-request overhead p50 ${requests.overheadP50Ms} ms, p99 ${requests.overheadP99Ms} ms`);
    return { decisions, requests };
  } finally {
    scoped.close();
  }
}
