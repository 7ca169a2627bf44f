import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../src/server/open-registry.js';
import { ModelKeepClient, type Role } from '../../src/sdk/index.js';
import { failure } from './expect-api-error.js';

describe('AccessApi and TokensApi against a real registry', { timeout: 30_000 }, () => {
  let scratch: string;
  let server: RunningServer;
  let admin: ModelKeepClient;

  const clientFor = (token: string) => new ModelKeepClient({ baseUrl: server.url, token });
  /** A client acting as `principal`, after granting it `grants` as the admin. */
  async function actingAs(principal: string, grants: readonly { role: Role; namespace?: string }[]): Promise<ModelKeepClient> {
    for (const grant of grants) await admin.access.grant({ principal, ...grant, reason: 'set up by the test' });
    const issued = await admin.tokens.issue({ name: `t-${randomBytes(3).toString('hex')}`, principal });
    return clientFor(issued.token);
  }

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'modelkeep-sdk-access-'));
    const adminToken = randomBytes(32).toString('base64url');
    server = await startServer({ dataDir: join(scratch, 'data'), host: '127.0.0.1', port: 0, adminToken });
    admin = new ModelKeepClient({ baseUrl: server.url, token: adminToken });
    await admin.namespaces.create({ name: 'fraud' });
  });

  afterAll(async () => {
    await server?.close();
    await rm(scratch, { recursive: true, force: true });
  });

  it('reads the permission matrix: every role, and what each action allows', async () => {
    const matrix = await admin.access.roles();
    expect(matrix.roles.map((r) => r.role)).toEqual(['viewer', 'contributor', 'maintainer', 'approver', 'compliance', 'auditor', 'security-admin', 'admin']);
    const actionsOf = (role: string) => matrix.roles.find((r) => r.role === role)!.actions;
    expect(actionsOf('admin')).toEqual(matrix.actions.map((a) => a.action));
    expect(actionsOf('auditor')).toContain('access.review');
    expect(actionsOf('auditor')).not.toContain('blob.read');
    expect(matrix.actions.find((a) => a.action === 'grant.manage')?.description).toMatch(/grant/);
  });

  it('grants a namespace role that the holder then has, and stops counting it once revoked', async () => {
    const { id } = await admin.access.grant({ principal: 'user:alice', role: 'maintainer', namespace: 'fraud', reason: 'joins the fraud team' });
    expect(await admin.access.bindings({ principal: 'user:alice' })).toEqual([
      expect.objectContaining({ id, principal: 'user:alice', role: 'maintainer', namespace: 'fraud', via: 'binding', reason: 'joins the fraud team', createdBy: 'user:admin', expiresAt: null }),
    ]);
    const alice = clientFor((await admin.tokens.issue({ name: 'alice-laptop', principal: 'user:alice' })).token);
    expect(await alice.whoami()).toMatchObject({ principal: 'user:alice', roles: ['maintainer'], grants: [{ role: 'maintainer', namespace: 'fraud', via: 'binding' }] });

    await admin.access.revokeBinding(id, { reason: 'left the team' });
    expect(await admin.access.bindings({ principal: 'user:alice' })).toEqual([]);
    expect(await alice.whoami()).toMatchObject({ roles: [], grants: [] });
    expect(await failure(admin.access.revokeBinding(id))).toMatchObject({ code: 'not_found', status: 404 });
  });

  it('refuses a second identical grant, a grant in a namespace that does not exist, and a token for someone with no such grant', async () => {
    await admin.access.grant({ principal: 'service:ci', role: 'contributor', namespace: 'fraud', reason: 'CI pushes models' });
    expect(await failure(admin.access.grant({ principal: 'service:ci', role: 'contributor', namespace: 'fraud', reason: 'again' }))).toMatchObject({ code: 'already_exists' });
    expect(await failure(admin.access.grant({ principal: 'service:ci', role: 'viewer', namespace: 'nowhere', reason: 'typo' }))).toMatchObject({ code: 'not_found' });
    const refused = await failure(admin.tokens.issue({ name: 'too-wide', principal: 'service:ci', roles: ['maintainer'] }));
    expect(refused).toMatchObject({ code: 'invalid_request', status: 400 });
    expect(refused.detail).toMatch(/grant it first/);
  });

  it("lets group members take on the group's grants, until they are removed", async () => {
    await admin.access.grant({ principal: 'group:analysts', role: 'viewer', reason: 'analysts read the catalog' });
    const bob = await actingAs('user:bob', [{ role: 'contributor', namespace: 'fraud' }]);
    await admin.access.addMember('group:analysts', 'user:bob');
    expect(await bob.whoami()).toMatchObject({ groups: ['group:analysts'], grants: expect.arrayContaining([{ role: 'viewer', namespace: null, via: 'group:analysts' }]) });
    expect(await failure(admin.access.addMember('group:analysts', 'user:bob'))).toMatchObject({ code: 'already_exists' });

    await admin.access.removeMember('group:analysts', 'user:bob');
    expect((await bob.whoami()).groups).toEqual([]);
    expect(await failure(admin.access.removeMember('group:analysts', 'user:bob'))).toMatchObject({ code: 'not_found' });
  });

  it('adds a Cedar policy that takes effect at once, lists it by the id it was set under, and removes it', async () => {
    const text = 'forbid(principal, action == Action::"namespace.create", resource);';
    await admin.access.setPolicy('no-new-namespaces', { text, description: 'Freeze the team list', reason: 'reorganisation' });
    expect(await admin.access.policies()).toEqual([{ id: 'no-new-namespaces', text, description: 'Freeze the team list', updatedAt: expect.any(String), updatedBy: 'user:admin' }]);
    expect(await failure(admin.namespaces.create({ name: 'frozen' }))).toMatchObject({ code: 'forbidden' });

    await admin.access.removePolicy('no-new-namespaces');
    expect(await admin.access.policies()).toEqual([]);
    expect(await admin.namespaces.create({ name: 'thawed' })).toMatchObject({ name: 'thawed' });
    expect(await failure(admin.access.removePolicy('no-new-namespaces'))).toMatchObject({ code: 'not_found' });
  });

  it('refuses a policy that does not parse, with the parse error', async () => {
    const error = await failure(admin.access.setPolicy('broken', { text: 'forbid(principal, action ==, resource);', description: 'broken', reason: 'a typo' }));
    expect(error).toMatchObject({ code: 'invalid_request', status: 400 });
    expect(error.detail).toMatch(/does not parse/);
  });

  it('elevates for a bounded time only with the approval of someone other than the requester', async () => {
    const dana = await actingAs('user:dana', [{ role: 'contributor', namespace: 'fraud' }]);
    const security = await actingAs('user:sec', [{ role: 'security-admin' }]);
    const { id } = await dana.access.requestElevation({ role: 'maintainer', namespace: 'fraud', durationMinutes: 30, justification: 'roll back INC-1234' });
    expect(await dana.access.elevations()).toEqual([expect.objectContaining({ id, requester: 'user:dana', status: 'pending', durationSeconds: 1800, expiresAt: null })]);

    const own = await failure(dana.access.approveElevation(id, 'I need it'));
    expect(own).toMatchObject({ code: 'forbidden', status: 403 });
    const selfApprover = await failure(security.access.approveElevation((await security.access.requestElevation({ role: 'admin', durationMinutes: 10, justification: 'just me' })).id, 'trust me'));
    expect(selfApprover.extensions).toMatchObject({ policy: 'sod:no-self-elevation' });

    expect((await security.access.elevations({ status: 'pending' })).map((e) => e.id)).toContain(id);
    const before = Date.now();
    const approved = await security.access.approveElevation(id, 'on call, approved');
    expect(approved).toMatchObject({ id, status: 'approved', decidedBy: 'user:sec', decisionReason: 'on call, approved' });
    expect(Date.parse(approved.expiresAt!) - before).toBeGreaterThanOrEqual(30 * 60_000 - 1000);
    expect(await dana.whoami()).toMatchObject({ roles: ['contributor', 'maintainer'], grants: expect.arrayContaining([{ role: 'maintainer', namespace: 'fraud', via: `elevation:${id}` }]) });
    expect(await failure(security.access.denyElevation(id, 'too late'))).toMatchObject({ code: 'invalid_state' });

    const second = await dana.access.requestElevation({ role: 'maintainer', namespace: 'fraud', durationMinutes: 5, justification: 'one more deploy' });
    expect(await security.access.denyElevation(second.id, 'use the pipeline')).toMatchObject({ status: 'denied', decidedBy: 'user:sec' });
    expect((await dana.access.elevations({ status: 'denied' })).map((e) => e.id)).toEqual([second.id]);
  });

  it('refuses an elevation asked with a scoped token', async () => {
    await admin.access.grant({ principal: 'user:erin', role: 'viewer', reason: 'reads' });
    const scoped = clientFor((await admin.tokens.issue({ name: 'erin-scoped', principal: 'user:erin', roles: ['viewer'] })).token);
    const error = await failure(scoped.access.requestElevation({ role: 'admin', durationMinutes: 5, justification: 'please' }));
    expect(error).toMatchObject({ code: 'forbidden' });
    expect(error.detail).toMatch(/scoped token/);
  });

  it('reviews access with groups expanded to their members', async () => {
    await admin.access.grant({ principal: 'group:reviewers', role: 'approver', namespace: 'fraud', reason: 'sign reviews' });
    await actingAs('user:frank', [{ role: 'viewer' }]);
    await admin.access.addMember('group:reviewers', 'user:frank');
    const review = await admin.access.review({ unusedDays: 30 });
    expect(review.unusedDays).toBe(30);
    expect(review.summary.grants).toBe(review.grants.length);
    expect(review.grants).toContainEqual(expect.objectContaining({ principal: 'user:frank', role: 'approver', namespace: 'fraud', through: 'group:reviewers', flags: [] }));
    expect(review.grants).toContainEqual(expect.objectContaining({ principal: 'user:admin', role: 'admin', through: 'bootstrap' }));
  });

  it('lets an auditor review access but not change it', async () => {
    const auditor = await actingAs('user:audrey', [{ role: 'auditor' }]);
    expect((await auditor.access.review()).unusedDays).toBe(90);
    expect(await failure(auditor.access.grant({ principal: 'user:audrey', role: 'admin', reason: 'why not' }))).toMatchObject({ code: 'forbidden' });
  });

  it('reports a revoked token presented again as a security event', async () => {
    const issued = await admin.tokens.issue({ name: 'leaked', principal: 'user:admin' });
    await admin.tokens.revoke(issued.id);
    expect(await failure(clientFor(issued.token).whoami())).toMatchObject({ code: 'unauthenticated' });
    await expect.poll(async () => (await admin.access.securityEvents({ principal: 'user:admin', kind: 'revoked_token_used' })).length, { timeout: 5000 }).toBe(1);
    const [event] = await admin.access.securityEvents({ limit: 1 });
    expect(event).toMatchObject({ kind: 'revoked_token_used', principal: 'user:admin', summary: expect.stringContaining('revoked token'), detail: expect.any(Object) });
  });

  it('lists tokens with their scope and rotates one: the new secret works and the old one stops', async () => {
    await admin.access.grant({ principal: 'service:trainer', role: 'contributor', namespace: 'fraud', reason: 'training jobs' });
    const issued = await admin.tokens.issue({ name: 'trainer', principal: 'service:trainer', namespaces: ['fraud'] });
    expect(await admin.tokens.list({ principal: 'service:trainer' })).toEqual([
      expect.objectContaining({ id: issued.id, name: 'trainer', principal: 'service:trainer', roles: null, namespaces: ['fraud'], revokedAt: null, lastUsedAt: null }),
    ]);
    const rotated = await admin.tokens.rotate(issued.id);
    expect(rotated).toMatchObject({ name: 'trainer', principal: 'service:trainer', namespaces: ['fraud'] });
    expect(rotated.id).not.toBe(issued.id);
    expect(await clientFor(rotated.token).whoami()).toMatchObject({ principal: 'service:trainer', scope: { roles: null, namespaces: ['fraud'] } });
    expect(await failure(clientFor(issued.token).whoami())).toMatchObject({ code: 'unauthenticated' });
  });

  it('keeps the old secret working for the grace period asked', async () => {
    const issued = await admin.tokens.issue({ name: 'deploy', principal: 'user:admin', roles: ['viewer'] });
    const rotated = await admin.tokens.rotate(issued.id, { graceSeconds: 600, expiresInDays: 2 });
    expect(Date.parse(rotated.expiresAt) - Date.now()).toBeLessThanOrEqual(2 * 86_400_000);
    expect(await clientFor(issued.token).whoami()).toMatchObject({ principal: 'user:admin', scope: { roles: ['viewer'] } });
    expect(await clientFor(rotated.token).whoami()).toMatchObject({ principal: 'user:admin', roles: ['viewer'] });
  });

  it("lists only the caller's own tokens without token.manage, and refuses someone else's", async () => {
    const gina = await actingAs('user:gina', [{ role: 'viewer' }]);
    const own = await gina.tokens.issue({ name: 'gina-2' });
    expect(own.principal).toBe('user:gina');
    expect((await gina.tokens.list()).map((t) => t.principal)).toEqual(['user:gina', 'user:gina']);
    expect(await failure(gina.tokens.list({ principal: 'user:admin' }))).toMatchObject({ code: 'forbidden' });
    const adminsTokens = async () => (await admin.tokens.list({ principal: 'user:admin' })).map((t) => t.id);
    const before = await adminsTokens();
    // Refused as forbidden, or as not_found where the server hides tokens from callers who cannot read their scope.
    expect((await failure(gina.tokens.rotate(before[0]!))).code).toBeOneOf(['forbidden', 'not_found']);
    expect(await adminsTokens()).toEqual(before);
  });
});
