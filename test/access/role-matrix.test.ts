import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Action, actions } from '../../src/access/actions.js';
import { Authorizer } from '../../src/access/authorizer.js';
import { PolicyEngine } from '../../src/access/policies/policy-engine.js';
import { type Grant, type Principal, UNSCOPED } from '../../src/access/principal.js';
import { principalRef, type Resource } from '../../src/access/resource.js';
import { globalActions, type Role, roleAllows, roles } from '../../src/access/roles.js';
import { RegistryError } from '../../src/errors/registry-error.js';
import { dialects, discardTestRegistry, tokenFor, uploadBlob } from '../support/test-registry.js';
import { type AccessWorld, buildAccessWorld, ENVIRONMENTS, expectOutcome, expectSuccess, type GrantScope, grantScopes, MODEL, manifestEntry, type Outcome, send } from './access-world.js';
import { attestations, expectedOutcome, pendingPromotionIn, probedActions, probes, publishedIn, versionPath } from './matrix-probes.js';

const where = (scope: GrantScope) => (scope === 'global' ? 'globally' : 'in alpha');
const verdict: Record<Outcome, string> = { allowed: 'may', forbidden: 'is refused (403)', hidden: 'is told it does not exist (404)' };

const matrixCases = roles.flatMap((role) =>
  grantScopes.flatMap((scope) =>
    probes.map((probe) => {
      const outcome = expectedOutcome(role, scope, probe);
      return { name: `${role} ${where(scope)} ${verdict[outcome]} ${probe.action} on ${probe.target} (${probe.kind})`, role, scope, probe, outcome };
    }),
  ),
);

