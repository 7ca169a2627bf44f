import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseVerifierKey } from '../../src/ledger/verifier/index.js';
import { verifyRegistry } from '../../src/verify/verify-registry.js';
import { callAs, dialects, discardTestRegistry, startTestRegistry, type TestRegistry, tokenFor, uploadBlob } from '../support/test-registry.js';

/**
 * The whole path of a high-risk model, over HTTP: register → attest → the
 * gate fails with reasons → attestations added → approvals (self-approval
 * refused, two approvers needed) → promoted → deployed → quarantined → the
 * alias rolls back to the last healthy version. Every decision is in the
 * ledger with its rationale and report.
 */
describe.each(dialects)('the governance path on $name', ({ name: dialect, skip }) => {
  let registry: TestRegistry;
  let admin: string;
  let dana: string; // data scientist: registers and evaluates
  let mel: string; // ML engineer: promotes and deploys
  let ava: string; // approver
  let abe: string; // approver
  let sec: string; // security admin
  const v = (n: number) => `/api/v1/models/fraud/scorer/versions/${n}`;

  const evaluation = (auc: number) => ({
    type: 'evaluation',
    verdict: 'pass',
    summary: `holdout AUC ${auc}`,
    details: { slices: [{ name: 'all', metrics: { auc } }, { name: 'new-customers', metrics: { auc: auc - 0.05 }, edgeCase: true }] },
  });
  const review = (type: string, verdict = 'pass') => ({
    type,
    verdict,
    summary: `${type} done`,
    details:
      type === 'bias_assessment'
        ? { protectedAttributes: ['age', 'gender'], metrics: { demographicParity: 0.03 } }
        : type === 'license_review'
          ? { licenses: ['Apache-2.0'] }
          : { scope: 'prompt injection and unsafe output' },
  });

  async function registerAndPublish(n: number): Promise<void> {
    const blob = await uploadBlob(registry, `weights ${n} ${dialect}`);
    const made = await callAs(registry, dana, 'POST', '/api/v1/models/fraud/scorer/versions', {
      manifest: [{ path: 'model.onnx', sha256: blob.digest, size: blob.size }],
      license: 'Apache-2.0',
      metrics: { auc: 0.9 },
    });
    expect(made.status).toBe(201);
    expect(made.body.number).toBe(n);
    expect((await callAs(registry, dana, 'POST', `${v(n)}/publish`, {})).status).toBe(200);
  }

  /** Walks a version to production with every attestation and two approvals. */
  async function toProduction(n: number): Promise<void> {
    for (const to of ['exploration', 'validation']) {
      if (to === 'validation') expect((await callAs(registry, dana, 'POST', `${v(n)}/attestations`, evaluation(0.91))).status).toBe(201);
      const asked = await callAs(registry, mel, 'POST', `${v(n)}/promotions`, { to, rationale: `ready for ${to}` });
      expect(asked.status, JSON.stringify(asked.body)).toBe(201);
      expect(asked.body.status).toBe('promoted');
    }
    for (const type of ['bias_assessment', 'safety_review', 'license_review']) expect((await callAs(registry, ava, 'POST', `${v(n)}/attestations`, review(type))).status).toBe(201);
    const asked = await callAs(registry, mel, 'POST', `${v(n)}/promotions`, { to: 'production', rationale: 'Q3 release' });
    expect(asked.body.status).toBe('pending');
    await callAs(registry, ava, 'POST', `/api/v1/promotions/${asked.body.id}/approve`, { rationale: 'reviewed the evidence' });
    const done = await callAs(registry, abe, 'POST', `/api/v1/promotions/${asked.body.id}/approve`, { rationale: 'agree' });
    expect(done.body.status).toBe('promoted');
  }

  beforeAll(async () => {
    if (skip) return;
    registry = await startTestRegistry(dialect);
    admin = registry.adminToken;
    expect((await registry.api('POST', '/api/v1/namespaces', { name: 'fraud' })).status).toBe(201);
    expect((await registry.api('POST', '/api/v1/models', { namespace: 'fraud', name: 'scorer', riskProfile: { customerExposure: 'high' } })).status).toBe(201);
    dana = await tokenFor(registry, 'user:dana', [{ role: 'contributor', namespace: 'fraud' }]);
    mel = await tokenFor(registry, 'user:mel', [{ role: 'maintainer', namespace: 'fraud' }]);
    ava = await tokenFor(registry, 'user:ava', [{ role: 'approver', namespace: 'fraud' }]);
    abe = await tokenFor(registry, 'user:abe', [{ role: 'approver', namespace: 'fraud' }]);
    sec = await tokenFor(registry, 'user:sec', [{ role: 'security-admin' }]);
    expect((await callAs(registry, admin, 'POST', '/api/v1/environments', { name: 'production', requiredStage: 'production' })).status).toBe(201);
    expect((await callAs(registry, admin, 'POST', '/api/v1/environments', { name: 'staging', requiredStage: 'validation' })).status).toBe(201);
  });
  afterAll(async () => {
    if (registry) await discardTestRegistry(registry);
  });

  it.skipIf(skip)('walks register → gate → approvals → production → deploy → quarantine → rollback', async () => {
    // Version 1 goes all the way and is deployed: it is the healthy one to come back to.
    await registerAndPublish(1);
    await toProduction(1);
    expect((await callAs(registry, mel, 'POST', '/api/v1/environments/production/deployments', { version: 'fraud/scorer@1', reason: 'first release' })).status).toBe(201);

    // Version 2: registered and published, then the gate to validation fails with reasons.
    await registerAndPublish(2);
    expect((await callAs(registry, mel, 'POST', `${v(2)}/promotions`, { to: 'exploration', rationale: 'try it' })).body.status).toBe('promoted');
    const check = await callAs(registry, mel, 'GET', `${v(2)}/gate?to=production`);
    expect(check.status).toBe(200);
    expect(check.body.passed).toBe(false);
    const failing = check.body.checks.filter((c: { passed: boolean }) => !c.passed).map((c: { name: string }) => c.name);
    expect(failing).toEqual(expect.arrayContaining(['evaluation', 'bias_assessment', 'safety_review', 'license_review']));
    expect(check.body.approvals).toEqual([{ role: 'approver', count: 2 }]);

    const refused = await callAs(registry, mel, 'POST', `${v(2)}/promotions`, { to: 'validation', rationale: 'looks good' });
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('gate_failed');
    expect(refused.body.detail).toContain('evaluation');
    expect(refused.body.report.checks.find((c: { name: string }) => c.name === 'evaluation')).toMatchObject({ passed: false, why: expect.stringContaining('no evaluation') });
    // The refusal is a decision too: in the ledger with its report.
    const refusal = (await registry.api('GET', `/api/v1/promotions/${refused.body.request}`)).body;
    expect(refusal).toMatchObject({ status: 'refused', rationale: 'looks good', requestedBy: 'user:mel' });

    // Attestations added: an author may record its evaluation, but may not sign its own review.
    expect((await callAs(registry, dana, 'POST', `${v(2)}/attestations`, evaluation(0.93))).status).toBe(201);
    const ownReview = await callAs(registry, dana, 'POST', `${v(2)}/attestations`, review('bias_assessment'));
    expect(ownReview.status).toBe(403);
    expect(['review.sign']).toContain(ownReview.body.permission);
    expect((await callAs(registry, mel, 'POST', `${v(2)}/promotions`, { to: 'validation', rationale: 'evaluated' })).body.status).toBe('promoted');
    for (const type of ['bias_assessment', 'safety_review', 'license_review']) expect((await callAs(registry, ava, 'POST', `${v(2)}/attestations`, review(type))).status).toBe(201);

    // High risk: production waits for two distinct approvers.
    const asked = await callAs(registry, mel, 'POST', `${v(2)}/promotions`, { to: 'production', rationale: 'beats v1 on new customers' });
    expect(asked.status).toBe(201);
    expect(asked.body.status).toBe('pending');
    const queue = (await callAs(registry, ava, 'GET', '/api/v1/promotions?status=pending')).body.items;
    expect(queue.map((p: { id: string }) => p.id)).toContain(asked.body.id);

    // Self-approval is refused: the requester, and an author of the version.
    const byRequester = await callAs(registry, mel, 'POST', `/api/v1/promotions/${asked.body.id}/approve`, { rationale: 'mine is fine' });
    expect(byRequester.status).toBe(403);
    const admins = await tokenFor(registry, 'user:dana', [{ role: 'admin' }]);
    const byAuthor = await callAs(registry, admins, 'POST', `/api/v1/promotions/${asked.body.id}/approve`, { rationale: 'I wrote it' });
    expect(byAuthor.status).toBe(403);
    expect(byAuthor.body.policy).toBe('sod:no-self-approval');

    const first = await callAs(registry, ava, 'POST', `/api/v1/promotions/${asked.body.id}/approve`, { rationale: 'bias and safety evidence reviewed' });
    expect(first.status).toBe(200);
    expect(first.body.status).toBe('pending');
    const again = await callAs(registry, ava, 'POST', `/api/v1/promotions/${asked.body.id}/approve`, { rationale: 'twice' });
    expect(again.status).toBe(409);
    expect((await registry.api('GET', v(2))).body.stage).toBe('validation');
    const second = await callAs(registry, abe, 'POST', `/api/v1/promotions/${asked.body.id}/approve`, { rationale: 'metrics hold on edge slices' });
    expect(second.status).toBe(200);
    expect(second.body.status).toBe('promoted');
    expect(second.body.approvals.map((a: { by: string }) => a.by)).toEqual(['user:ava', 'user:abe']);
    expect((await registry.api('GET', v(2))).body.stage).toBe('production');
    expect((await registry.api('GET', '/api/v1/models/fraud/scorer')).body.stage).toBe('production');

    // Deployed to production: the alias moves, the history keeps v1.
    const deployed = await callAs(registry, mel, 'POST', '/api/v1/environments/production/deployments', { version: 'fraud/scorer@2', reason: 'Q3 release' });
    expect(deployed.status).toBe(201);
    expect(deployed.body).toMatchObject({ environment: 'production', version: 'fraud/scorer@2', previous: 'fraud/scorer@1', id: expect.any(String) });
    expect((await registry.api('GET', '/api/v1/models/fraud/scorer/aliases')).body.items).toEqual([expect.objectContaining({ environment: 'production', number: 2 })]);

    // Quarantined: the alias rolls back to v1 in the same step; promotions and deployments of v2 are refused.
    const pulled = await callAs(registry, sec, 'POST', `${v(2)}/quarantine`, { reason: 'INC-2231: poisoned training data' });
    expect(pulled.status).toBe(200);
    expect(pulled.body.rollbacks).toEqual([expect.objectContaining({ environment: 'production', from: 'fraud/scorer@2', to: 'fraud/scorer@1' })]);
    expect((await registry.api('GET', '/api/v1/models/fraud/scorer/aliases')).body.items).toEqual([expect.objectContaining({ environment: 'production', number: 1 })]);
    expect((await registry.api('GET', v(2))).body.status).toBe('quarantined');
    const redeploy = await callAs(registry, mel, 'POST', '/api/v1/environments/production/deployments', { version: 'fraud/scorer@2' });
    expect(redeploy.status).toBe(409);
    expect(redeploy.body.detail).toContain('quarantined');
    const promoteAgain = await callAs(registry, mel, 'GET', `${v(2)}/gate?to=production`);
    expect(promoteAgain.body.checks.find((c: { kind: string; passed: boolean }) => c.kind === 'state' && !c.passed)).toBeDefined();

    // Every decision is in the ledger, with its rationale and, for promotions, the gate report and the approvals.
    const entries = (await registry.api('GET', '/api/v1/ledger/entries?from=0')).body.entries as { action: string; subject: string; reason?: string; actor: string; payload: Record<string, unknown> }[];
    const promoted = entries.filter((e) => e.action === 'version.promoted' && e.subject === 'mk:version:fraud/scorer@2');
    expect(promoted.map((e) => e.payload.to)).toEqual(['exploration', 'validation', 'production']);
    const toProd = promoted.at(-1)!;
    expect(toProd.reason).toBe('beats v1 on new customers');
    expect((toProd.payload.report as { passed: boolean }).passed).toBe(true);
    expect((toProd.payload.approvals as { by: string; rationale: string }[]).map((a) => a.rationale)).toEqual(['bias and safety evidence reviewed', 'metrics hold on edge slices']);
    const quarantine = entries.find((e) => e.action === 'version.quarantined')!;
    expect(quarantine).toMatchObject({ actor: 'user:sec', reason: 'INC-2231: poisoned training data' });
    expect((quarantine.payload.rollbacks as unknown[]).length).toBe(1);
    expect(entries.some((e) => e.action === 'promotion.requested' && (e.payload as { outcome: string }).outcome === 'refused')).toBe(true);
  });

  it.skipIf(skip)('refuses deploying a version below the stage the environment requires, and a manual rollback finds the last healthy version', async () => {
    await registerAndPublish(3);
    const early = await callAs(registry, mel, 'POST', '/api/v1/environments/staging/deployments', { version: 'fraud/scorer@3' });
    expect(early.status).toBe(409);
    expect(early.body.detail).toMatch(/reached validation/);
    await toProduction(3);
    expect((await callAs(registry, mel, 'POST', '/api/v1/environments/production/deployments', { version: 'fraud/scorer@3' })).status).toBe(201);
    // The deployment system says the rollout failed: a rollback by hand goes to v1 (v2 is quarantined).
    expect((await callAs(registry, mel, 'POST', '/api/v1/environments/production/reports', { version: 'fraud/scorer@3', status: 'failed', externalId: 'argo-991', detail: 'crash loop' })).status).toBe(201);
    const back = await callAs(registry, mel, 'POST', '/api/v1/environments/production/rollback', { model: 'fraud/scorer', reason: 'crash loop on v3' });
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ from: 'fraud/scorer@3', to: 'fraud/scorer@1' });
    // v3 failed there, so it is not a target of later rollbacks; and nothing is left to roll back to from v1.
    const none = await callAs(registry, mel, 'POST', '/api/v1/environments/production/rollback', { model: 'fraud/scorer', reason: 'again' });
    expect(none.status).toBe(409);
    expect(none.body.detail).toContain('no earlier healthy version');
  });

  it.skipIf(skip)('applies an approved correction as an amendment that keeps the original visible', async () => {
    const asked = await callAs(registry, dana, 'POST', `${v(1)}/changes`, { template: 'correction', changes: { license: 'MIT' }, rationale: 'license was mis-recorded', impact: 'license review must be redone' });
    expect(asked.status).toBe(201);
    const own = await callAs(registry, dana, 'POST', `/api/v1/changes/${asked.body.id}/approve`, { rationale: 'mine' });
    expect(own.status).toBe(403);
    const approved = await callAs(registry, ava, 'POST', `/api/v1/changes/${asked.body.id}/approve`, { rationale: 'checked the source repo' });
    expect(approved.status).toBe(200);
    expect(approved.body.status).toBe('approved');
    expect((await registry.api('GET', v(1))).body.metadata.license).toBe('MIT');
    const record = (await registry.api('GET', `${v(1)}/governance`)).body;
    expect(record.amendments).toEqual([expect.objectContaining({ requestId: asked.body.id, changes: { license: { from: 'Apache-2.0', to: 'MIT' } } })]);
    // A published version never changes in place.
    expect((await callAs(registry, dana, 'PATCH', v(1), { license: 'MIT' })).status).toBeGreaterThanOrEqual(400);
  });

  it.skipIf(skip)('rebuilds every governance table exactly from the ledger (verify finds nothing)', async () => {
    const { registry: live } = registry.server;
    await live.access.flush();
    await live.writer.idle();
    const report = await verifyRegistry({ store: live.store, key: parseVerifierKey(live.signer.verifierKey), blobRoot: join(registry.dataDir, 'blobs') });
    expect(report.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(report.projections.compared).toBe(true);
    const counts = await live.store.db.selectFrom('deployments').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    expect(Number(counts.n)).toBeGreaterThan(3);
  });
});

