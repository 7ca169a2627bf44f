import { expect } from 'vitest';
import type { Action } from '../../src/access/actions.js';
import { type Role, roles } from '../../src/access/roles.js';
import { type ApiResponse, type DialectName, type TestRegistry, startTestRegistry, tokenFor, uploadBlob } from '../support/test-registry.js';

/** Where a caller's grants are: in namespace `alpha` only, or over the whole registry. */
export type GrantScope = 'alpha' | 'global';
export const grantScopes: readonly GrantScope[] = ['alpha', 'global'];

export const MODEL = 'scorer';

export interface Blob {
  readonly digest: string;
  readonly size: number;
}

/** Where governance probes deploy (and roll back), and where deployment systems report: both take any published version. */
export const ENVIRONMENTS = { deploy: 'sandbox', report: 'monitored' } as const;

/**
 * Two teams, `alpha` and `beta`, each with a model and a published version
 * whose manifest names an uploaded blob; one user per role per grant scope
 * (`user:alpha-viewer` holds viewer in alpha only, `user:global-viewer`
 * holds it everywhere); a requester for elevations and a service account
 * whose tokens others manage. For governance: two environments, each
 * team's version 1 deployed to the sandbox (something healthy to roll back
 * to), one promotion request and one change request per team, and a
 * reviewer who signs the reviews a gate asks for (the admin that registers
 * the versions may not: it is their author).
 */
export interface AccessWorld {
  readonly registry: TestRegistry;
  readonly blobs: Readonly<Record<'alpha' | 'beta', Blob>>;
  readonly tokens: Readonly<Record<GrantScope, Readonly<Record<Role, string>>>>;
  readonly requesterToken: string;
  readonly reviewerToken: string;
  readonly promotions: Readonly<Record<'alpha' | 'beta', string>>;
  readonly changes: Readonly<Record<'alpha' | 'beta', string>>;
  /** A fresh suffix for names that must not collide between cases. */
  unique(prefix: string): string;
}

export const userFor = (role: Role, scope: GrantScope): string => `user:${scope}-${role}`;

export async function buildAccessWorld(dialect: DialectName): Promise<AccessWorld> {
  const registry = await startTestRegistry(dialect);
  const admin = async (method: string, path: string, body?: unknown) => expectSuccess(await registry.api(method, path, body), `${method} ${path}`);
  for (const ns of ['alpha', 'beta'] as const) await admin('POST', '/api/v1/namespaces', { name: ns, description: `Team ${ns}` });
  const blobs = { alpha: await uploadBlob(registry, 'alpha weights'), beta: await uploadBlob(registry, 'beta weights') };
  for (const ns of ['alpha', 'beta'] as const) {
    await admin('POST', '/api/v1/models', { namespace: ns, name: MODEL, description: `The ${ns} scorer` });
    await admin('POST', `/api/v1/models/${ns}/${MODEL}/versions`, { manifest: [manifestEntry(blobs[ns])] });
    await admin('POST', `/api/v1/models/${ns}/${MODEL}/versions/1/publish`, { reason: 'first release' });
  }
  const tokens = { alpha: {} as Record<Role, string>, global: {} as Record<Role, string> };
  await Promise.all(
    roles.flatMap((role) =>
      grantScopes.map(async (scope) => {
        tokens[scope][role] = await tokenFor(registry, userFor(role, scope), [{ role, namespace: scope === 'alpha' ? 'alpha' : null }]);
      }),
    ),
  );
  const requesterToken = await tokenFor(registry, 'user:elevation-requester', [{ role: 'viewer', namespace: 'alpha' }]);
  const reviewerToken = await tokenFor(registry, 'user:world-reviewer', [{ role: 'approver', namespace: null }]);
  await admin('POST', '/api/v1/environments', { name: ENVIRONMENTS.deploy, requiredStage: 'concept' });
  await admin('POST', '/api/v1/environments', { name: ENVIRONMENTS.report, requiredStage: 'concept' });
  const promotions = {} as Record<'alpha' | 'beta', string>;
  const changes = {} as Record<'alpha' | 'beta', string>;
  for (const ns of ['alpha', 'beta'] as const) {
    await admin('POST', `/api/v1/environments/${ENVIRONMENTS.deploy}/deployments`, { version: `${ns}/${MODEL}@1`, reason: 'first release' });
    promotions[ns] = (await admin('POST', `/api/v1/models/${ns}/${MODEL}/versions/1/promotions`, { to: 'exploration', rationale: 'try it out' })).body.id;
    changes[ns] = (await admin('POST', `/api/v1/models/${ns}/${MODEL}/versions/1/changes`, { template: 'retrain', rationale: 'the data drifted', impact: 'a new version follows' })).body.id;
  }
  let counter = 0;
  return { registry, blobs, tokens, requesterToken, reviewerToken, promotions, changes, unique: (prefix) => `${prefix}-${++counter}` };
}

export const manifestEntry = (blob: Blob) => ({ path: 'model/weights.bin', sha256: blob.digest, size: blob.size });

/** A request a case sends; `headers` adds to (or replaces) the bearer token. */
export interface CaseRequest {
  readonly method: string;
  readonly path: string;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export function send(world: AccessWorld, token: string, request: CaseRequest): Promise<ApiResponse> {
  return world.registry.api(request.method, request.path, request.body, { authorization: `Bearer ${token}`, ...request.headers });
}

export function expectSuccess(response: ApiResponse, what: string): ApiResponse {
  expect(response.status, `${what}: ${JSON.stringify(response.body)}`).toBeGreaterThanOrEqual(200);
  expect(response.status, `${what}: ${JSON.stringify(response.body)}`).toBeLessThan(300);
  return response;
}

/** What the authorizer should make of a request: let it through, refuse it naming the permission, or deny the resource exists. */
export type Outcome = 'allowed' | 'forbidden' | 'hidden';

export function expectOutcome(response: ApiResponse, outcome: Outcome, action: Action): void {
  const seen = `${response.status} ${JSON.stringify(response.body)}`;
  if (outcome === 'allowed') {
    expect(response.status, seen).toBeGreaterThanOrEqual(200);
    expect(response.status, seen).toBeLessThan(300);
  } else if (outcome === 'forbidden') {
    expect(response.status, seen).toBe(403);
    expect(response.body, seen).toMatchObject({ code: 'forbidden', permission: action });
  } else {
    expect(response.status, seen).toBe(404);
    expect(response.body, seen).toMatchObject({ code: 'not_found' });
    expect(response.body, 'a hidden resource names no permission').not.toHaveProperty('permission');
  }
}
