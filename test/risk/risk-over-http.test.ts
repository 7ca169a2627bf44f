import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAllEntries } from '../support/ledger-check.js';
import { dialects, startTestRegistry, type TestRegistry } from '../support/test-registry.js';

/*
 * Risk scoring over HTTP on both databases, with automatic rescoring on:
 * every change is scored shortly after its commit, the score is explained by
 * contributions that add up to it, an incident raises it, a rubric change
 * rescores every model and raises alerts for tiers that rose past the alert
 * threshold, a malformed rubric changes nothing, and the portfolio summary
 * reads the same in JSON and CSV.
 *
 * Scores, with the built-in rubric (weights sum to 100) and no versions:
 * the profile's three levels count 0 / 7.5 / 15 each; no evaluation counts
 * half of edge cases (5) and bias (5); never validated counts staleness in
 * full (5). So all-high is 60 (high), all-medium 37.5 (medium), all-low 15 (low).
 */

type Risk = {
  model: string;
  scored: boolean;
  score: number | null;
  tier: string;
  contributions: { signal: string; weight: number; value: number; points: number; reason: string }[];
  actions: { extraApprovals: number; restrictArtifacts: boolean; retrainingRequired: boolean } | null;
  rubricRevision: number | null;
  history: { seq: number; score: number; tier: string; previousTier: string | null }[];
};

const profile = (level: 'low' | 'medium' | 'high') => ({ sensitivity: level, regulatoryImpact: level, customerExposure: level });