for (const { name: dialect, skip } of dialects) {
  describe.skipIf(skip)(`role matrix over HTTP on ${dialect}`, () => {
    let world: AccessWorld;

    beforeAll(async () => {
      world = await buildAccessWorld(dialect);
    }, 120_000);

    afterAll(async () => {
      if (world) await discardTestRegistry(world.registry);
    });

    describe('every role × every routed action × every kind of resource, as the matrix says', () => {
      it.each(matrixCases.map((c) => [c.name, c] as const))('%s', async (_name, { role, scope, probe, outcome }) => {
        const response = await send(world, world.tokens[scope][role], await probe.request(world));
        expectOutcome(response, outcome, probe.action);
      });
    });

    describe("the README's promises, written out by hand", () => {
      it('lets an auditor read the audit log but refuses it a blob download (403 blob.read)', async () => {
        const token = world.tokens.global.auditor;
        expect((await send(world, token, { method: 'GET', path: '/api/v1/audit?limit=1' })).status).toBe(200);
        expectOutcome(await send(world, token, { method: 'GET', path: `/api/v1/blobs/${world.blobs.alpha.digest}` }), 'forbidden', 'blob.read');
      });

      it('refuses a viewer registering a version (403 version.register)', async () => {
        const refused = await send(world, world.tokens.alpha.viewer, { method: 'POST', path: `/api/v1/models/alpha/${MODEL}/versions`, body: { manifest: [manifestEntry(world.blobs.alpha)] } });
        expectOutcome(refused, 'forbidden', 'version.register');
      });

      it("tells a contributor in alpha that beta's model does not exist (404, not 403), in the words a missing model gets", async () => {
        const hidden = await send(world, world.tokens.alpha.contributor, { method: 'GET', path: `/api/v1/models/beta/${MODEL}` });
        const missing = await world.registry.api('GET', '/api/v1/models/beta/ghost');
        expect(hidden.status).toBe(404);
        expect(missing.status).toBe(404);
        expect({ ...hidden.body, instance: undefined, detail: hidden.body.detail.replace(MODEL, 'ghost') }).toEqual({ ...missing.body, instance: undefined });
      });

      it('lets a security admin grant a role but not register a version', async () => {
        const token = world.tokens.alpha['security-admin'];
        expect((await send(world, token, { method: 'POST', path: '/api/v1/bindings', body: { principal: 'user:new-hire', role: 'contributor', namespace: 'alpha', reason: 'joins the team' } })).status).toBe(201);
        const refused = await send(world, token, { method: 'POST', path: `/api/v1/models/alpha/${MODEL}/versions`, body: { manifest: [manifestEntry(world.blobs.alpha)] } });
        expectOutcome(refused, 'forbidden', 'version.register');
      });

      it('refuses a security admin a grant to themselves, citing separation of duties', async () => {
        const refused = await send(world, world.tokens.global['security-admin'], { method: 'POST', path: '/api/v1/bindings', body: { principal: 'user:global-security-admin', role: 'admin', reason: 'i deserve it' } });
        expectOutcome(refused, 'forbidden', 'grant.manage');
        expect(refused.body.policy).toBe('sod:no-self-grant');
      });

      // Known bug: registering a version adds its namespace to every blob its manifest names (version_blobs), and
      // blob.read is decided by those namespaces; nothing checks the registrant may read the blob it names. Flip to it() once fixed.
      it("refuses a contributor in alpha beta's blob even after naming its digest in a version of alpha's", async () => {
        const token = world.tokens.alpha.contributor;
        const beta = await uploadBlob(world.registry, 'beta secret weights');
        expect((await world.registry.api('POST', `/api/v1/models/beta/${MODEL}/versions`, { manifest: [manifestEntry(beta)] })).status).toBe(201);
        const named = await send(world, token, { method: 'POST', path: `/api/v1/models/alpha/${MODEL}/versions`, body: { manifest: [{ path: 'borrowed.bin', sha256: beta.digest, size: beta.size }] } });
        if (named.status === 201) expectOutcome(await send(world, token, { method: 'GET', path: `/api/v1/blobs/${beta.digest}` }), 'hidden', 'blob.read');
        else expect([403, 404]).toContain(named.status);
      });

      // Known bug: TokenService.issue (src/access/token-service.ts) checks a token for someone else against the holder's
      // grants only, so token.manage mints a token that acts with every role of its holder. Flip to it() once fixed.
      it('keeps a security admin from acting as an admin through a token it issues for them', async () => {
        const issued = await send(world, world.tokens.global['security-admin'], { method: 'POST', path: '/api/v1/tokens', body: { name: 'borrowed', principal: 'user:global-admin' } });
        if (issued.status !== 201) return expectOutcome(issued, 'forbidden', 'token.manage');
        expectOutcome(await send(world, issued.body.token, { method: 'POST', path: '/api/v1/namespaces', body: { name: world.unique('annexed') } }), 'forbidden', 'namespace.create');
      });

      it('lets an approver download a blob but not publish a version', async () => {
        const token = world.tokens.alpha.approver;
        expect((await send(world, token, { method: 'GET', path: `/api/v1/blobs/${world.blobs.alpha.digest}` })).status).toBe(200);
        expectOutcome(await send(world, token, { method: 'POST', path: `/api/v1/models/alpha/${MODEL}/versions/1/publish`, body: {} }), 'forbidden', 'version.publish');
      });
    });

    describe('separation of duties over HTTP', () => {
      const expectSod = (response: { status: number; body: any }, action: string, policy: string) => {
        expect(response.status, JSON.stringify(response.body)).toBe(403);
        expect(response.body).toMatchObject({ code: 'forbidden', permission: action, policy });
      };

      it('refuses an admin who authored a version signing its review or approving its promotion, and lets another approver do both', async () => {
        const author = world.tokens.global.admin;
        const { id, number } = await pendingPromotionIn(world, 'alpha', { author });
        const path = versionPath('alpha', number);
        expectSod(await send(world, author, { method: 'POST', path: `${path}/attestations`, body: attestations.safety_review }), 'review.sign', 'sod:no-self-approval');
        expectSod(await send(world, author, { method: 'POST', path: `/api/v1/promotions/${id}/approve`, body: { rationale: 'my own work' } }), 'promotion.approve', 'sod:no-self-approval');
        expectSuccess(await send(world, world.tokens.alpha.approver, { method: 'POST', path: `${path}/attestations`, body: attestations.safety_review }), 'a review by someone else');
        const approved = expectSuccess(await send(world, world.tokens.alpha.approver, { method: 'POST', path: `/api/v1/promotions/${id}/approve`, body: { rationale: 'evidence reviewed' } }), 'an approval by someone else');
        expect(approved.body.status).toBe('promoted');
      });

      it('refuses an admin approving a promotion they requested', async () => {
        const requester = world.tokens.global.admin;
        const n = await publishedIn(world, 'alpha');
        expectSuccess(await world.registry.api('POST', `${versionPath('alpha', n)}/attestations`, attestations.evaluation), 'an evaluation');
        expectSuccess(await send(world, world.reviewerToken, { method: 'POST', path: `${versionPath('alpha', n)}/attestations`, body: attestations.license_review }), 'a license review');
        const asked = expectSuccess(await send(world, requester, { method: 'POST', path: `${versionPath('alpha', n)}/promotions`, body: { to: 'production', rationale: 'ship it' } }), 'a promotion request');
        expect(asked.body.status).toBe('pending');
        expectSod(await send(world, requester, { method: 'POST', path: `/api/v1/promotions/${asked.body.id}/approve`, body: { rationale: 'mine is fine' } }), 'promotion.approve', 'sod:no-self-approval');
      });

      it('refuses the requester of a change request approving it, and lets an approver approve it', async () => {
        const requester = world.tokens.global.admin;
        const asked = expectSuccess(
          await send(world, requester, { method: 'POST', path: `${versionPath('alpha', 1)}/changes`, body: { template: 'retrain', rationale: 'new data arrived', impact: 'a new version follows' } }),
          'a change request',
        );
        expectSod(await send(world, requester, { method: 'POST', path: `/api/v1/changes/${asked.body.id}/approve`, body: { rationale: 'mine is fine' } }), 'change.approve', 'sod:no-self-approval');
        const approved = expectSuccess(await send(world, world.tokens.alpha.approver, { method: 'POST', path: `/api/v1/changes/${asked.body.id}/approve`, body: { rationale: 'retraining is due' } }), 'an approval by someone else');
        expect(approved.body.status).toBe('approved');
      });

      it('refuses an admin who approved the promotion of a high-risk model deploying it, and lets a maintainer deploy it', async () => {
        const model = world.unique('risky');
        expectSuccess(await world.registry.api('POST', '/api/v1/models', { namespace: 'alpha', name: model, riskProfile: { customerExposure: 'high' } }), 'a high-risk model');
        const { id } = await pendingPromotionIn(world, 'alpha', { model, reviews: ['license_review', 'bias_assessment', 'safety_review'] });
        const approver = world.tokens.global.admin;
        expect((await send(world, approver, { method: 'POST', path: `/api/v1/promotions/${id}/approve`, body: { rationale: 'first of two' } })).body.status).toBe('pending');
        const promoted = expectSuccess(await send(world, world.tokens.global.approver, { method: 'POST', path: `/api/v1/promotions/${id}/approve`, body: { rationale: 'second of two' } }), 'a second approval');
        expect(promoted.body.status).toBe('promoted');
        const deploy = { method: 'POST', path: `/api/v1/environments/${ENVIRONMENTS.deploy}/deployments`, body: { version: promoted.body.version } };
        expectSod(await send(world, approver, deploy), 'version.deploy', 'sod:approver-is-not-deployer');
        expectSuccess(await send(world, world.tokens.alpha.maintainer, deploy), 'a deployment by someone who did not approve');
      });
    });

    describe('lists show only what the caller may read', () => {
      const namespacesOf = (items: { namespace?: string; name?: string }[], key: 'namespace' | 'name') => [...new Set(items.map((i) => i[key]))];

      it('shows a contributor in alpha only alpha in a model search', async () => {
        const found = await send(world, world.tokens.alpha.contributor, { method: 'GET', path: '/api/v1/models?limit=500' });
        expect(found.status).toBe(200);
        expect(namespacesOf(found.body.items, 'namespace')).toEqual(['alpha']);
        const asked = await send(world, world.tokens.alpha.contributor, { method: 'GET', path: '/api/v1/models?namespace=beta' });
        expect(asked.body.items).toEqual([]);
      });

      it('shows a contributor in alpha only alpha in a version search', async () => {
        const found = await send(world, world.tokens.alpha.contributor, { method: 'GET', path: '/api/v1/versions?limit=500' });
        expect(found.status).toBe(200);
        expect(namespacesOf(found.body.items, 'namespace')).toEqual(['alpha']);
        expect((await send(world, world.tokens.alpha.contributor, { method: 'GET', path: `/api/v1/versions?model=beta/${MODEL}` })).body.items).toEqual([]);
      });

      it('lists only namespace alpha to a contributor in alpha', async () => {
        const found = await send(world, world.tokens.alpha.contributor, { method: 'GET', path: '/api/v1/namespaces?limit=500' });
        expect(found.body.items.map((n: { name: string }) => n.name)).toEqual(['alpha']);
      });

      it('shows a global viewer both teams', async () => {
        const found = await send(world, world.tokens.global.viewer, { method: 'GET', path: '/api/v1/models?limit=500' });
        expect(namespacesOf(found.body.items, 'namespace').sort()).toEqual(['alpha', 'beta']);
      });

      // The handler filters the aliases by the namespaces the caller may read, but the guard (an Environment, no namespace) admits only global grants.
      it("shows a viewer in alpha an environment it can list, with alpha's aliases only", async () => {
        const token = world.tokens.alpha.viewer;
        const listed = await send(world, token, { method: 'GET', path: '/api/v1/environments' });
        expect(listed.body.items.map((e: { name: string }) => e.name)).toContain(ENVIRONMENTS.deploy);
        const env = await send(world, token, { method: 'GET', path: `/api/v1/environments/${ENVIRONMENTS.deploy}` });
        expect(env.status, JSON.stringify(env.body)).toBe(200);
        expect(namespacesOf(env.body.aliases.map((a: { model: string }) => ({ namespace: a.model.split('/')[0] })), 'namespace')).toEqual(['alpha']);
      });

      it('makes a contributor in alpha name a readable namespace for a diff, and hides beta', async () => {
        const token = world.tokens.alpha.contributor;
        expectOutcome(await send(world, token, { method: 'GET', path: '/api/v1/diff?from=0' }), 'forbidden', 'catalog.read');
        expect((await send(world, token, { method: 'GET', path: '/api/v1/diff?from=0&namespace=alpha' })).status).toBe(200);
        expectOutcome(await send(world, token, { method: 'GET', path: '/api/v1/diff?from=0&namespace=beta' }), 'hidden', 'catalog.read');
      });
    });

    describe('scoped tokens', () => {
      let viewerScoped: string;
      let alphaScoped: string;

      beforeAll(async () => {
        viewerScoped = await tokenFor(world.registry, 'user:scoped-admin', [{ role: 'admin' }], { roles: ['viewer'] });
        alphaScoped = await tokenFor(world.registry, 'user:scoped-admin', [], { namespaces: ['alpha'] });
      });

      it("lets an admin's token scoped to viewer read but not write", async () => {
        expect((await send(world, viewerScoped, { method: 'GET', path: `/api/v1/models/alpha/${MODEL}` })).status).toBe(200);
        expect((await send(world, viewerScoped, { method: 'GET', path: `/api/v1/models/beta/${MODEL}` })).status).toBe(200);
        expectOutcome(await send(world, viewerScoped, { method: 'PATCH', path: `/api/v1/models/alpha/${MODEL}`, body: { description: 'scoped' } }), 'forbidden', 'model.update');
        expectOutcome(await send(world, viewerScoped, { method: 'POST', path: '/api/v1/namespaces', body: { name: 'scoped-team' } }), 'forbidden', 'namespace.create');
        expectOutcome(await send(world, viewerScoped, { method: 'GET', path: '/api/v1/audit?limit=1' }), 'forbidden', 'audit.read');
      });

      it('refuses a viewer-scoped token minting an unscoped one', async () => {
        expectOutcome(await send(world, viewerScoped, { method: 'POST', path: '/api/v1/tokens', body: { name: 'wider' } }), 'forbidden', 'token.manage');
      });

      it("lets an admin's token scoped to alpha act in alpha but not touch beta", async () => {
        expect((await send(world, alphaScoped, { method: 'PATCH', path: `/api/v1/models/alpha/${MODEL}`, body: { description: 'scoped to alpha' } })).status).toBe(200);
        expectOutcome(await send(world, alphaScoped, { method: 'GET', path: `/api/v1/models/beta/${MODEL}` }), 'hidden', 'catalog.read');
        expectOutcome(await send(world, alphaScoped, { method: 'PATCH', path: `/api/v1/models/beta/${MODEL}`, body: { description: 'sneaky' } }), 'hidden', 'model.update');
        expectOutcome(await send(world, alphaScoped, { method: 'GET', path: `/api/v1/blobs/${world.blobs.beta.digest}` }), 'hidden', 'blob.read');
      });

      // Known bug: Authorizer.readableNamespaces (src/access/authorizer.ts) takes its candidates from namespaced
      // grants only, so a global grant used through an alpha-scoped token reads nothing in a list. Flip to it() once fixed.
      it("lists alpha's models, versions and namespace to an admin token scoped to alpha", async () => {
        const namespacesIn = async (path: string, key: 'namespace' | 'name') =>
          [...new Set((await send(world, alphaScoped, { method: 'GET', path })).body.items.map((row: Record<string, string>) => row[key]))];
        expect(await namespacesIn('/api/v1/models?limit=500', 'namespace')).toEqual(['alpha']);
        expect(await namespacesIn('/api/v1/versions?limit=500', 'namespace')).toEqual(['alpha']);
        expect(await namespacesIn('/api/v1/namespaces?limit=500', 'name')).toEqual(['alpha']);
      });

      it('keeps an alpha-scoped admin token off registry-wide actions', async () => {
        expectOutcome(await send(world, alphaScoped, { method: 'POST', path: '/api/v1/namespaces', body: { name: 'scoped-team' } }), 'forbidden', 'namespace.create');
        expectOutcome(await send(world, alphaScoped, { method: 'GET', path: '/api/v1/audit?limit=1' }), 'forbidden', 'audit.read');
      });
    });
  });
}

