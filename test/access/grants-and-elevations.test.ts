import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callAs, dialects, discardTestRegistry, startTestRegistry, type TestRegistry, tokenFor } from '../support/test-registry.js';

const MINUTE = 60_000;
const DAY = 86_400_000;

describe.each(dialects)('grants, tokens and elevations on $name', ({ name: dialect, skip }) => {
  let registry: TestRegistry;
  let now = Date.now();
  const advance = (ms: number) => {
    now += ms;
  };
  let securityA: string;
  let securityB: string;
  let alice: string;

  const changes = async (action: string) => (await registry.api('GET', `/api/v1/audit?kind=change&action=${action}&limit=100`)).body.items as { actor: string; subject: string; reason?: string | null }[];

  beforeAll(async () => {
    if (skip) return;
    registry = await startTestRegistry(dialect, { clock: () => new Date(now) });
    expect((await registry.api('POST', '/api/v1/namespaces', { name: 'risk' })).status).toBe(201);
    securityA = await tokenFor(registry, 'user:sam', [{ role: 'security-admin' }], { expiresInDays: 90 });
    securityB = await tokenFor(registry, 'user:sue', [{ role: 'security-admin' }], { expiresInDays: 90 });
    alice = await tokenFor(registry, 'user:alice', [{ role: 'contributor', namespace: 'risk' }]);
  });
  afterAll(async () => {
    if (registry) await discardTestRegistry(registry);
  });

  describe('just-in-time elevation', () => {
    it.skipIf(skip)('is approved by a security admin other than the requester, and lapses by itself', async () => {
      const asked = await callAs(registry, alice, 'POST', '/api/v1/elevations', { role: 'maintainer', namespace: 'risk', durationMinutes: 60, justification: 'hotfix rollout INC-4711' });
      expect(asked.status).toBe(201);
      // Before approval she is still a contributor.
      expect((await callAs(registry, alice, 'PUT', '/api/v1/namespaces/risk/schemas/model', { type: 'object' })).status).toBe(403);
      const approved = await callAs(registry, securityA, 'POST', `/api/v1/elevations/${asked.body.id}/approve`, { reason: 'INC-4711 is open' });
      expect(approved.status).toBe(200);
      expect(approved.body).toMatchObject({ status: 'approved', decidedBy: 'user:sam', requester: 'user:alice', expiresAt: new Date(now + 60 * MINUTE).toISOString() });
      expect((await callAs(registry, alice, 'GET', '/api/v1/whoami')).body.grants).toContainEqual({ role: 'maintainer', namespace: 'risk', via: `elevation:${asked.body.id}` });
      expect((await callAs(registry, alice, 'PUT', '/api/v1/namespaces/risk/schemas/model', { type: 'object' })).status).toBe(200);
      advance(59 * MINUTE);
      expect((await callAs(registry, alice, 'DELETE', '/api/v1/namespaces/risk/schemas/model')).status).toBe(200);
      advance(2 * MINUTE);
      const lapsed = await callAs(registry, alice, 'PUT', '/api/v1/namespaces/risk/schemas/model', { type: 'object' });
      expect(lapsed.status).toBe(403);
      expect(lapsed.body).toMatchObject({ code: 'forbidden', permission: 'namespace.configure' });
    });

    it.skipIf(skip)('refuses self-approval, even to a security admin', async () => {
      const asked = await callAs(registry, securityA, 'POST', '/api/v1/elevations', { role: 'admin', durationMinutes: 30, justification: 'rotate the ledger key' });
      expect(asked.status).toBe(201);
      const self = await callAs(registry, securityA, 'POST', `/api/v1/elevations/${asked.body.id}/approve`, { reason: 'trust me' });
      expect(self.status).toBe(403);
      expect(self.body).toMatchObject({ code: 'forbidden', policy: 'sod:no-self-elevation' });
      // Someone else may deny it, with a reason.
      expect((await callAs(registry, securityB, 'POST', `/api/v1/elevations/${asked.body.id}/deny`, {})).status).toBe(400);
      const denied = await callAs(registry, securityB, 'POST', `/api/v1/elevations/${asked.body.id}/deny`, { reason: 'use the break-glass account' });
      expect(denied.body).toMatchObject({ status: 'denied', decidedBy: 'user:sue', decisionReason: 'use the break-glass account' });
      expect((await callAs(registry, securityA, 'POST', `/api/v1/elevations/${asked.body.id}/approve`, { reason: 'second try' })).status).toBe(403);
      expect((await callAs(registry, securityB, 'POST', `/api/v1/elevations/${asked.body.id}/approve`, { reason: 'changed my mind' })).body).toMatchObject({ code: 'invalid_state' });
    });

    it.skipIf(skip)('is refused to a contributor who may not approve', async () => {
      const asked = await callAs(registry, securityA, 'POST', '/api/v1/elevations', { role: 'auditor', durationMinutes: 10, justification: 'quarterly review' });
      const refused = await callAs(registry, alice, 'POST', `/api/v1/elevations/${asked.body.id}/approve`, { reason: 'sure' });
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ permission: 'elevation.approve' });
    });

    it.skipIf(skip)('is ledgered from request to decision', async () => {
      const requested = await changes('elevation.requested');
      expect(requested.map((e) => e.actor)).toEqual(expect.arrayContaining(['user:alice', 'user:sam']));
      expect(requested.find((e) => e.actor === 'user:alice')).toMatchObject({ reason: 'hotfix rollout INC-4711' });
      expect(await changes('elevation.approved')).toEqual([expect.objectContaining({ actor: 'user:sam', reason: 'INC-4711 is open' })]);
      expect(await changes('elevation.denied')).toEqual([expect.objectContaining({ actor: 'user:sue', reason: 'use the break-glass account' })]);
    });
  });

  describe('grants', () => {
    it.skipIf(skip)('are refused to oneself, even to an admin, directly or through a group', async () => {
      const self = await registry.api('POST', '/api/v1/bindings', { principal: 'user:admin', role: 'auditor', reason: 'I want to read more' });
      expect(self.status).toBe(403);
      expect(self.body).toMatchObject({ policy: 'sod:no-self-grant' });
      const joining = await registry.api('PUT', '/api/v1/groups/group:auditors/members/user:admin');
      expect(joining.body).toMatchObject({ policy: 'sod:no-self-grant' });
      const sam = await callAs(registry, securityA, 'POST', '/api/v1/bindings', { principal: 'user:sam', role: 'admin', reason: 'promote myself' });
      expect(sam.body).toMatchObject({ code: 'forbidden', policy: 'sod:no-self-grant' });
    });

    it.skipIf(skip)('take effect and stop at once, and each grant and revocation is ledgered with its reason', async () => {
      const bob = await tokenFor(registry, 'user:bob', [{ role: 'viewer', namespace: 'risk' }]);
      expect((await callAs(registry, bob, 'POST', '/api/v1/models', { namespace: 'risk', name: 'bobs' })).status).toBe(403);
      const granted = await callAs(registry, securityA, 'POST', '/api/v1/bindings', { principal: 'user:bob', role: 'contributor', namespace: 'risk', reason: 'joined the risk team' });
      expect(granted.status).toBe(201);
      expect((await callAs(registry, bob, 'POST', '/api/v1/models', { namespace: 'risk', name: 'bobs' })).status).toBe(201);
      expect((await callAs(registry, securityA, 'DELETE', `/api/v1/bindings/${granted.body.id}?reason=left+the+team`)).status).toBe(204);
      expect((await callAs(registry, bob, 'PATCH', '/api/v1/models/risk/bobs', { description: 'still mine?' })).status).toBe(403);
      expect(await changes('binding.granted')).toContainEqual(expect.objectContaining({ actor: 'user:sam', subject: `mk:binding:${granted.body.id}`, reason: 'joined the risk team' }));
      expect(await changes('binding.revoked')).toContainEqual(expect.objectContaining({ actor: 'user:sam', subject: `mk:binding:${granted.body.id}`, reason: 'left the team' }));
    });

    it.skipIf(skip)("are listed to whoever may grant in a namespace for that namespace only, and in full to reviewers", async () => {
      const local = await tokenFor(registry, 'user:nadia', [{ role: 'security-admin', namespace: 'risk' }]);
      const risk = await callAs(registry, local, 'GET', '/api/v1/bindings?namespace=risk');
      expect(risk.status).toBe(200);
      expect(risk.body.items.every((b: { namespace: string }) => b.namespace === 'risk')).toBe(true);
      expect(risk.body.items.map((b: { principal: string }) => b.principal)).toContain('user:alice');
      expect((await callAs(registry, local, 'GET', '/api/v1/bindings')).body).toMatchObject({ code: 'forbidden', permission: 'access.review' });
      expect((await callAs(registry, securityA, 'GET', '/api/v1/bindings')).body.items.length).toBeGreaterThan(risk.body.items.length);
    });

    it.skipIf(skip)('through a group reach its members, and stop when they leave it', async () => {
      const carl = await tokenFor(registry, 'user:carl', [{ role: 'viewer', namespace: 'risk' }]);
      await callAs(registry, securityA, 'POST', '/api/v1/bindings', { principal: 'group:risk-writers', role: 'contributor', namespace: 'risk', reason: 'the team writes here' });
      expect((await callAs(registry, securityA, 'PUT', '/api/v1/groups/group:risk-writers/members/user:carl')).status).toBe(204);
      expect((await callAs(registry, carl, 'GET', '/api/v1/whoami')).body.grants).toContainEqual({ role: 'contributor', namespace: 'risk', via: 'group:risk-writers' });
      expect((await callAs(registry, carl, 'POST', '/api/v1/models', { namespace: 'risk', name: 'carls' })).status).toBe(201);
      expect((await callAs(registry, securityA, 'DELETE', '/api/v1/groups/group:risk-writers/members/user:carl')).status).toBe(204);
      expect((await callAs(registry, carl, 'POST', '/api/v1/models', { namespace: 'risk', name: 'carls-2' })).status).toBe(403);
    });
  });

  describe('API tokens', () => {
    it.skipIf(skip)('always expire: short for users by default, longer for service accounts, never beyond the limit', async () => {
      const user = await registry.api('POST', '/api/v1/tokens', { name: 'laptop' });
      expect(Date.parse(user.body.expiresAt) - now).toBe(7 * DAY);
      await registry.api('POST', '/api/v1/bindings', { principal: 'service:ci', role: 'contributor', namespace: 'risk', reason: 'CI registers models' });
      const service = await registry.api('POST', '/api/v1/tokens', { name: 'ci', principal: 'service:ci' });
      expect(Date.parse(service.body.expiresAt) - now).toBe(30 * DAY);
      expect((await registry.api('POST', '/api/v1/tokens', { name: 'forever', expiresInDays: 365 })).body).toMatchObject({ code: 'invalid_request' });
      const ci = service.body.token as string;
      expect((await callAs(registry, ci, 'GET', '/api/v1/whoami')).status).toBe(200);
      advance(30 * DAY + MINUTE);
      const expired = await callAs(registry, ci, 'GET', '/api/v1/whoami');
      expect(expired.status).toBe(401);
      expect(expired.body.detail).toMatch(/expired/);
      const review = (await callAs(registry, securityA, 'GET', '/api/v1/access/review')).body;
      expect(review.tokens).toContainEqual(expect.objectContaining({ id: service.body.id, flags: ['expired_not_revoked'] }));
    });

    it.skipIf(skip)('are scoped to a subset of their holder, and never mint a wider one', async () => {
      expect((await registry.api('POST', '/api/v1/namespaces', { name: 'fraud' })).status).toBe(201);
      const scoped = await registry.api('POST', '/api/v1/tokens', { name: 'risk-only', namespaces: ['risk'], roles: ['contributor'] });
      const token = scoped.body.token as string;
      expect((await callAs(registry, token, 'POST', '/api/v1/models', { namespace: 'risk', name: 'scoped' })).status).toBe(201);
      expect((await callAs(registry, token, 'POST', '/api/v1/models', { namespace: 'fraud', name: 'scoped' })).status).toBe(404);
      expect((await callAs(registry, token, 'POST', '/api/v1/namespaces', { name: 'nope' })).status).toBe(403);
      const wider = await callAs(registry, token, 'POST', '/api/v1/tokens', { name: 'wider' });
      expect(wider.body).toMatchObject({ code: 'forbidden' });
      const narrower = await callAs(registry, token, 'POST', '/api/v1/tokens', { name: 'narrower', namespaces: ['risk'], roles: ['viewer'] });
      expect(narrower.status).toBe(201);
      expect((await callAs(registry, narrower.body.token, 'POST', '/api/v1/models', { namespace: 'risk', name: 'nope' })).status).toBe(403);
    });

    it.skipIf(skip)('rotate: the new secret works, the old one stops after its grace period', async () => {
      const issued = await registry.api('POST', '/api/v1/tokens', { name: 'deployer', roles: ['viewer'] });
      const rotated = await registry.api('POST', `/api/v1/tokens/${issued.body.id}/rotate`, { graceSeconds: 300 });
      expect(rotated.status).toBe(201);
      expect(rotated.body).toMatchObject({ name: 'deployer', roles: ['viewer'], principal: 'user:admin' });
      expect((await callAs(registry, rotated.body.token, 'GET', '/api/v1/whoami')).status).toBe(200);
      expect((await callAs(registry, issued.body.token, 'GET', '/api/v1/whoami')).status).toBe(200);
      advance(301_000);
      expect((await callAs(registry, issued.body.token, 'GET', '/api/v1/whoami')).status).toBe(401);
      expect((await callAs(registry, rotated.body.token, 'GET', '/api/v1/whoami')).status).toBe(200);
      expect(await changes('token.rotated')).toContainEqual(expect.objectContaining({ actor: 'user:admin', subject: `mk:token:${issued.body.id}` }));
    });

    it.skipIf(skip)('stop at once when revoked, keep their last use, and are listed for their holder only', async () => {
      const own = await tokenFor(registry, 'user:dora', [{ role: 'viewer', namespace: 'risk' }]);
      expect((await callAs(registry, own, 'GET', '/api/v1/models')).status).toBe(200);
      await registry.server.registry.tokens.flushUsage();
      const mine = (await callAs(registry, own, 'GET', '/api/v1/tokens')).body.items;
      expect(mine).toHaveLength(1);
      expect(mine[0]).toMatchObject({ principal: 'user:dora', lastUsedAt: new Date(now).toISOString() });
      expect((await callAs(registry, own, 'GET', '/api/v1/tokens?principal=user:admin')).status).toBe(403);
      expect((await callAs(registry, own, 'DELETE', `/api/v1/tokens/${mine[0].id}`)).status).toBe(204);
      const refused = await callAs(registry, own, 'GET', '/api/v1/models');
      expect(refused.status).toBe(401);
      expect(refused.body.detail).toMatch(/revoked/);
    });
  });

  describe('the audit log', () => {
    it.skipIf(skip)('holds every refusal with who was refused, and every grant, revocation and elevation as changes', async () => {
      await registry.server.registry.access.flush();
      const access = (await callAs(registry, securityA, 'GET', '/api/v1/audit?kind=access&limit=500')).body.items as { actor: string; action: string; status: number }[];
      expect(access).toContainEqual(expect.objectContaining({ actor: 'user:sam', action: 'write.refused', status: 403 }));
      expect(access).toContainEqual(expect.objectContaining({ actor: 'user:dora', action: 'models.search', status: 401 }));
      expect(access).toContainEqual(expect.objectContaining({ actor: 'user:alice', action: 'write.refused', status: 403 }));
      for (const action of ['binding.granted', 'binding.revoked', 'group.member_added', 'group.member_removed', 'token.created', 'token.revoked', 'elevation.requested', 'elevation.approved', 'elevation.denied']) {
        expect((await changes(action)).length, action).toBeGreaterThan(0);
      }
    });
  });
});
