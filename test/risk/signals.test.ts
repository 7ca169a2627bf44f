import { describe, expect, it } from 'vitest';
import { defaultRubric } from '../../src/risk/default-rubric.js';
import {
  biasFindings,
  customerExposure,
  dataSensitivity,
  edgeCasePerformance,
  licenseConflicts,
  openIncidents,
  staleValidation,
  vulnerabilities,
} from '../../src/risk/signals.js';
import type { SignalSettings } from '../../src/risk/rubric-types.js';
import { cleanModel, unknownModel } from './facts.js';

const settings = defaultRubric.signals as SignalSettings;

describe('data sensitivity', () => {
  it('counts PII as high even when the dataset is labelled low', () => {
    const facts = unknownModel({ datasets: [{ urn: 'mk:dataset:a@1', sensitivity: 'low' }, { urn: 'mk:dataset:fraud/tx@1', sensitivity: 'low', pii: true }] });
    expect(dataSensitivity(facts, settings.dataSensitivity)).toEqual({ value: 1, reason: 'trained on mk:dataset:fraud/tx@1 (PII)' });
  });

  it('takes the higher of the training data and the declared profile', () => {
    const facts = unknownModel({ profile: { sensitivity: 'high' }, datasets: [{ urn: 'mk:dataset:a@1', sensitivity: 'medium' }] });
    expect(dataSensitivity(facts, settings.dataSensitivity)).toEqual({ value: 1, reason: 'the risk profile declares high sensitivity' });
  });

  it('counts an unclassified dataset as unknown, not as harmless', () => {
    const facts = unknownModel({ datasets: [{ urn: 'mk:dataset:a@1', sensitivity: 'low' }, { urn: 'mk:dataset:b@2', sensitivity: null, pii: null }] });
    expect(dataSensitivity(facts, settings.dataSensitivity)).toEqual({ value: 0.5, reason: 'trained on mk:dataset:b@2 (sensitivity not recorded) (counted as 0.5)' });
  });

  it('says how many more datasets are as sensitive as the one it names', () => {
    const facts = unknownModel({ datasets: ['a', 'b', 'c'].map((n) => ({ urn: `mk:dataset:${n}@1`, pii: true })) });
    expect(dataSensitivity(facts, settings.dataSensitivity).reason).toBe('trained on mk:dataset:a@1 (PII), and 2 more as sensitive');
  });
});

describe('declared levels', () => {
  it('reads customer exposure from the profile, and counts it whenMissing when undeclared', () => {
    expect(customerExposure(unknownModel({ profile: { customerExposure: 'medium' } }), settings.customerExposure)).toEqual({ value: 0.5, reason: 'customer exposure medium (risk profile)' });
    expect(customerExposure(unknownModel(), { weight: 1, whenMissing: 0.8 })).toEqual({ value: 0.8, reason: 'customer exposure not declared in the risk profile (counted as 0.8)' });
  });
});

