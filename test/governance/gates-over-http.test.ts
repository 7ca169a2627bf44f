import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callAs, dialects, discardTestRegistry, startTestRegistry, type TestRegistry, tokenFor, uploadBlob } from '../support/test-registry.js';

/** Gate policies as stored, versioned, per-namespace documents with CEL conditions, and the lifecycle rules around them. */
describe.each(dialects)('gate policies and the lifecycle over HTTP on $name', ({ name: dialect, skip }) => {
  let registry: TestRegistry;
  let dana: string; // contributor
  let mel: string; // maintainer
  let ava: string; // approver
  let cora: string; // compliance in ml
  let globalCompliance: string;
  const base = '/api/v1/models/ml/ranker/versions';

  const policy = `
description: ranking models
rules:
  - to: validation
    conditions:
      - name: auc-floor
        expr: version.metrics.auc >= 0.85 && version.license != ""
        message: AUC must be at least 0.85 and a license declared
  - to: production
    attestations:
      - type: evaluation
        verdicts: [pass, pass_with_conditions]
    approvals:
      count: 1
      role: approver
`;

  async function version(metrics: Record<string, number>, license?: string): Promise<number> {
    const blob = await uploadBlob(registry, `ranker ${JSON.stringify(metrics)} ${Math.random()}`);
    const made = await callAs(registry, dana, 'POST', '/api/v1/models/ml/ranker/versions', { manifest: [{ path: 'w.bin', sha256: blob.digest, size: blob.size }], metrics, ...(license ? { license } : {}) });
    expect(made.status).toBe(201);
    expect((await callAs(registry, dana, 'POST', `${base}/${made.body.number}/publish`, {})).status).toBe(200);
    return made.body.number as number;
  }

  beforeAll(async () => {
    if (skip) return;
    registry = await startTestRegistry(dialect);
    for (const name of ['ml', 'other']) expect((await registry.api('POST', '/api/v1/namespaces', { name })).status).toBe(201);
    expect((await registry.api('POST', '/api/v1/models', { namespace: 'ml', name: 'ranker', riskProfile: { sensitivity: 'low' } })).status).toBe(201);
    dana = await tokenFor(registry, 'user:dana', [{ role: 'contributor', namespace: 'ml' }]);
    mel = await tokenFor(registry, 'user:mel', [{ role: 'maintainer', namespace: 'ml' }]);
    ava = await tokenFor(registry, 'user:ava', [{ role: 'approver', namespace: 'ml' }]);
    cora = await tokenFor(registry, 'user:cora', [{ role: 'compliance', namespace: 'ml' }]);
    globalCompliance = await tokenFor(registry, 'user:gil', [{ role: 'compliance' }]);
  });
  afterAll(async () => {
    if (registry) await discardTestRegistry(registry);
  });

  it.skipIf(skip)('refuses a malformed policy when it is saved, with the parse error, and stores nothing', async () => {
    const badCel = await callAs(registry, cora, 'PUT', '/api/v1/namespaces/ml/gate-policy', { source: policy.replace('>= 0.85 &&', '>= &&'), reason: 'typo' });
    expect(badCel.status).toBe(422);
    expect(badCel.body.code).toBe('invalid_policy');
    expect(badCel.body.detail).toMatch(/rules\[0\]\.conditions\[0\]/);
    const unknownName = await callAs(registry, cora, 'PUT', '/api/v1/namespaces/ml/gate-policy', { source: policy.replace('version.license', 'verison.license') });
    expect(unknownName.status).toBe(422);
    expect(unknownName.body.detail).toContain('verison');
    const badYaml = await callAs(registry, cora, 'PUT', '/api/v1/namespaces/ml/gate-policy', { source: 'rules:\n  - to: production\n   approvals: {count: 1}\n' });
    expect(badYaml.status).toBe(422);
    expect(badYaml.body.detail).toMatch(/YAML/);
    const badJson = await callAs(registry, cora, 'PUT', '/api/v1/namespaces/ml/gate-policy', { source: '{"rules": [', format: 'json' });
    expect(badJson.status).toBe(422);
    const wrongShape = await callAs(registry, cora, 'PUT', '/api/v1/namespaces/ml/gate-policy', { policy: { rules: [{ to: 'heaven', approvals: { count: 1 } }] } });
    expect(wrongShape.status).toBe(422);
    expect(wrongShape.body.violations.join(' ')).toContain('rules[0].to');
    const shown = await callAs(registry, mel, 'GET', '/api/v1/namespaces/ml/gate-policy');
    expect(shown.body).toMatchObject({ own: null, effective: { from: 'builtin' } });
    expect((await callAs(registry, mel, 'GET', '/api/v1/namespaces/ml/gate-policy/history')).body.items).toEqual([]);
  });

  it.skipIf(skip)('is set per namespace by compliance, not by maintainers, and the global default needs a global grant', async () => {
    const byMaintainer = await callAs(registry, mel, 'PUT', '/api/v1/namespaces/ml/gate-policy', { source: policy });
    expect(byMaintainer.status).toBe(403);
    expect(byMaintainer.body.permission).toBe('gate.manage');
    expect((await callAs(registry, cora, 'PUT', '/api/v1/gate-policy', { source: policy })).status).toBe(403);
    const set = await callAs(registry, cora, 'PUT', '/api/v1/namespaces/ml/gate-policy', { source: policy, reason: 'ranking needs an AUC floor' });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ scope: 'ml', revision: 1 });
    const shown = (await callAs(registry, mel, 'GET', '/api/v1/namespaces/ml/gate-policy')).body;
    expect(shown.effective.from).toBe('namespace');
    expect(shown.own.source).toBe(policy);
    // The global default applies where a namespace has none.
    expect((await callAs(registry, globalCompliance, 'PUT', '/api/v1/gate-policy', { policy: { rules: [{ to: 'exploration', approvals: { count: 1 } }] } })).status).toBe(200);
    expect((await registry.api('GET', '/api/v1/namespaces/other/gate-policy')).body.effective.from).toBe('global');
    expect((await registry.api('GET', '/api/v1/namespaces/ml/gate-policy')).body.effective.from).toBe('namespace');
  });

  it.skipIf(skip)('evaluates CEL conditions over the version: passing, failing with the message, and a missing metric', async () => {
    const good = await version({ auc: 0.9 }, 'MIT');
    const weak = await version({ auc: 0.8 }, 'MIT');
    const noAuc = await version({ f1: 0.7 }, 'MIT');
    const unlicensed = await version({ auc: 0.95 });
    const gate = async (n: number) => (await callAs(registry, mel, 'GET', `${base}/${n}/gate?to=validation`)).body;
    const condition = (report: { checks: { kind: string; passed: boolean; why: string }[] }) => report.checks.find((c) => c.kind === 'condition')!;
    expect(condition(await gate(good))).toMatchObject({ passed: true });
    expect((await gate(good)).passed).toBe(true);
    expect(condition(await gate(weak))).toMatchObject({ passed: false, why: expect.stringContaining('AUC must be at least 0.85') });
    expect(condition(await gate(noAuc))).toMatchObject({ passed: false, why: expect.stringContaining('auc') });
    expect(condition(await gate(unlicensed)).passed).toBe(false);
    // No approval is asked for validation: a passing request is promoted at once, a failing one refused.
    expect((await callAs(registry, mel, 'POST', `${base}/${good}/promotions`, { to: 'validation', rationale: 'offline eval done' })).body.status).toBe('promoted');
    const refused = await callAs(registry, mel, 'POST', `${base}/${weak}/promotions`, { to: 'validation', rationale: 'try anyway' });
    expect(refused.status).toBe(422);
    expect(refused.body.report.checks.some((c: { name: string; passed: boolean }) => c.name === 'auc-floor' && !c.passed)).toBe(true);
  });

  it.skipIf(skip)('keeps every version of a policy in the ledger', async () => {
    expect((await callAs(registry, cora, 'PUT', '/api/v1/namespaces/ml/gate-policy', { source: policy.replace('0.85', '0.8'), reason: 'relaxed after review' })).body.revision).toBe(2);
    const history = (await callAs(registry, mel, 'GET', '/api/v1/namespaces/ml/gate-policy/history')).body.items;
    expect(history.map((h: { action: string; reason: string | null }) => [h.action, h.reason])).toEqual([
      ['gate_policy.set', 'relaxed after review'],
      ['gate_policy.set', 'ranking needs an AUC floor'],
    ]);
    expect(history[1].source).toBe(policy);
    expect((await callAs(registry, cora, 'DELETE', '/api/v1/namespaces/ml/gate-policy?reason=back+to+the+default')).status).toBe(204);
    expect((await registry.api('GET', '/api/v1/namespaces/ml/gate-policy')).body.effective.from).toBe('global');
    expect((await callAs(registry, cora, 'PUT', '/api/v1/namespaces/ml/gate-policy', { source: policy })).status).toBe(200);
  });

  it.skipIf(skip)('a newer attestation supersedes the current one; a failing verdict then fails the gate', async () => {
    const n = await version({ auc: 0.9 }, 'MIT');
    const evaluate = (verdict: string) => callAs(registry, dana, 'POST', `${base}/${n}/attestations`, { type: 'evaluation', verdict, summary: verdict, details: { slices: [{ name: 'all', metrics: { auc: 0.9 } }] } });
    const first = await evaluate('pass_with_conditions');
    expect(first.status).toBe(201);
    const second = await evaluate('fail');
    expect(second.body.supersededBy).toBeNull();
    const all = (await registry.api('GET', `${base}/${n}/attestations?all=true`)).body.items;
    expect(all.map((a: { verdict: string; supersededBy: string | null }) => [a.verdict, a.supersededBy])).toEqual([
      ['pass_with_conditions', second.body.id],
      ['fail', null],
    ]);
    expect((await registry.api('GET', `${base}/${n}/attestations`)).body.items).toHaveLength(1);
    const report = (await callAs(registry, mel, 'GET', `${base}/${n}/gate?to=production`)).body;
    expect(report.checks.find((c: { name: string }) => c.name === 'evaluation')).toMatchObject({ passed: false });
    // Details are checked against the type.
    const malformed = await callAs(registry, dana, 'POST', `${base}/${n}/attestations`, { type: 'evaluation', verdict: 'pass', summary: 'x', details: { metrics: { auc: 1 } } });
    expect(malformed.status).toBe(400);
    expect(malformed.body.detail).toContain('slices');
  });

  it.skipIf(skip)('a rejection needs a reason, a quarantine cancels what is pending, and retirement keeps the record', async () => {
    const n = await version({ auc: 0.9 }, 'MIT');
    await callAs(registry, dana, 'POST', `${base}/${n}/attestations`, { type: 'evaluation', verdict: 'pass', summary: 'ok', details: { slices: [{ name: 'all', metrics: { auc: 0.9 } }] } });
    expect((await callAs(registry, mel, 'POST', `${base}/${n}/promotions`, { to: 'validation', rationale: 'evaluated' })).body.status).toBe('promoted');
    const asked = await callAs(registry, mel, 'POST', `${base}/${n}/promotions`, { to: 'production', rationale: 'ship' });
    expect(asked.body.status).toBe('pending');
    expect((await callAs(registry, ava, 'POST', `/api/v1/promotions/${asked.body.id}/reject`, {})).status).toBe(400);
    const rejected = await callAs(registry, ava, 'POST', `/api/v1/promotions/${asked.body.id}/reject`, { reason: 'wait for the A/B test' });
    expect(rejected.body).toMatchObject({ status: 'rejected', decidedBy: 'user:ava', decisionReason: 'wait for the A/B test' });
    expect((await callAs(registry, ava, 'POST', `/api/v1/promotions/${asked.body.id}/approve`, { rationale: 'changed my mind' })).status).toBe(409);

    const again = await callAs(registry, mel, 'POST', `${base}/${n}/promotions`, { to: 'production', rationale: 'A/B test done' });
    expect(again.body.status).toBe('pending');
    const quarantined = await callAs(registry, mel, 'POST', `${base}/${n}/quarantine`, { reason: 'drift alarm' });
    expect(quarantined.body.cancelledPromotions).toEqual([again.body.id]);
    expect((await registry.api('GET', `/api/v1/promotions/${again.body.id}`)).body.status).toBe('cancelled');
    expect((await callAs(registry, mel, 'POST', `${base}/${n}/release`, { reason: 'false alarm' })).status).toBe(200);
    expect((await registry.api('GET', `${base}/${n}`)).body.status).toBe('published');

    const retired = await callAs(registry, mel, 'POST', `${base}/${n}/retire`, { reason: 'superseded by the next model' });
    expect(retired.body).toMatchObject({ status: 'retired', stage: 'retired' });
    const record = (await registry.api('GET', `${base}/${n}/governance`)).body;
    expect(record.notes.map((note: { kind: string }) => note.kind)).toEqual(['quarantined', 'released', 'retired']);
    expect(record.attestations).toHaveLength(1);
    expect((await callAs(registry, mel, 'POST', `${base}/${n}/promotions`, { to: 'production', rationale: 'zombie' })).status).toBe(422);
  });

  it.skipIf(skip)('only the requester withdraws a pending request, with a reason', async () => {
    const n = await version({ auc: 0.9 }, 'MIT');
    await callAs(registry, dana, 'POST', `${base}/${n}/attestations`, { type: 'evaluation', verdict: 'pass', summary: 'ok', details: { slices: [{ name: 'all', metrics: { auc: 0.9 } }] } });
    expect((await callAs(registry, mel, 'POST', `${base}/${n}/promotions`, { to: 'validation', rationale: 'evaluated' })).body.status).toBe('promoted');
    const asked = await callAs(registry, mel, 'POST', `${base}/${n}/promotions`, { to: 'production', rationale: 'ship' });
    const admins = await tokenFor(registry, 'user:root', [{ role: 'admin' }]);
    const byOther = await callAs(registry, admins, 'POST', `/api/v1/promotions/${asked.body.id}/withdraw`, { reason: 'not yours' });
    expect(byOther.status).toBe(403);
    const withdrawn = await callAs(registry, mel, 'POST', `/api/v1/promotions/${asked.body.id}/withdraw`, { reason: 'asked before the A/B test' });
    expect(withdrawn.body).toMatchObject({ status: 'withdrawn', decidedBy: 'user:mel', decisionReason: 'asked before the A/B test' });
    expect((await callAs(registry, mel, 'POST', `/api/v1/promotions/${asked.body.id}/withdraw`, { reason: 'again' })).status).toBe(409);
    const change = await callAs(registry, dana, 'POST', `${base}/${n}/changes`, { template: 'retrain', rationale: 'drift on new markets', impact: 'a new version follows' });
    expect(change.status).toBe(201);
    expect((await callAs(registry, dana, 'POST', `/api/v1/changes/${change.body.id}/withdraw`, { reason: 'drift was a data bug' })).body.status).toBe('withdrawn');
  });

  it.skipIf(skip)('flags a deployment report that differs from the alias', async () => {
    const n = await version({ auc: 0.9 }, 'MIT');
    expect((await registry.api('POST', '/api/v1/environments', { name: 'dev', requiredStage: 'concept' })).status).toBe(201);
    const deployed = await callAs(registry, mel, 'POST', '/api/v1/environments/dev/deployments', { version: `ml/ranker@${n}` });
    expect(deployed.status).toBe(201);
    const record = (await registry.api('GET', `${base}/${n}`)).body;
    const fine = await callAs(registry, mel, 'POST', '/api/v1/environments/dev/reports', { version: `ml/ranker@${n}`, status: 'deployed', artifactDigest: record.artifactDigest, externalId: 'release-7' });
    expect(fine.body).toMatchObject({ matchesAlias: true, deploymentId: deployed.body.id });
    const drift = await callAs(registry, mel, 'POST', '/api/v1/environments/dev/reports', { version: `ml/ranker@${n}`, status: 'deployed', artifactDigest: `sha256:${'0'.repeat(64)}` });
    expect(drift.body.matchesAlias).toBe(false);
    expect((await registry.api('GET', '/api/v1/environments/dev/deployments')).body.items[0]).toMatchObject({ health: 'mismatch', externalId: 'release-7' });
    const unknown = await callAs(registry, mel, 'POST', '/api/v1/environments/nowhere/deployments', { version: `ml/ranker@${n}` });
    expect(unknown.status).toBe(404);
  });

  it.skipIf(skip)('a late report about an earlier deployment does not spoil it as a rollback target', async () => {
    expect((await registry.api('POST', '/api/v1/environments', { name: 'canary', requiredStage: 'concept' })).status).toBe(201);
    const first = await version({ auc: 0.9 }, 'MIT');
    const second = await version({ auc: 0.91 }, 'MIT');
    expect((await callAs(registry, mel, 'POST', '/api/v1/environments/canary/deployments', { version: `ml/ranker@${first}` })).status).toBe(201);
    expect((await callAs(registry, mel, 'POST', '/api/v1/environments/canary/deployments', { version: `ml/ranker@${second}` })).status).toBe(201);
    const late = await callAs(registry, mel, 'POST', '/api/v1/environments/canary/reports', { version: `ml/ranker@${first}`, status: 'deployed' });
    expect(late.body.matchesAlias).toBe(false);
    const back = await callAs(registry, mel, 'POST', '/api/v1/environments/canary/rollback', { model: 'ml/ranker', reason: 'canary errors' });
    expect(back.status, JSON.stringify(back.body)).toBe(200);
    expect(back.body.to).toBe(`ml/ranker@${first}`);
  });
});