describe.each(dialects)('risk scoring over HTTP ($name)', ({ name, skip }) => {
  let registry: TestRegistry;

  const risk = async (model: string): Promise<Risk> => {
    const response = await registry.api('GET', `/api/v1/models/credit/${model}/risk`);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body as Risk;
  };
  /** Scores are written after the commit that moves them, on the rescorer's time: poll until `ready` holds (about 5 s at most). */
  const riskWhen = async (model: string, ready: (r: Risk) => boolean, what: string): Promise<Risk> => {
    const deadline = Date.now() + 5000;
    for (;;) {
      const current = await risk(model);
      if (ready(current)) return current;
      if (Date.now() > deadline) throw new Error(`credit/${model}: timed out waiting until ${what}; last answer ${JSON.stringify(current)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const eventsOfType = async (type: string) => (await registry.api('GET', `/api/v1/events?type=${type}&limit=1000`)).body.items as { id: string; seq: number; type: string; subject: string; data: Record<string, unknown> }[];

  beforeAll(async () => {
    if (skip) return;
    registry = await startTestRegistry(name, { riskScoring: { auto: true } });
    expect((await registry.api('POST', '/api/v1/namespaces', { name: 'credit' })).status).toBe(201);
    for (const [model, level] of [['approver', 'high'], ['limits', 'medium'], ['reminders', 'low']] as const) {
      const created = await registry.api('POST', '/api/v1/models', { namespace: 'credit', name: model, owners: ['risk@example.com'], riskProfile: profile(level) });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
    }
  });
  afterAll(async () => registry?.close());

  it.skipIf(skip)('scores each model after its commit: score, tier, actions, and contributions that add up to the score', async () => {
    const approver = await riskWhen('approver', (r) => r.scored, 'it is scored');
    expect(approver).toMatchObject({ model: 'credit/approver', score: 60, tier: 'high', rubricRevision: 0, actions: { extraApprovals: 1, restrictArtifacts: false, retrainingRequired: false } });
    const limits = await riskWhen('limits', (r) => r.scored, 'it is scored');
    expect(limits).toMatchObject({ score: 37.5, tier: 'medium' });
    const reminders = await riskWhen('reminders', (r) => r.scored, 'it is scored');
    expect(reminders).toMatchObject({ score: 15, tier: 'low' });

    for (const scored of [approver, limits, reminders]) {
      const sum = scored.contributions.reduce((total, c) => total + c.points, 0);
      expect(sum).toBeCloseTo(scored.score!, 6);
      // Every signal of the built-in rubric is shown, most points first.
      expect(scored.contributions).toHaveLength(9);
      expect(scored.contributions.map((c) => c.points)).toEqual([...scored.contributions.map((c) => c.points)].sort((a, b) => b - a));
      expect(scored.history).toEqual([expect.objectContaining({ score: scored.score, tier: scored.tier, previousTier: null })]);
    }
    expect(approver.contributions.find((c) => c.signal === 'regulatoryImpact')).toMatchObject({ weight: 15, value: 1, points: 15 });
    expect(approver.contributions.every((c) => c.reason.length > 0)).toBe(true);

    // A first score at or past the alert tier (high) raises an alert; lower ones do not.
    const raised = await eventsOfType('risk.tier_raised');
    expect(raised.map((e) => e.subject)).toEqual(['mk:model:credit/approver']);
    expect(raised[0]!.data).toMatchObject({ model: 'credit/approver', tier: 'high', previousTier: null, score: 60 });
    expect((await registry.api('GET', '/api/v1/models/credit/nothing/risk')).status).toBe(404);
  });

  it.skipIf(skip)('raises the score when an incident is opened, and lowers it again when it is resolved', async () => {
    const opened = await registry.api('POST', '/api/v1/models/credit/limits/incidents', { kind: 'incident', severity: 'high', summary: 'limits granted above policy for a day' });
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    // A high incident counts 0.75 of the weight 10.
    const raised = await riskWhen('limits', (r) => r.score !== 37.5, 'the incident is scored');
    expect(raised).toMatchObject({ score: 45, tier: 'medium' });
    expect(raised.contributions.find((c) => c.signal === 'openIncidents')).toMatchObject({ value: 0.75, points: 7.5 });
    expect(raised.history.map((h) => h.score)).toEqual([45, 37.5]);

    // A second, drift, stays open through the rest of the file.
    expect((await registry.api('POST', '/api/v1/models/credit/limits/incidents', { kind: 'drift', severity: 'low', summary: 'approval rate drifting' })).status).toBe(201);
    const both = await riskWhen('limits', (r) => r.score !== 45, 'the drift alert is scored');
    // Worst severity (0.75) plus 0.1 for the other one.
    expect(both.score).toBe(46);

    const resolved = await registry.api('POST', `/api/v1/incidents/${opened.body.id}/resolve`, { resolution: 'limit table restored' });
    expect(resolved.status).toBe(200);
    const after = await riskWhen('limits', (r) => r.score !== 46, 'the resolution is scored');
    // Only the low drift alert is left: 0.25 × 10.
    expect(after.score).toBe(40);
    const incidents = await registry.api('GET', '/api/v1/models/credit/limits/incidents?status=open');
    expect(incidents.body.items.map((i: { kind: string }) => i.kind)).toEqual(['drift']);
  });

  it.skipIf(skip)('refuses a malformed rubric with every violation listed, and changes nothing', async () => {
    const sizeBefore = (await registry.api('GET', '/api/v1/ledger/entries?from=0&to=0')).body.size as number;
    const refused = await registry.api('PUT', '/api/v1/risk/rubric', {
      document: {
        signals: { spaceship: { weight: 1 }, openIncidents: { weight: -3 } },
        tiers: { medium: 50, high: 40, critical: 90 },
        actions: { high: { extraApprovals: 2 }, critical: { extraApprovals: 1 } },
      },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('invalid_policy');
    expect(refused.body.violations).toEqual(
      expect.arrayContaining([
        expect.stringContaining('signals.spaceship is not a known signal'),
        expect.stringContaining('signals.openIncidents.weight'),
        expect.stringContaining('tiers.high (40) must be above tiers.medium (50)'),
        expect.stringContaining('actions.critical.extraApprovals (1) is below actions.high.extraApprovals (2)'),
      ]),
    );
    const syntax = await registry.api('PUT', '/api/v1/risk/rubric', { source: 'tiers: { medium: 10,', format: 'yaml' });
    expect(syntax.status).toBe(422);

    expect((await registry.api('GET', '/api/v1/risk/rubric')).body).toMatchObject({ from: 'builtin', revision: 0, document: { tiers: { medium: 25, high: 50, critical: 75 } } });
    expect((await registry.api('GET', '/api/v1/ledger/entries?from=0&to=0')).body.size).toBe(sizeBefore);
    expect((await risk('approver')).rubricRevision).toBe(0);
  });

  it.skipIf(skip)('rescores every model when the rubric changes: tiers move, alerts go out for tiers that rose past the threshold, and each score is in the ledger', async () => {
    const raisedBefore = (await eventsOfType('risk.tier_raised')).length;
    const scoredBefore = (await readAllEntries(registry.url, registry.adminToken)).filter((e) => e.action === 'risk.scored').length;
    const rubric = await registry.api('GET', '/api/v1/risk/rubric');
    const document = { ...rubric.body.document, tiers: { medium: 20, high: 40, critical: 55 } };
    const set = await registry.api('PUT', '/api/v1/risk/rubric', { document, reason: 'the credit committee lowered the thresholds' });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    // Every score was made under the old rubric, so every one is written again.
    expect(set.body).toEqual({ revision: 1, rescored: { scored: 3, changed: 3 } });

    // The rubric's own rescore has been written when it answers.
    expect(await risk('approver')).toMatchObject({ score: 60, tier: 'critical', rubricRevision: 1, actions: { extraApprovals: 2, restrictArtifacts: true, retrainingRequired: true } });
    expect(await risk('limits')).toMatchObject({ score: 40, tier: 'high', rubricRevision: 1 });
    expect(await risk('reminders')).toMatchObject({ score: 15, tier: 'low', rubricRevision: 1 });
    expect((await risk('limits')).history[0]).toMatchObject({ tier: 'high', previousTier: 'medium' });

    // limits rose from medium to high, past the alert threshold; approver was already past it.
    const raised = (await eventsOfType('risk.tier_raised')).slice(raisedBefore);
    expect(raised.map((e) => e.subject)).toEqual(['mk:model:credit/limits']);
    expect(raised[0]!.data).toMatchObject({ model: 'credit/limits', tier: 'high', previousTier: 'medium', score: 40 });
    expect((raised[0]!.data.reasons as string[]).length).toBeGreaterThan(0);

    const entries = await readAllEntries(registry.url, registry.adminToken);
    const scored = entries.filter((e) => e.action === 'risk.scored');
    expect(scored.length - scoredBefore).toBe(3);
    expect(scored.slice(-3).map((e) => e.subject).sort()).toEqual(['mk:model:credit/approver', 'mk:model:credit/limits', 'mk:model:credit/reminders']);
    expect(scored.slice(-3).every((e) => e.actor === 'service:risk-scorer' && (e.payload as { rubricRevision: number }).rubricRevision === 1)).toBe(true);
    expect(entries.filter((e) => e.action === 'risk_rubric.set')).toHaveLength(1);
    const history = await registry.api('GET', '/api/v1/risk/rubric/history');
    expect(history.body.items).toEqual([expect.objectContaining({ reason: 'the credit committee lowered the thresholds' })]);
  });

  it.skipIf(skip)('finds the critical model by its tier in the catalog', async () => {
    const critical = await registry.api('GET', '/api/v1/models?riskTier=critical');
    expect(critical.status, JSON.stringify(critical.body)).toBe(200);
    expect(critical.body.items.map((m: { name: string }) => m.name)).toEqual(['approver']);
    const high = await registry.api('GET', '/api/v1/models?riskTier=high');
    expect(high.body.items.map((m: { name: string }) => m.name)).toEqual(['limits']);
    expect((await registry.api('GET', '/api/v1/models?riskTier=extreme')).status).toBe(400);
  });

  it.skipIf(skip)('summarises the portfolio by tier and namespace with the riskiest models and their reasons, in JSON and CSV', async () => {
    const summary = await registry.api('GET', '/api/v1/risk/summary');
    expect(summary.status).toBe(200);
    expect(summary.body.models).toBe(3);
    expect(summary.body.byTier).toEqual({ low: 1, medium: 0, high: 1, critical: 1, unassessed: 0 });
    expect(summary.body.byNamespace).toEqual({ credit: { low: 1, medium: 0, high: 1, critical: 1, unassessed: 0 } });
    expect(summary.body.riskiest.map((r: { model: string }) => r.model)).toEqual(['approver', 'limits', 'reminders']);
    const top = summary.body.riskiest[0];
    expect(top).toMatchObject({ namespace: 'credit', model: 'approver', tier: 'critical', score: 60, retrainingRequired: true });
    expect(top.reasons).toHaveLength(3);
    expect(top.reasons[0]).toMatch(/\(\+15\)$/);
    expect(summary.body.retrainingRequired).toEqual(['credit/approver']);

    const atLeastHigh = await registry.api('GET', '/api/v1/risk/summary?minTier=high');
    expect(atLeastHigh.body.riskiest.map((r: { model: string }) => r.model)).toEqual(['approver', 'limits']);
    expect((await registry.api('GET', '/api/v1/risk/summary?tier=severe')).status).toBe(400);

    const csv = await fetch(`${registry.url}/api/v1/risk/summary?format=csv`, { headers: { authorization: `Bearer ${registry.adminToken}` } });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toContain('risk-summary.csv');
    const lines = (await csv.text()).split('\r\n').filter((line) => line !== '');
    expect(lines[0]).toBe('namespace,model,tier,score,retraining_required,computed_at,top_reasons');
    expect(lines).toHaveLength(4);
    expect(lines.slice(1).map((line) => line.split(',').slice(0, 5).join(','))).toEqual(['credit,approver,critical,60,true', 'credit,limits,high,40,false', 'credit,reminders,low,15,false']);
  });
});