describe('actions with no route yet, decided by the authorizer itself', () => {
  const unrouted = actions.filter((action) => !probedActions.has(action));
  const authorizer = new Authorizer();
  const principal = (id: string, grants: readonly Grant[], groups: readonly string[] = []): Principal => ({ id, groups, grants, scope: UNSCOPED, authenticatedBy: 'token' });
  const holding = (role: Role, scope: GrantScope) => principal(`user:${scope}-${role}`, [{ role, namespace: scope === 'alpha' ? 'alpha' : null, via: 'binding' }]);
  const versionIn = (ns: string, attributes?: Resource['attributes']): Resource => ({ kind: 'Version', id: `${ns}/${MODEL}@1`, namespace: ns, attributes, hiddenAs: `Version ${ns}/${MODEL}@1 does not exist` });

  /** What authorize() does: nothing, or throws a RegistryError whose code and permission we read. */
  function outcomeOf(who: Principal, action: Action, resource: Resource): { outcome: Outcome; error?: RegistryError } {
    try {
      authorizer.authorize(who, action, resource);
      return { outcome: 'allowed' };
    } catch (error) {
      if (!(error instanceof RegistryError)) throw error;
      return { outcome: error.code === 'not_found' ? 'hidden' : 'forbidden', error };
    }
  }

  it('covers exactly the actions that have no route today', () => {
    expect(unrouted.sort()).toEqual(['catalog.read_sensitive', 'evidence.export']);
  });

  const cases = roles.flatMap((role) =>
    grantScopes.flatMap((scope) =>
      unrouted.flatMap((action) =>
        (['alpha', 'beta'] as const).map((ns) => {
          const reaches = scope === 'global' || (ns === 'alpha' && !globalActions.has(action));
          const outcome: Outcome = reaches && roleAllows(role, action) ? 'allowed' : scope === 'alpha' && ns === 'beta' ? 'hidden' : 'forbidden';
          return { name: `${role} ${where(scope)} ${verdict[outcome]} ${action} on ${ns}'s version`, role, scope, action, ns, outcome };
        }),
      ),
    ),
  );

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, { role, scope, action, ns, outcome }) => {
    const decided = outcomeOf(holding(role, scope), action, versionIn(ns));
    expect(decided.outcome, decided.error?.message).toBe(outcome);
    if (outcome === 'forbidden') expect(decided.error!.extensions).toMatchObject({ permission: action });
  });

  describe('separation of duties', () => {
    const alice = principal('user:alice', [{ role: 'admin', namespace: null, via: 'binding' }], ['group:ml-admins']);
    const bob = principal('user:bob', [{ role: 'admin', namespace: null, via: 'binding' }]);
    const permitAll = new Authorizer(new PolicyEngine([{ id: 'custom:x', text: 'permit(principal, action, resource);' }]));
    const refusal = (decide: () => void) => {
      try {
        decide();
      } catch (error) {
        return error as RegistryError;
      }
      throw new Error('expected a refusal');
    };

    it('refuses an admin approving the promotion of a version they authored, and lets another admin approve it', () => {
      const authored = versionIn('alpha', { authors: [principalRef('user:alice')] });
      const error = refusal(() => authorizer.authorize(alice, 'promotion.approve', authored));
      expect(error).toMatchObject({ code: 'forbidden', extensions: { permission: 'promotion.approve', policy: 'sod:no-self-approval' } });
      expect(refusal(() => authorizer.authorize(alice, 'review.sign', authored)).extensions).toMatchObject({ policy: 'sod:no-self-approval' });
      expect(() => authorizer.authorize(bob, 'promotion.approve', authored)).not.toThrow();
    });

    it('refuses an admin approving a change to a version they asked for or authored', () => {
      const asked = versionIn('alpha', { authors: [principalRef('user:alice')] });
      expect(refusal(() => permitAll.authorize(alice, 'change.approve', asked)).extensions).toMatchObject({ permission: 'change.approve', policy: 'sod:no-self-approval' });
      expect(() => authorizer.authorize(bob, 'change.approve', asked)).not.toThrow();
    });

    it('refuses an admin deploying a high-risk version they approved, even under a permit-everything policy', () => {
      const approved = versionIn('alpha', { riskTier: 'high', approvers: [principalRef('user:alice')] });
      for (const deciding of [authorizer, permitAll]) {
        expect(refusal(() => deciding.authorize(alice, 'version.deploy', approved)).extensions).toMatchObject({ permission: 'version.deploy', policy: 'sod:approver-is-not-deployer' });
        expect(() => deciding.authorize(bob, 'version.deploy', approved)).not.toThrow();
      }
    });

    it('lets the approver of a low-risk version deploy it', () => {
      expect(() => authorizer.authorize(alice, 'version.deploy', versionIn('alpha', { riskTier: 'low', approvers: [principalRef('user:alice')] }))).not.toThrow();
    });

    it('refuses the deployer of a critical version approving its promotion', () => {
      const deployed = versionIn('alpha', { riskTier: 'critical', deployers: [principalRef('user:alice')] });
      expect(refusal(() => permitAll.authorize(alice, 'promotion.approve', deployed)).extensions).toMatchObject({ policy: 'sod:deployer-is-not-approver' });
    });

    it('refuses an admin approving their own elevation', () => {
      const own: Resource = { kind: 'Elevation', id: 'e1', namespace: null, attributes: { requester: principalRef('user:alice'), role: 'admin' } };
      expect(refusal(() => permitAll.authorize(alice, 'elevation.approve', own)).extensions).toMatchObject({ policy: 'sod:no-self-elevation' });
      expect(() => authorizer.authorize(bob, 'elevation.approve', own)).not.toThrow();
    });

    it('refuses an admin granting a role to themselves or to a group they belong to', () => {
      const toSelf: Resource = { kind: 'Binding', id: 'new', namespace: null, attributes: { grantee: principalRef('user:alice') } };
      const toOwnGroup: Resource = { kind: 'Binding', id: 'new', namespace: null, attributes: { grantee: principalRef('group:ml-admins') } };
      expect(refusal(() => permitAll.authorize(alice, 'grant.manage', toSelf)).extensions).toMatchObject({ policy: 'sod:no-self-grant' });
      expect(refusal(() => permitAll.authorize(alice, 'grant.manage', toOwnGroup)).extensions).toMatchObject({ policy: 'sod:no-self-grant' });
      expect(() => authorizer.authorize(bob, 'grant.manage', toOwnGroup)).not.toThrow();
    });

    it('lets an added permit policy allow what no role does', () => {
      expect(() => permitAll.authorize(principal('user:nobody', []), 'evidence.export')).not.toThrow();
      expect(() => authorizer.authorize(principal('user:nobody', []), 'evidence.export')).toThrow(RegistryError);
    });
  });
});