describe('edge-case performance', () => {
  const edge = settings.edgeCasePerformance;
  const evaluated = (edgeAccuracy: Record<string, number>, overall = 0.93) =>
    unknownModel({
      edgeCaseSlices: Object.entries(edgeAccuracy).map(([name, accuracy]) => ({ name, metrics: { accuracy } })),
      overallSlices: [{ name: 'overall', metrics: { accuracy: overall } }],
    });

  it('counts in full an edge slice under the floor', () => {
    expect(edgeCasePerformance(evaluated({ night: 0.72, rain: 0.85 }), edge)).toEqual({ value: 1, reason: 'edge-case slice night: accuracy 0.72 under the limit 0.8' });
  });

  it('counts in full an edge slice above the floor that trails the other slices by more than the gap', () => {
    expect(edgeCasePerformance(evaluated({ night: 0.81 }, 0.95), edge)).toEqual({
      value: 1,
      reason: 'edge-case slice night: accuracy 0.81 trails the other slices (0.95) by 0.14, more than 0.1',
    });
  });

  it('does not count a slice trailing by exactly the gap, despite float noise', () => {
    expect(edgeCasePerformance(evaluated({ night: 0.81 }, 0.91), edge)).toEqual({ value: 0, reason: '1 edge-case slice within policy, worst night: accuracy 0.81' });
  });

  it('names the worst of several slices that fall short', () => {
    expect(edgeCasePerformance(evaluated({ rain: 0.79, night: 0.6, fog: 0.9 }), edge).reason).toBe('2 of 3 edge-case slices fall short, worst night: accuracy 0.6 under the limit 0.8');
  });

  it('reads a lower-is-better metric the other way round', () => {
    const errorRate = { ...edge, metric: 'error_rate', higherIsBetter: false, limit: 0.1, gap: null };
    const facts = unknownModel({ edgeCaseSlices: [{ name: 'night', metrics: { error_rate: 0.15 } }, { name: 'rain', metrics: { error_rate: 0.05 } }] });
    expect(edgeCasePerformance(facts, errorRate)).toEqual({ value: 1, reason: 'edge-case slice night: error_rate 0.15 over the limit 0.1' });
  });

  it('counts whenMissing when there is no evaluation, no edge-case slice, or no slice reporting the metric', () => {
    expect(edgeCasePerformance(unknownModel(), edge)).toEqual({ value: 0.5, reason: 'no evaluation with edge-case slices (counted as 0.5)' });
    expect(edgeCasePerformance(unknownModel({ overallSlices: [{ name: 'overall', metrics: { accuracy: 0.9 } }] }), edge).reason).toBe(
      'the latest evaluation flags no edge-case slices (counted as 0.5)',
    );
    const noAccuracy = unknownModel({ edgeCaseSlices: [{ name: 'night', metrics: { f1: 0.4, accuracy: Number.NaN } }] });
    expect(edgeCasePerformance(noAccuracy, { ...edge, whenMissing: 1 })).toEqual({ value: 1, reason: 'no edge-case slice reports accuracy (counted as 1)' });
  });

  it('judges the slices that report the metric and mentions the ones that do not', () => {
    const facts = unknownModel({ edgeCaseSlices: [{ name: 'night', metrics: { accuracy: 0.9 } }, { name: 'rain', metrics: { f1: 0.2 } }] });
    expect(edgeCasePerformance(facts, edge)).toEqual({ value: 0, reason: '1 edge-case slice within policy, worst night: accuracy 0.9; 1 edge-case slice without accuracy' });
  });
});

describe('bias findings', () => {
  const bias = settings.biasFindings;

  it('counts a failed assessment in full', () => {
    expect(biasFindings(unknownModel({ bias: { verdict: 'fail', findings: [] } }), bias)).toEqual({ value: 1, reason: 'bias assessment failed; no unmitigated findings' });
  });

  it('counts the worst unmitigated finding even under a passing verdict, ignoring mitigated ones', () => {
    const facts = unknownModel({
      bias: { verdict: 'pass', findings: [{ severity: 'critical', mitigated: true }, { severity: 'high', mitigated: false }, { severity: 'low', mitigated: false }] },
    });
    expect(biasFindings(facts, bias)).toEqual({ value: 0.75, reason: 'bias assessment passed; 2 unmitigated findings, worst high (1 mitigated)' });
  });

  it('counts whenMissing without any assessment', () => {
    expect(biasFindings(unknownModel(), bias)).toEqual({ value: 0.5, reason: 'no bias assessment (counted as 0.5)' });
  });
});

describe('vulnerabilities', () => {
  const vulns = settings.vulnerabilities;

  it('counts the worst open severity, more for several', () => {
    const facts = unknownModel({
      vulnerabilities: [
        { advisory: 'GHSA-low', library: 'pkg:npm/a@1', severity: 'low' },
        { advisory: 'GHSA-high', library: 'pkg:pypi/requests@2.0.0', severity: 'high' },
      ],
    });
    expect(vulnerabilities(facts, vulns)).toEqual({ value: 0.85, reason: '2 open vulnerabilities, worst high: GHSA-high in pkg:pypi/requests@2.0.0' });
  });

  it('caps many findings at 1', () => {
    const many = Array.from({ length: 12 }, (_, i) => ({ advisory: `GHSA-${i}`, library: 'pkg:npm/a@1', severity: 'medium' as const }));
    expect(vulnerabilities(unknownModel({ vulnerabilities: many }), vulns).value).toBe(1);
  });

  it('counts an advisory without a severity as the rubric says, and says so', () => {
    const facts = unknownModel({ vulnerabilities: [{ advisory: 'OSV-2024-1', library: 'pkg:pypi/x@1', severity: 'unknown' }] });
    expect(vulnerabilities(facts, { ...vulns, unknownSeverityAs: 'high' })).toEqual({
      value: 0.75,
      reason: '1 open vulnerability, worst high: OSV-2024-1 in pkg:pypi/x@1 (no severity given, counted as high)',
    });
  });

  it('counts deprecated libraries as the rubric says, or not at all', () => {
    const facts = unknownModel({ deprecatedLibraries: ['pkg:npm/request@2.88.2', 'pkg:npm/left-pad@1.3.0'] });
    expect(vulnerabilities(facts, vulns)).toEqual({
      value: 0.35,
      reason: '2 deprecated libraries (each counted as low): pkg:npm/request@2.88.2 and 1 more',
    });
    expect(vulnerabilities(facts, { ...vulns, deprecatedLibraryAs: 'ignored' })).toEqual({
      value: 0,
      reason: '2 deprecated libraries (ignored by the rubric): pkg:npm/request@2.88.2 and 1 more',
    });
  });

  it('reads an empty list as none known', () => {
    expect(vulnerabilities(unknownModel(), vulns)).toEqual({ value: 0, reason: 'no open vulnerabilities or deprecated libraries known' });
  });
});

