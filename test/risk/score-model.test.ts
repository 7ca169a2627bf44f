import { describe, expect, it } from 'vitest';
import { defaultRubric } from '../../src/risk/default-rubric.js';
import { checkRubric } from '../../src/risk/parse-rubric.js';
import type { RiskFacts } from '../../src/risk/risk-facts.js';
import { type RiskScore, riskTiers, scoreModel, tierOf, tierRank, tierRosePastThreshold } from '../../src/risk/score-model.js';
import { topReasons } from '../../src/risk/top-reasons.js';
import { cleanModel, unknownModel } from './facts.js';

const contribution = (score: RiskScore, signal: string) => score.contributions.find((c) => c.signal === signal)!;
const tenthsOf = (points: readonly number[]) => Math.round(points.reduce((a, b) => a + b, 0) * 10);

describe('scoring a model', () => {
  it('puts a model with PII training data and high customer exposure, nothing else assessed, in high', () => {
    // Given a new model trained on PII, exposed to customers, and never evaluated or validated
    const facts = unknownModel({ datasets: [{ urn: 'mk:dataset:fraud/tx@1', pii: true }], profile: { customerExposure: 'high' } });
    // When it is scored with the built-in rubric
    const score = scoreModel(facts, defaultRubric);
    // Then it lands in high: 15 + 15 in full, the unknowns at their whenMissing
    expect(score.score).toBe(52.5);
    expect(score.tier).toBe('high');
    expect(score.contributions.slice(0, 2).map((c) => [c.signal, c.points, c.reason])).toEqual([
      ['dataSensitivity', 15, 'trained on mk:dataset:fraud/tx@1 (PII)'],
      ['customerExposure', 15, 'customer exposure high (risk profile)'],
    ]);
    expect(score.actions).toEqual({ extraApprovals: 1, restrictArtifacts: false, retrainingRequired: false });
  });

  it('lowers that model to medium once its evidence is in and clean', () => {
    const facts = cleanModel({ datasets: [{ urn: 'mk:dataset:fraud/tx@1', pii: true }], profile: { customerExposure: 'high', sensitivity: 'low', regulatoryImpact: 'low' } });
    const score = scoreModel(facts, defaultRubric);
    expect(score.score).toBe(30);
    expect(score.tier).toBe('medium');
  });

  it('scores a model nothing is known about by the whenMissing defaults, never as zero risk', () => {
    const score = scoreModel(unknownModel(), defaultRubric);
    // 0.5 × (15 + 15 + 15 + 10 + 10) + 1 × 5 (never validated) = 37.5
    expect(score.score).toBe(37.5);
    expect(score.tier).toBe('medium');
    expect(Object.fromEntries(score.contributions.map((c) => [c.signal, c.value]))).toEqual({
      dataSensitivity: 0.5,
      customerExposure: 0.5,
      regulatoryImpact: 0.5,
      edgeCasePerformance: 0.5,
      biasFindings: 0.5,
      staleValidation: 1,
      vulnerabilities: 0,
      licenseConflicts: 0,
      openIncidents: 0,
    });
    expect(contribution(score, 'edgeCasePerformance').reason).toBe('no evaluation with edge-case slices (counted as 0.5)');
  });

  it('scores 0 and low for a clean model, every signal explained', () => {
    const score = scoreModel(cleanModel(), defaultRubric);
    expect(score).toMatchObject({ score: 0, tier: 'low', actions: { extraApprovals: 0, restrictArtifacts: false, retrainingRequired: false } });
    expect(score.contributions).toHaveLength(9);
    expect(score.contributions.every((c) => c.reason.length > 0)).toBe(true);
  });

  it('raises the score by the weight\'s share when a critical vulnerability opens', () => {
    const before = scoreModel(cleanModel(), defaultRubric);
    const after = scoreModel(
      cleanModel({ vulnerabilities: [{ advisory: 'GHSA-9wx4-h78v-vm56', library: 'pkg:pypi/requests@2.0.0', severity: 'critical' }] }),
      defaultRubric,
    );
    // vulnerabilities weighs 15 of 100
    expect(after.score - before.score).toBe(15);
    expect(contribution(after, 'vulnerabilities')).toEqual({
      signal: 'vulnerabilities',
      weight: 15,
      value: 1,
      points: 15,
      reason: '1 open vulnerability, worst critical: GHSA-9wx4-h78v-vm56 in pkg:pypi/requests@2.0.0',
    });
  });

  it('gives contributions whose points sum exactly to the score, even when every share needs rounding', () => {
    const rubric = checkRubric({
      signals: { customerExposure: { weight: 1 }, regulatoryImpact: { weight: 1 }, biasFindings: { weight: 1 }, openIncidents: { weight: 0 } },
      tiers: { medium: 25, high: 50, critical: 75 },
    });
    // Given three signals at 0.5 out of three equal weights: each share is 16.666…
    const score = scoreModel(unknownModel(), rubric);
    expect(score.score).toBe(50);
    expect(tenthsOf(score.contributions.map((c) => c.points))).toBe(500);
    expect(score.contributions.map((c) => c.points).sort()).toEqual([0, 16.6, 16.7, 16.7]);

    for (const facts of [unknownModel(), cleanModel(), cleanModel({ profile: { customerExposure: 'medium' }, lastValidatedAt: null })]) {
      const scored = scoreModel(facts, defaultRubric);
      expect(tenthsOf(scored.contributions.map((c) => c.points))).toBe(Math.round(scored.score * 10));
    }
  });

  it('sorts contributions by points, most first', () => {
    const score = scoreModel(unknownModel({ openIncidents: [{ id: 'INC-7', kind: 'incident', severity: 'critical' }] }), defaultRubric);
    const points = score.contributions.map((c) => c.points);
    expect(points).toEqual([...points].sort((a, b) => b - a));
    expect(score.contributions[0]!.signal).toBe('openIncidents');
  });

  it('scores only the signals the rubric lists', () => {
    const rubric = checkRubric({ signals: { staleValidation: { weight: 3 } }, tiers: { medium: 25, high: 50, critical: 75 } });
    const score = scoreModel(unknownModel(), rubric);
    expect(score.contributions.map((c) => c.signal)).toEqual(['staleValidation']);
    expect(score.score).toBe(100);
  });

  it('refuses to score at a time that is not a time: that is a bug upstream, not a risk fact', () => {
    expect(() => scoreModel(unknownModel({ now: 'yesterday' }), defaultRubric)).toThrow(RangeError);
  });
});

