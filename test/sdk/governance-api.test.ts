import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelKeepApiError, ModelKeepClient, gateReportOf } from '../../src/sdk/index.js';
import { dialects, discardTestRegistry, startTestRegistry, type TestRegistry, tokenFor, uploadBlob } from '../support/test-registry.js';
import { failure } from './expect-api-error.js';

const evaluation = { type: 'evaluation', verdict: 'pass', summary: 'holdout AUC 0.91', details: { slices: [{ name: 'all', metrics: { auc: 0.91 } }] } } as const;
const licenseReview = { type: 'license_review', verdict: 'pass', summary: 'Apache-2.0 throughout', details: { licenses: ['Apache-2.0'] } } as const;

describe.each(dialects)('GovernanceApi against a real registry on $name', ({ name: dialect, skip }) => {
  let registry: TestRegistry;
  let admin: ModelKeepClient;
  /** Contributor in fraud: registers, publishes and evaluates (the author). */
  let dana: ModelKeepClient;
  /** Maintainer in fraud: promotes, deploys, rolls back, quarantines. */
  let mel: ModelKeepClient;
  /** Approver in fraud: signs reviews, approves promotions and changes. */
  let ava: ModelKeepClient;

  const clientFor = (token: string) => new ModelKeepClient({ baseUrl: registry.url, token });

  /** Registers and publishes the next version of fraud/scorer as dana; returns its number. */
  async function publishVersion(license = 'Apache-2.0'): Promise<number> {
    const blob = await uploadBlob(registry, `weights ${Math.random()}`);
    const version = await dana.versions.register({ namespace: 'fraud', name: 'scorer' }, { manifest: [{ path: 'model.onnx', sha256: blob.digest, size: blob.size }], license });
    await dana.versions.publish({ namespace: 'fraud', model: 'scorer', number: version.number });
    return version.number;
  }

  beforeAll(async () => {
    if (skip) return;
    registry = await startTestRegistry(dialect);
    admin = clientFor(registry.adminToken);
    await admin.namespaces.create({ name: 'fraud' });
    await admin.models.create({ namespace: 'fraud', name: 'scorer' });
    dana = clientFor(await tokenFor(registry, 'user:dana', [{ role: 'contributor', namespace: 'fraud' }]));
    mel = clientFor(await tokenFor(registry, 'user:mel', [{ role: 'maintainer', namespace: 'fraud' }]));
    ava = clientFor(await tokenFor(registry, 'user:ava', [{ role: 'approver', namespace: 'fraud' }]));
  });

  afterAll(async () => {
    if (registry) await discardTestRegistry(registry);
  });

  it.skipIf(skip)('throws gate_failed for a refused promotion, with the report reachable from the error', async () => {
    const n = await publishVersion();
    const report = await mel.governance.gateCheck({ namespace: 'fraud', model: 'scorer', number: n }, 'validation');
    expect(report).toMatchObject({ version: `mk:version:fraud/scorer@${n}`, from: 'concept', to: 'validation', passed: false, approvals: [] });
    expect(report.checks).toContainEqual(expect.objectContaining({ name: 'evaluation', stage: 'validation', passed: false }));

    const error = await failure(mel.governance.requestPromotion(`fraud/scorer@${n}`, 'validation', 'looks good'));
    expect(error).toBeInstanceOf(ModelKeepApiError);
    expect(error).toMatchObject({ code: 'gate_failed', status: 422 });
    expect(error.detail).toContain('evaluation');
    const carried = gateReportOf(error);
    expect(carried?.passed).toBe(false);
    expect(carried?.checks.filter((c) => !c.passed).map((c) => c.name)).toEqual(['evaluation']);
    expect(error.problem.report).toEqual(carried);

    // The refusal is recorded: the error names the request, which reads back as refused with the same report.
    const id = error.problem.request as string;
    expect(await mel.governance.promotion(id)).toMatchObject({ id, status: 'refused', rationale: 'looks good', requestedBy: 'user:mel', stillNeeded: [] });
    expect(gateReportOf(await failure(mel.governance.promotion('no-such-request')))).toBeUndefined();
    expect(gateReportOf(new Error('not an API error'))).toBeUndefined();
  });

  it.skipIf(skip)('records attestations, after which the gate passes and a promotion is immediate', async () => {
    const n = await publishVersion();
    const ref = { namespace: 'fraud', model: 'scorer', number: n };
    const recorded = await dana.governance.attest(ref, evaluation);
    expect(recorded).toMatchObject({ version: `fraud/scorer@${n}`, type: 'evaluation', verdict: 'pass', createdBy: 'user:dana', supersededBy: null });
    const newer = await dana.governance.attest(ref, { ...evaluation, summary: 'holdout AUC 0.92' });
    expect((await dana.governance.attestations(ref)).map((a) => a.id)).toEqual([newer.id]);
    expect(await dana.governance.attestations(ref, { all: true })).toEqual([expect.objectContaining({ id: recorded.id, supersededBy: newer.id }), expect.objectContaining({ id: newer.id })]);

    // A review is signed by someone who did not write the version.
    expect(await failure(dana.governance.attest(ref, licenseReview))).toMatchObject({ code: 'forbidden' });
    expect(await failure(dana.governance.attest(ref, { ...evaluation, details: { slices: [] } }))).toMatchObject({ code: 'invalid_request' });

    expect((await mel.governance.gateCheck(ref, 'validation')).passed).toBe(true);
    const promoted = await mel.governance.requestPromotion(ref, 'validation', 'evaluated on the holdout');
    expect(promoted).toMatchObject({ status: 'promoted', from: 'concept', to: 'validation', version: `fraud/scorer@${n}` });
    expect(await mel.governance.versionPromotions(ref)).toEqual([expect.objectContaining({ id: promoted.id, status: 'promoted' })]);
  });

  it.skipIf(skip)('leaves a production promotion pending until an approver who is not an author approves it', async () => {
    const n = await publishVersion();
    const ref = `fraud/scorer@${n}`;
    await dana.governance.attest(ref, evaluation);
    await ava.governance.attest(ref, licenseReview);
    expect((await mel.governance.requestPromotion(ref, 'validation', 'evaluated')).status).toBe('promoted');

    const pending = await mel.governance.requestPromotion(ref, 'production', 'Q3 release');
    expect(pending).toMatchObject({ status: 'pending', report: { passed: true, approvals: [{ role: 'approver', count: 1 }] }, approvals: [] });
    expect((await ava.governance.promotions({ status: 'pending', namespace: 'fraud' })).items.map((p) => p.id)).toContain(pending.id);
    expect(await ava.governance.promotion(pending.id)).toMatchObject({ status: 'pending', stillNeeded: [{ role: 'approver', count: 1 }] });
    expect(await failure(mel.governance.requestPromotion(ref, 'production', 'again'))).toMatchObject({ code: 'invalid_state' });
    expect(await failure(mel.governance.approvePromotion(pending.id, 'I asked for it'))).toMatchObject({ code: 'forbidden', extensions: { policy: 'sod:no-self-approval' } });
    expect(await failure(dana.governance.approvePromotion(pending.id, 'I wrote it'))).toMatchObject({ code: 'forbidden' });

    const approved = await ava.governance.approvePromotion(pending.id, 'evidence reviewed');
    expect(approved).toMatchObject({ status: 'promoted', approvals: [{ by: 'user:ava', rationale: 'evidence reviewed', roles: ['approver'] }] });
    expect(await failure(ava.governance.rejectPromotion(pending.id, 'too late'))).toMatchObject({ code: 'invalid_state' });
    expect((await ava.governance.governance(ref)).stage).toBe('production');
  });

  it.skipIf(skip)('sets, reads, lists and removes gate policies; a malformed one is refused with its violations', async () => {
    expect(await admin.governance.getGatePolicy('fraud')).toMatchObject({ scope: 'fraud', own: null, effective: { from: 'builtin', seq: null } });
    const set = await admin.governance.setGatePolicy('fraud', { source: 'rules:\n  - to: exploration\n    approvals: { count: 1 }\n' }, 'exploration needs a sign-off');
    expect(set).toMatchObject({ scope: 'fraud', revision: 1 });
    expect(await mel.governance.getGatePolicy('fraud')).toMatchObject({ own: { format: 'yaml', revision: 1, updatedBy: 'user:admin', seq: set.seq }, effective: { from: 'namespace', seq: set.seq } });

    const global = await admin.governance.setGatePolicy(null, { policy: { rules: [{ to: 'validation', attestations: [{ type: 'evaluation' }] }] } });
    expect(global.scope).toBe('global');
    expect((await admin.governance.getGatePolicy(null)).own?.policy.rules).toEqual([{ to: 'validation', attestations: [{ type: 'evaluation' }] }]);

    const refused = await failure(admin.governance.setGatePolicy('fraud', { source: '{"rules": [{"to": "moon"}]}', format: 'json' }));
    expect(refused.code).toBe('invalid_policy');
    expect(refused.extensions.violations).toEqual(expect.any(Array));
    expect(await failure(mel.governance.setGatePolicy('fraud', { policy: { rules: [] } }))).toMatchObject({ code: 'forbidden' });

    await admin.governance.removeGatePolicy('fraud', 'back to the global policy');
    await admin.governance.removeGatePolicy(null);
    expect(await failure(admin.governance.removeGatePolicy('fraud'))).toMatchObject({ code: 'not_found' });
    const history = await mel.governance.gatePolicyHistory('fraud');
    expect(history.map((h) => h.action)).toEqual(['gate_policy.removed', 'gate_policy.set']);
    expect(history[0]).toMatchObject({ actor: 'user:admin', reason: 'back to the global policy', policy: null });
    expect(history[1]!.source).toContain('to: exploration');
  });

  it.skipIf(skip)('deploys, reports, rolls back, and quarantine rolls every environment back in one step', async () => {
    const env = await admin.governance.createEnvironment({ name: 'staging', requiredStage: 'exploration', description: 'shadow traffic' });
    expect(env).toMatchObject({ name: 'staging', requiredStage: 'exploration', createdBy: 'user:admin' });
    expect(await failure(admin.governance.createEnvironment({ name: 'staging', requiredStage: 'validation' }))).toMatchObject({ code: 'already_exists' });
    expect(await failure(mel.governance.createEnvironment({ name: 'qa', requiredStage: 'validation' }))).toMatchObject({ code: 'forbidden' });
    expect((await mel.governance.environments()).map((e) => e.name)).toContain('staging');

    const [a, b] = [await publishVersion(), await publishVersion()];
    expect(await failure(mel.governance.deploy('staging', `fraud/scorer@${a}`))).toMatchObject({ code: 'invalid_state' });
    for (const n of [a, b]) expect((await mel.governance.requestPromotion(`fraud/scorer@${n}`, 'exploration', 'try it')).status).toBe('promoted');

    const first = await mel.governance.deploy('staging', { namespace: 'fraud', model: 'scorer', number: a }, 'first shadow run');
    expect(first).toMatchObject({ environment: 'staging', version: `fraud/scorer@${a}`, kind: 'deploy', previous: null, reason: 'first shadow run', by: 'user:mel' });
    const second = await mel.governance.deploy('staging', `fraud/scorer@${b}`);
    expect(second.previous).toBe(`fraud/scorer@${a}`);
    expect(await mel.governance.aliases('fraud/scorer')).toEqual([expect.objectContaining({ environment: 'staging', version: `fraud/scorer@${b}`, number: b, deploymentId: second.id })]);
    expect((await admin.governance.environment('staging')).aliases).toEqual([expect.objectContaining({ model: 'fraud/scorer', version: `fraud/scorer@${b}` })]);

    const reported = await mel.governance.report('staging', { version: `fraud/scorer@${b}`, status: 'deployed', externalId: 'argo-1' });
    expect(reported).toEqual({ seq: expect.any(Number), matchesAlias: true, alias: `fraud/scorer@${b}`, deploymentId: second.id });
    const drifted = await mel.governance.report('staging', { version: `fraud/scorer@${b}`, status: 'deployed', artifactDigest: `sha256:${'0'.repeat(64)}` });
    expect(drifted).toMatchObject({ matchesAlias: false, alias: `fraud/scorer@${b}` });
    expect((await admin.governance.reports('staging')).map((r) => [r.externalId, r.matchesAlias])).toEqual([[null, false], ['argo-1', true]]);

    const rolled = await mel.governance.rollback('staging', { namespace: 'fraud', name: 'scorer' }, { reason: 'latency regression' });
    expect(rolled).toMatchObject({ environment: 'staging', model: 'fraud/scorer', from: `fraud/scorer@${b}`, to: `fraud/scorer@${a}`, deployment: { kind: 'rollback' } });
    expect((await admin.governance.deployments('staging', { model: 'fraud/scorer' })).map((d) => d.kind)).toEqual(['rollback', 'deploy', 'deploy']);

    await mel.governance.deploy('staging', `fraud/scorer@${b}`, 'fixed');
    const quarantined = await mel.governance.quarantine(`fraud/scorer@${b}`, 'training data leak');
    expect(quarantined).toMatchObject({ version: `fraud/scorer@${b}`, status: 'quarantined', rollbacks: [{ environment: 'staging', from: `fraud/scorer@${b}`, to: `fraud/scorer@${a}` }], cancelledPromotions: [] });
    expect(await failure(mel.governance.deploy('staging', `fraud/scorer@${b}`))).toMatchObject({ code: 'invalid_state' });
    expect(await mel.governance.release(`fraud/scorer@${b}`, 'cleared')).toEqual({ version: `fraud/scorer@${b}`, status: 'published' });
    expect(await failure(mel.governance.retire(`fraud/scorer@${a}`, 'still serving'))).toMatchObject({ code: 'invalid_state' });
    expect(await mel.governance.retire(`fraud/scorer@${b}`, 'superseded')).toEqual({ version: `fraud/scorer@${b}`, status: 'retired', stage: 'retired' });

    const record = await mel.governance.governance(`fraud/scorer@${b}`);
    expect(record.notes.map((note) => note.kind)).toEqual(['quarantined', 'released', 'retired']);
    expect(record.servingIn).toEqual([]);
  });

  it.skipIf(skip)('applies a correction approved by someone other than its requester, keeping the old value', async () => {
    const n = await publishVersion('Apache-2.0');
    expect((await mel.governance.changeTemplates()).map((t) => t.template)).toEqual(['correction', 'deprecation', 'retrain']);
    const requested = await mel.governance.requestChange(`fraud/scorer@${n}`, { template: 'correction', changes: { license: 'MIT' }, rationale: 'the license was mistyped', impact: 'metadata only' });
    expect(requested).toMatchObject({ status: 'pending', template: 'correction', changes: { license: 'MIT' }, requestedBy: 'user:mel' });
    expect((await ava.governance.changes({ status: 'pending', namespace: 'fraud' })).items.map((c) => c.id)).toContain(requested.id);
    expect(await failure(mel.governance.approveChange(requested.id, 'my own'))).toMatchObject({ code: 'forbidden' });

    expect(await ava.governance.approveChange(requested.id, 'matches the repository')).toMatchObject({ status: 'approved', decidedBy: 'user:ava' });
    expect(await ava.governance.change(requested.id)).toMatchObject({ status: 'approved', decisionReason: 'matches the repository' });
    const { amendments } = await ava.governance.governance(`fraud/scorer@${n}`);
    expect(amendments).toEqual([expect.objectContaining({ requestId: requested.id, changes: { license: { from: 'Apache-2.0', to: 'MIT' } } })]);

    const retrain = await mel.governance.requestChange(`fraud/scorer@${n}`, { template: 'retrain', rationale: 'drift on new customers', impact: 'a new version' });
    expect(await ava.governance.rejectChange(retrain.id, 'drift is within bounds')).toMatchObject({ status: 'rejected' });
  });

  it.skipIf(skip)('rejects a malformed version reference before sending anything', async () => {
    await expect(mel.governance.gateCheck('fraud/scorer', 'validation')).rejects.toThrow(TypeError);
    await expect(mel.governance.rollback('staging', 'fraud/scorer@1', { reason: 'a version is not a model' })).rejects.toThrow(/not a model reference/);
  });
});