describe('license conflicts', () => {
  it('counts a conflict in full and warnings alone as the warning value', () => {
    const conflict = { dataset: 'mk:dataset:scraped@1', severity: 'conflict' as const, reason: 'CC-BY-NC-4.0 forbids commercial use' };
    const warning = { dataset: 'mk:dataset:wiki@3', severity: 'warning' as const, reason: 'CC-BY-SA-4.0 requires attribution' };
    expect(licenseConflicts(unknownModel({ licenseConflicts: [warning, conflict] }), settings.licenseConflicts)).toEqual({
      value: 1,
      reason: 'license conflict with mk:dataset:scraped@1: CC-BY-NC-4.0 forbids commercial use; 1 warning',
    });
    expect(licenseConflicts(unknownModel({ licenseConflicts: [warning] }), settings.licenseConflicts)).toEqual({
      value: 0.25,
      reason: 'license warning for mk:dataset:wiki@3: CC-BY-SA-4.0 requires attribution (counted as 0.25)',
    });
  });
});

describe('stale validation', () => {
  const stale = settings.staleValidation;

  it('counts a validation older than the policy allows in full', () => {
    expect(staleValidation(cleanModel({ lastValidatedAt: '2024-12-01T00:00:00Z' }), stale)).toEqual({ value: 1, reason: 'last validated 211 days ago (policy: 180)' });
  });

  it('counts a fresh validation, including one exactly maxAgeDays old, as nothing', () => {
    expect(staleValidation(cleanModel(), stale)).toEqual({ value: 0, reason: 'validated 29 days ago (policy: 180)' });
    expect(staleValidation(cleanModel({ lastValidatedAt: '2025-01-01T12:00:00Z' }), stale)).toEqual({ value: 0, reason: 'validated 180 days ago (policy: 180)' });
    expect(staleValidation(cleanModel({ lastValidatedAt: '2025-01-01T11:59:59Z' }), stale).value).toBe(0);
    expect(staleValidation(cleanModel({ lastValidatedAt: '2024-12-31T12:00:00Z' }), stale).value).toBe(1);
  });

  it('treats a validation stamped after the scoring time as fresh', () => {
    expect(staleValidation(cleanModel({ lastValidatedAt: '2025-07-01T00:00:00Z' }), stale)).toEqual({ value: 0, reason: 'validated today (policy: 180)' });
  });

  it('counts never validated, or an unreadable time, as whenMissing', () => {
    expect(staleValidation(unknownModel(), stale)).toEqual({ value: 1, reason: 'never validated (counted as 1)' });
    expect(staleValidation(unknownModel({ lastValidatedAt: 'last Tuesday' }), { ...stale, whenMissing: 0.5 })).toEqual({
      value: 0.5,
      reason: 'last validation time unreadable (counted as 0.5)',
    });
  });
});

describe('open incidents', () => {
  it('counts the worst open incident or drift alert, more for several, naming the worst', () => {
    const facts = unknownModel({
      openIncidents: [
        { id: 'DRIFT-3', kind: 'drift', severity: 'medium' },
        { id: 'INC-7', kind: 'incident', severity: 'critical' },
        { id: 'DRIFT-4', kind: 'drift', severity: 'low' },
      ],
    });
    expect(openIncidents(facts, settings.openIncidents)).toEqual({ value: 1, reason: '1 open incident and 2 open drift alerts, worst critical: incident INC-7' });
    expect(openIncidents(unknownModel({ openIncidents: [{ id: 'DRIFT-3', kind: 'drift', severity: 'medium' }] }), settings.openIncidents)).toEqual({
      value: 0.5,
      reason: '1 open drift alert, worst medium: drift alert DRIFT-3',
    });
    expect(openIncidents(unknownModel(), settings.openIncidents)).toEqual({ value: 0, reason: 'no open incidents or drift alerts' });
  });
});
