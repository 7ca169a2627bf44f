import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiResponse, callAs, dialects, discardTestRegistry, startTestRegistry, type TestRegistry, tokenFor, uploadBlob } from '../support/test-registry.js';

const NO_APPROVER_DOWNLOADS = 'forbid(principal, action == Action::"blob.read", resource) when { context.roles.contains("approver") };';
const PERMIT_EVERYTHING = 'permit(principal, action, resource);';

describe.each(dialects)('policies added by a security admin, on $name', ({ name: dialect, skip }) => {
  let registry: TestRegistry;
  let blob: { digest: string; size: number };
  let securityAdmin: string;
  let alphaSecurityAdmin: string;
  let approver: string;
  let contributor: string;
  let viewer: string;

  beforeAll(async () => {
    if (skip) return;
    registry = await startTestRegistry(dialect);
    expect((await registry.api('POST', '/api/v1/namespaces', { name: 'alpha' })).status).toBe(201);
    blob = await uploadBlob(registry, 'alpha weights');
    expect((await registry.api('POST', '/api/v1/models', { namespace: 'alpha', name: 'scorer' })).status).toBe(201);
    expect((await registry.api('POST', '/api/v1/models/alpha/scorer/versions', { manifest: [{ path: 'w.bin', sha256: blob.digest, size: blob.size }] })).status).toBe(201);
    [securityAdmin, alphaSecurityAdmin, approver, contributor, viewer] = await Promise.all([
      tokenFor(registry, 'user:sasha', [{ role: 'security-admin' }]),
      tokenFor(registry, 'user:nina', [{ role: 'security-admin', namespace: 'alpha' }]),
      tokenFor(registry, 'user:april', [{ role: 'approver', namespace: 'alpha' }]),
      tokenFor(registry, 'user:cody', [{ role: 'contributor', namespace: 'alpha' }]),
      tokenFor(registry, 'user:val', [{ role: 'viewer', namespace: 'alpha' }]),
    ]);
  });
  afterAll(async () => {
    if (registry) await discardTestRegistry(registry);
  });

  const download = (token: string) => callAs(registry, token, 'GET', `/api/v1/blobs/${blob.digest}`);
  const setPolicy = (token: string, id: string, text: string, reason = 'a test needs it') =>
    callAs(registry, token, 'PUT', `/api/v1/policies/${id}`, { text, description: `policy ${id}`, reason });
  const policyChanges = async (id: string): Promise<any[]> => {
    const answer = await registry.api('GET', `/api/v1/audit?kind=change&subject=${encodeURIComponent(`mk:policy:custom:${id}`)}`);
    expect(answer.status).toBe(200);
    return answer.body.items;
  };
  const storedPolicies = async (): Promise<{ id: string; text: string }[]> => {
    const answer = await callAs(registry, securityAdmin, 'GET', '/api/v1/policies');
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return answer.body.items;
  };
  const expectStatus = (answer: ApiResponse, status: number) => expect(answer.status, JSON.stringify(answer.body)).toBe(status);

  it.skipIf(skip)("refuses an approver's download from the moment a forbid is added, naming the policy, and allows it again once removed", async () => {
    expectStatus(await download(approver), 200);
    expectStatus(await setPolicy(securityAdmin, 'no-approver-downloads', NO_APPROVER_DOWNLOADS, 'approvers sign, they do not take artifacts home'), 204);
    expect(await storedPolicies()).toEqual([expect.objectContaining({ id: 'no-approver-downloads', text: NO_APPROVER_DOWNLOADS, description: 'policy no-approver-downloads' })]);

    const refused = await download(approver);
    expectStatus(refused, 403);
    expect(refused.body).toMatchObject({ code: 'forbidden', permission: 'blob.read', policy: 'custom:no-approver-downloads' });
    expect(refused.body.detail).toContain('custom:no-approver-downloads');
    // Only approvers: a contributor in the same namespace still downloads.
    expectStatus(await download(contributor), 200);

    expectStatus(await callAs(registry, securityAdmin, 'DELETE', '/api/v1/policies/no-approver-downloads'), 204);
    expect(await storedPolicies()).toEqual([]);
    expectStatus(await download(approver), 200);
  });

  it.skipIf(skip)('records adding and removing a policy in the ledger, the addition with its text and reason', async () => {
    const changes = await policyChanges('no-approver-downloads');
    expect(changes.map((change) => change.action)).toEqual(['policy.set', 'policy.removed']);
    expect(changes[0]).toMatchObject({
      actor: 'user:sasha',
      subject: 'mk:policy:custom:no-approver-downloads',
      reason: 'approvers sign, they do not take artifacts home',
      payload: { id: 'custom:no-approver-downloads', text: NO_APPROVER_DOWNLOADS, description: 'policy no-approver-downloads' },
    });
    expect(changes[1]).toMatchObject({ actor: 'user:sasha', subject: 'mk:policy:custom:no-approver-downloads', payload: { id: 'custom:no-approver-downloads' } });
  });

  it.skipIf(skip)('records why a policy was removed', async () => {
    expectStatus(await setPolicy(securityAdmin, 'short-lived', NO_APPROVER_DOWNLOADS), 204);
    expectStatus(await callAs(registry, securityAdmin, 'DELETE', `/api/v1/policies/short-lived?reason=${encodeURIComponent('the audit is over')}`), 204);
    const removed = (await policyChanges('short-lived')).find((change) => change.action === 'policy.removed');
    expect(removed.reason).toBe('the audit is over');
  });

  it.skipIf(skip)('refuses a policy that does not parse with the Cedar error, storing and ledgering nothing', async () => {
    const before = await storedPolicies();
    const refused = await setPolicy(securityAdmin, 'broken', 'forbid(principal, action == Action::"blob.read", resource) when { context.roles.contains( };');
    expectStatus(refused, 400);
    expect(refused.body).toMatchObject({ code: 'invalid_request', detail: expect.stringMatching(/^The policy does not parse: .*custom:broken.*unexpected token/) });
    expect(await storedPolicies()).toEqual(before);
    expect(await policyChanges('broken')).toEqual([]);
    // The set in force is unchanged too: the approver still downloads.
    expectStatus(await download(approver), 200);
  });

  it.skipIf(skip).each([
    ['a misspelt action', 'forbid(principal, action == Action::"blob.raed", resource);', /actions that do not exist: blob\.raed/],
    ['an action named in a condition', 'forbid(principal, action, resource) when { action == Action::"model.delete" };', /actions that do not exist: model\.delete/],
    ['an unknown resource type', 'forbid(principal, action, resource is Dataset);', /entity types that do not exist: Dataset/],
  ])('refuses a policy that parses but could never match: %s', async (_what, text, why) => {
    const refused = await setPolicy(securityAdmin, 'never-matches', text);
    expectStatus(refused, 400);
    expect(refused.body.detail).toMatch(why);
    expect(await policyChanges('never-matches')).toEqual([]);
  });

  it.skipIf(skip).each([
    ['two policies under one id', 'permit(principal, action, resource); forbid(principal, action, resource);'],
    ['a template with a slot', 'permit(principal == ?principal, action, resource);'],
    ['text that is not Cedar', 'DROP TABLE access_policies; --'],
  ])('refuses %s', async (_what, text) => {
    const refused = await setPolicy(securityAdmin, 'not-one-policy', text);
    expectStatus(refused, 400);
    expect(refused.body).toMatchObject({ code: 'invalid_request', detail: expect.stringMatching(/^The policy does not parse: /) });
    expect(await policyChanges('not-one-policy')).toEqual([]);
  });

  it.skipIf(skip)('refuses an id that is not a plain slug before anything is parsed', async () => {
    const refused = await callAs(registry, securityAdmin, 'PUT', '/api/v1/policies/Sod:no-self-elevation', { text: PERMIT_EVERYTHING, description: 'x', reason: 'an attempt to replace a built-in' });
    expectStatus(refused, 400);
    expect(refused.body).toMatchObject({ code: 'invalid_request' });
    expect(await storedPolicies()).toEqual([]);
  });

  it.skipIf(skip).each([
    ['a contributor', () => contributor],
    ['an approver', () => approver],
    ['a security admin bound in one namespace only', () => alphaSecurityAdmin],
  ])('refuses %s who tries to add a policy, naming policy.manage', async (_who, token) => {
    const refused = await setPolicy(token(), 'sneaky', PERMIT_EVERYTHING);
    expectStatus(refused, 403);
    expect(refused.body).toMatchObject({ code: 'forbidden', permission: 'policy.manage' });
    expect(await storedPolicies()).toEqual([]);
    expect(await policyChanges('sneaky')).toEqual([]);
  });

  it.skipIf(skip)('does not let a catch-all permit lift separation of duties', async () => {
    expectStatus(await setPolicy(securityAdmin, 'everyone-everything', PERMIT_EVERYTHING, 'testing that separation of duties holds'), 204);
    try {
      // The permit is in force: a namespace viewer now reads the registry-wide audit log it could not before.
      expectStatus(await callAs(registry, viewer, 'GET', '/api/v1/audit?limit=1'), 200);

      // A security admin asks for admin and tries to approve it themselves.
      const asked = await callAs(registry, securityAdmin, 'POST', '/api/v1/elevations', { role: 'admin', durationMinutes: 30, justification: 'incident 42 needs admin' });
      expectStatus(asked, 201);
      const selfApproved = await callAs(registry, securityAdmin, 'POST', `/api/v1/elevations/${asked.body.id}/approve`, { reason: 'I say so' });
      expectStatus(selfApproved, 403);
      expect(selfApproved.body).toMatchObject({ code: 'forbidden', permission: 'elevation.approve', policy: 'sod:no-self-elevation' });

      // Nor grant themselves a role directly.
      const selfGranted = await callAs(registry, viewer, 'POST', '/api/v1/bindings', { principal: 'user:val', role: 'admin', reason: 'everything is permitted now' });
      expectStatus(selfGranted, 403);
      expect(selfGranted.body).toMatchObject({ code: 'forbidden', permission: 'grant.manage', policy: 'sod:no-self-grant' });

      // The same request is approvable by someone else: the refusal was about who, not what.
      const byOther = await callAs(registry, viewer, 'POST', `/api/v1/elevations/${asked.body.id}/deny`, { reason: 'not without a ticket' });
      expectStatus(byOther, 200);
      expect(byOther.body).toMatchObject({ status: 'denied' });
    } finally {
      expectStatus(await callAs(registry, securityAdmin, 'DELETE', '/api/v1/policies/everyone-everything'), 204);
    }
    expectStatus(await callAs(registry, viewer, 'GET', '/api/v1/audit?limit=1'), 403);
  });
});