describe('tiers', () => {
  const thresholds = defaultRubric.tiers;

  it('includes each lower bound in its tier', () => {
    expect([0, 24.9, 25, 49.9, 50, 74.9, 75, 100].map((s) => tierOf(s, thresholds))).toEqual(['low', 'low', 'medium', 'medium', 'high', 'high', 'critical', 'critical']);
  });

  it('decides the tier on the shown score, so a shown 50 is high however it was reached', () => {
    // 999 / 1999 of 100 is 49.975…, shown as 50
    const rubric = checkRubric({ signals: { customerExposure: { weight: 999 }, regulatoryImpact: { weight: 1000 } }, tiers: { medium: 25, high: 50, critical: 75 } });
    const score = scoreModel(cleanModel({ profile: { customerExposure: 'high', regulatoryImpact: 'low' } }), rubric);
    expect(score.score).toBe(50);
    expect(score.tier).toBe('high');
  });

  it('ranks tiers from low to critical', () => {
    expect(riskTiers.map(tierRank)).toEqual([0, 1, 2, 3]);
  });

  it('applies exactly the actions written for the tier it lands in', () => {
    const byTier = (facts: RiskFacts) => scoreModel(facts, defaultRubric);
    const critical = byTier(
      unknownModel({
        datasets: [{ urn: 'mk:dataset:fraud/tx@1', pii: true }],
        profile: { customerExposure: 'high', regulatoryImpact: 'high' },
        vulnerabilities: [{ advisory: 'GHSA-1', library: 'pkg:npm/a@1', severity: 'critical' }],
        openIncidents: [{ id: 'INC-1', kind: 'incident', severity: 'high' }],
      }),
    );
    expect(critical.tier).toBe('critical');
    expect(critical.actions).toEqual({ extraApprovals: 2, restrictArtifacts: true, retrainingRequired: true });
    expect(byTier(unknownModel()).actions).toEqual({ extraApprovals: 0, restrictArtifacts: false, retrainingRequired: false });

    const rubric = checkRubric({
      signals: { customerExposure: { weight: 1 } },
      tiers: { medium: 25, high: 60, critical: 75 },
      actions: { medium: { retrainingRequired: true }, high: { retrainingRequired: true, extraApprovals: 3 }, critical: { retrainingRequired: true, extraApprovals: 3 } },
    });
    expect(scoreModel(cleanModel({ profile: { customerExposure: 'medium' } }), rubric).actions).toEqual({ extraApprovals: 0, restrictArtifacts: false, retrainingRequired: true });
  });
});

describe('alerting when the tier rises past the threshold', () => {
  const atHigh = defaultRubric;

  it.each([
    [null, 'high', true],
    [null, 'critical', true],
    [null, 'medium', false],
    ['low', 'high', true],
    ['medium', 'critical', true],
    ['high', 'critical', false],
    ['critical', 'critical', false],
    ['critical', 'high', false],
    ['high', 'medium', false],
    ['low', 'medium', false],
  ] as const)('from %s to %s alerts: %s', (previous, next, alerts) => {
    expect(tierRosePastThreshold(previous, next, atHigh)).toBe(alerts);
  });

  it('never alerts when the rubric sets no alert', () => {
    const quiet = { ...defaultRubric, alerts: null };
    expect(tierRosePastThreshold(null, 'critical', quiet)).toBe(false);
    expect(tierRosePastThreshold('low', 'critical', quiet)).toBe(false);
  });
});

describe('top reasons', () => {
  it('gives the reasons behind the largest contributions, leaving out signals that added nothing', () => {
    const score = scoreModel(
      cleanModel({
        datasets: [{ urn: 'mk:dataset:fraud/tx@1', pii: true }],
        vulnerabilities: [{ advisory: 'GHSA-1', library: 'pkg:npm/a@1', severity: 'high' }],
        lastValidatedAt: '2024-12-01T00:00:00.000Z',
      }),
      defaultRubric,
    );
    expect(topReasons(score)).toEqual([
      'trained on mk:dataset:fraud/tx@1 (PII)',
      '1 open vulnerability, worst high: GHSA-1 in pkg:npm/a@1',
      'last validated 211 days ago (policy: 180)',
    ]);
    expect(topReasons(score, 1)).toEqual(['trained on mk:dataset:fraud/tx@1 (PII)']);
    expect(topReasons(score, 10)).toHaveLength(3);
    expect(topReasons(scoreModel(cleanModel(), defaultRubric))).toEqual([]);
  });
});
