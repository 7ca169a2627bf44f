import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callAs, dialects, startTestRegistry, tokenFor, uploadBlob, type TestRegistry } from '../support/test-registry.js';

/*
 * Tiers drive actions: a model the rubric files as critical needs the extra
 * approvals its tier adds on every promotion to production, its artifacts
 * are downloadable only with blob.read_restricted, and its health says it
 * must be retrained. A rubric change that lowers it lifts all three.
 */

const rubric = (critical: number) => `
signals:
  customerExposure: { weight: 1 }
tiers: { medium: 10, high: 20, critical: ${critical} }
actions:
  critical: { extraApprovals: 2, restrictArtifacts: true, retrainingRequired: true }
alerts: { tierAtLeast: critical }
`;

describe.each(dialects)('risk tier actions over HTTP ($name)', ({ name, skip }) => {
  let registry: TestRegistry;
  let digest: string;

  beforeAll(async () => {
    if (skip) return;
    registry = await startTestRegistry(name);
    expect((await registry.api('POST', '/api/v1/namespaces', { name: 'fraud' })).status).toBe(201);
    expect((await registry.api('POST', '/api/v1/models', { namespace: 'fraud', name: 'scorer', owners: ['ana@example.com'], riskProfile: { customerExposure: 'high' } })).status).toBe(201);
    digest = (await uploadBlob(registry, Buffer.from('weights of a critical model'))).digest;
    const registered = await registry.api('POST', '/api/v1/models/fraud/scorer/versions', { manifest: [{ path: 'model.onnx', sha256: digest, size: 27 }], license: 'MIT' });
    expect(registered.status).toBe(201);
    expect((await registry.api('POST', '/api/v1/models/fraud/scorer/versions/1/publish', {})).status).toBe(200);
  });
  afterAll(async () => registry?.close());

  it.skipIf(skip)('given a rubric that files the model as critical, then promotions need its extra approvals, downloads need blob.read_restricted and health asks for retraining', async () => {
    const set = await registry.api('PUT', '/api/v1/risk/rubric', { source: rubric(30), reason: 'customer exposure decides' });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    const risk = (await registry.api('GET', '/api/v1/models/fraud/scorer/risk')).body;
    expect(risk).toMatchObject({ tier: 'critical', score: 100, actions: { extraApprovals: 2, restrictArtifacts: true, retrainingRequired: true } });

    const gate = (await registry.api('GET', '/api/v1/models/fraud/scorer/versions/1/gate?to=production')).body;
    // The two-approver floor for critical models, plus the tier's two.
    expect(gate.approvals).toEqual([{ role: 'approver', count: 4 }]);

    const contributor = await tokenFor(registry, 'user:cora', [{ role: 'contributor', namespace: 'fraud' }]);
    const maintainer = await tokenFor(registry, 'user:max', [{ role: 'maintainer', namespace: 'fraud' }]);
    const refused = await callAs(registry, contributor, 'GET', `/api/v1/blobs/${digest}`);
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toContain('blob.read_restricted');
    expect((await callAs(registry, maintainer, 'GET', `/api/v1/blobs/${digest}`)).status).toBe(200);

    const health = (await registry.api('GET', '/api/v1/models/fraud/scorer/health')).body;
    expect(health.issues.map((i: { code: string }) => i.code)).toContain('retraining_required');
    const summary = (await registry.api('GET', '/api/v1/risk/summary')).body;
    expect(summary.retrainingRequired).toEqual(['fraud/scorer']);
  });

  it.skipIf(skip)('when a rubric change lowers the tier, then the actions lift with it', async () => {
    // A second signal the model does not carry halves its score: 50, high under these thresholds.
    const twoSignals = rubric(99).replace('customerExposure: { weight: 1 }', 'customerExposure: { weight: 1 }\n  regulatoryImpact: { weight: 1, whenMissing: 0 }');
    expect((await registry.api('PUT', '/api/v1/risk/rubric', { source: twoSignals, reason: 'regulatory impact counts too' })).status).toBe(200);
    const lowered = (await registry.api('GET', '/api/v1/models/fraud/scorer/risk')).body;
    expect(lowered).toMatchObject({ tier: 'high', score: 50, actions: { extraApprovals: 0, restrictArtifacts: false, retrainingRequired: false } });
    expect(lowered.history.map((h: { tier: string }) => h.tier).slice(0, 2)).toEqual(['high', 'critical']);
    const gate = (await registry.api('GET', '/api/v1/models/fraud/scorer/versions/1/gate?to=production')).body;
    expect(gate.approvals).toEqual([{ role: 'approver', count: 2 }]);
    const contributor = await tokenFor(registry, 'user:cora', [{ role: 'contributor', namespace: 'fraud' }]);
    expect((await callAs(registry, contributor, 'GET', `/api/v1/blobs/${digest}`)).status).toBe(200);
  });
});
