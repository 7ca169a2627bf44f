import type { RiskFacts } from '../../src/risk/risk-facts.js';

export const NOW = '2025-06-30T12:00:00.000Z';

/** A model nothing is known about: no profile, no data, never evaluated nor validated. */
export const unknownModel = (overrides: Partial<RiskFacts> = {}): RiskFacts => ({
  now: NOW,
  profile: {},
  datasets: [],
  edgeCaseSlices: [],
  overallSlices: [],
  bias: { verdict: null, findings: [] },
  vulnerabilities: [],
  deprecatedLibraries: [],
  licenseConflicts: [],
  lastValidatedAt: null,
  openIncidents: [],
  ...overrides,
});

/** A fully assessed model with nothing wrong: every signal reads 0. */
export const cleanModel = (overrides: Partial<RiskFacts> = {}): RiskFacts =>
  unknownModel({
    profile: { sensitivity: 'low', customerExposure: 'low', regulatoryImpact: 'low' },
    datasets: [{ urn: 'mk:dataset:public/weather@1', sensitivity: 'low', pii: false }],
    edgeCaseSlices: [{ name: 'night', metrics: { accuracy: 0.9 } }],
    overallSlices: [{ name: 'overall', metrics: { accuracy: 0.93 } }],
    bias: { verdict: 'pass', findings: [] },
    lastValidatedAt: '2025-06-01T00:00:00.000Z',
    ...overrides,
  });
