import { describe, expect, it } from 'vitest';
import { RegistryError } from '../../src/errors/registry-error.js';
import { defaultRubric, defaultRubricText } from '../../src/risk/default-rubric.js';
import { checkRubric, MAX_RUBRIC_BYTES, parseRubric } from '../../src/risk/parse-rubric.js';

function refusal(attempt: () => unknown): RegistryError {
  try {
    attempt();
  } catch (error) {
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as RegistryError).code).toBe('invalid_policy');
    return error as RegistryError;
  }
  throw new Error('the rubric was accepted');
}
const violationsOf = (attempt: () => unknown) => refusal(attempt).extensions['violations'] as string[];

const tiers = { medium: 25, high: 50, critical: 75 };

describe('parsing rubrics', () => {
  it('parses the default rubric text to the default rubric', () => {
    expect(parseRubric(defaultRubricText)).toEqual(defaultRubric);
  });

  it('accepts JSON, sniffing the format from the leading brace', () => {
    expect(parseRubric(`  ${JSON.stringify({ signals: { openIncidents: { weight: 1 } }, tiers })}`)).toMatchObject({
      signals: { openIncidents: { weight: 1, perAdditional: 0.1 } },
    });
  });

  it('reads its own output back unchanged, so a resolved rubric can be stored and checked again', () => {
    expect(checkRubric(structuredClone(defaultRubric))).toEqual(defaultRubric);
    const resolved = parseRubric('signals: { edgeCasePerformance: { weight: 1, limit: 0.7 } }\ntiers: { medium: 1, high: 2, critical: 3 }\n');
    expect(resolved.signals.edgeCasePerformance).toMatchObject({ limit: 0.7, gap: null });
    expect(checkRubric(JSON.parse(JSON.stringify(resolved)))).toEqual(resolved);
  });

  it('fills every default a short rubric leaves out', () => {
    const rubric = parseRubric(`
signals:
  dataSensitivity: { weight: 2 }
  edgeCasePerformance: { weight: 1, gap: 0.05 }
  vulnerabilities: { weight: 3 }
  staleValidation: { weight: 1 }
tiers: { medium: 10, high: 40, critical: 90 }
`);
    expect(rubric).toEqual({
      description: null,
      signals: {
        dataSensitivity: { weight: 2, whenMissing: 0.5 },
        edgeCasePerformance: { weight: 1, whenMissing: 0.5, metric: 'accuracy', higherIsBetter: true, limit: null, gap: 0.05 },
        vulnerabilities: { weight: 3, perAdditional: 0.1, unknownSeverityAs: 'medium', deprecatedLibraryAs: 'low' },
        staleValidation: { weight: 1, whenMissing: 1, maxAgeDays: 180 },
      },
      tiers: { medium: 10, high: 40, critical: 90 },
      actions: {
        low: { extraApprovals: 0, restrictArtifacts: false, retrainingRequired: false },
        medium: { extraApprovals: 0, restrictArtifacts: false, retrainingRequired: false },
        high: { extraApprovals: 0, restrictArtifacts: false, retrainingRequired: false },
        critical: { extraApprovals: 0, restrictArtifacts: false, retrainingRequired: false },
      },
      alerts: null,
    });
  });

  it('gives each tier exactly its written actions, with no inheritance', () => {
    const rubric = checkRubric({ ...minimal(), actions: { medium: { restrictArtifacts: true }, high: { restrictArtifacts: true, extraApprovals: 1 }, critical: { restrictArtifacts: true, extraApprovals: 1 } } });
    expect(rubric.actions.low).toEqual({ extraApprovals: 0, restrictArtifacts: false, retrainingRequired: false });
    expect(rubric.actions.medium).toEqual({ extraApprovals: 0, restrictArtifacts: true, retrainingRequired: false });
    expect(rubric.actions.critical).toEqual({ extraApprovals: 1, restrictArtifacts: true, retrainingRequired: false });
  });
});

describe('refusing malformed rubrics', () => {
  it('refuses YAML with a syntax error, naming its line', () => {
    const error = refusal(() => parseRubric('signals:\n  vulnerabilities: { weight: 15\ntiers: { medium: 25 }\n'));
    expect(error.message).toMatch(/^The policy is not valid YAML: .* at line \d+, column \d+$/);
    expect(error.extensions).toMatchObject({ line: expect.any(Number), column: expect.any(Number) });
  });

  it('refuses a duplicated key with its position', () => {
    const error = refusal(() => parseRubric('signals: {}\ntiers: {}\nsignals: {}\n'));
    expect(error.extensions).toMatchObject({ line: 3, column: 1 });
  });

  it('lists every violation at once: unknown signal, thresholds out of order, negative weight, unknown tier', () => {
    const violations = violationsOf(() =>
      parseRubric(`
signals:
  dataSensitivty: { weight: 10 }
  vulnerabilities: { weight: -5 }
  openIncidents: { weight: 10, whenMissing: 0.5 }
tiers: { medium: 60, high: 50, critical: 101 }
actions:
  severe: { extraApprovals: 1 }
alerts: { tierAtLeast: extreme }
`),
    );
    expect(violations).toEqual(
      expect.arrayContaining([
        'signals.dataSensitivty is not a known signal; the signals are dataSensitivity, customerExposure, regulatoryImpact, edgeCasePerformance, biasFindings, vulnerabilities, licenseConflicts, staleValidation, openIncidents',
        'actions.severe is not a tier; the tiers are low, medium, high, critical',
        'signals.vulnerabilities.weight must be >= 0',
        // Open incidents read an empty list as none: there is nothing to be missing.
        'signals.openIncidents.whenMissing is not a known field',
        'tiers.critical must be <= 100',
        'alerts.tierAtLeast must be one of low, medium, high, critical',
        'tiers.high (50) must be above tiers.medium (60): each tier starts strictly above the one below it',
      ]),
    );
    expect(violations).toHaveLength(7);
    expect(refusal(() => checkRubric({ signals: { dataSensitivty: { weight: 1 } }, tiers })).message).toMatch(/^The rubric is not valid: signals\.dataSensitivty is not a known signal/);
  });

  it('refuses thresholds that are equal, since a tier must start strictly above the one below', () => {
    expect(violationsOf(() => checkRubric({ ...minimal(), tiers: { medium: 50, high: 50, critical: 40 } }))).toEqual([
      'tiers.high (50) must be above tiers.medium (50): each tier starts strictly above the one below it',
      'tiers.critical (40) must be above tiers.high (50): each tier starts strictly above the one below it',
    ]);
  });

  it('refuses a rubric in which nothing weighs anything', () => {
    const nothing = 'signals: no signal weighs more than 0, so every model would score 0; give at least one signal a positive weight';
    expect(violationsOf(() => checkRubric({ signals: { vulnerabilities: { weight: 0 }, openIncidents: { weight: 0 } }, tiers }))).toEqual([nothing]);
    expect(violationsOf(() => checkRubric({ signals: {}, tiers }))).toEqual([nothing]);
  });

  it('refuses an edge-case signal with neither a limit nor a gap', () => {
    const neither = ['signals.edgeCasePerformance needs a limit, a gap or both: without either no slice can fall short'];
    expect(violationsOf(() => checkRubric({ signals: { edgeCasePerformance: { weight: 1 } }, tiers }))).toEqual(neither);
    expect(violationsOf(() => checkRubric({ signals: { edgeCasePerformance: { weight: 1, limit: null, gap: null } }, tiers }))).toEqual(neither);
  });

  it('refuses actions that relax as the tier rises', () => {
    const violations = violationsOf(() =>
      checkRubric({ ...minimal(), actions: { high: { extraApprovals: 2, restrictArtifacts: true }, critical: { extraApprovals: 1 } } }),
    );
    expect(violations).toEqual([
      'actions.critical.extraApprovals (1) is below actions.high.extraApprovals (2): a riskier tier cannot need fewer approvals',
      'actions.critical.restrictArtifacts is off while actions.high.restrictArtifacts is on: tiers do not inherit actions, so repeat it for critical',
    ]);
  });

  it('refuses whenMissing outside 0..1, wrong types and missing parts', () => {
    expect(
      violationsOf(() =>
        checkRubric({
          signals: { biasFindings: { weight: 1, whenMissing: 2 }, customerExposure: {}, edgeCasePerformance: { weight: 1, limit: 'high' } },
          alerts: 'high',
        }),
      ),
    ).toEqual([
      'tiers is required',
      'signals.customerExposure.weight is required',
      'signals.edgeCasePerformance.limit must be number,null',
      'signals.biasFindings.whenMissing must be <= 1',
      'alerts must be object,null',
    ]);
  });

  it('refuses a rubric that is not an object, including empty text', () => {
    expect(violationsOf(() => checkRubric([]))).toEqual(['policy must be object']);
    expect(violationsOf(() => parseRubric(''))).toEqual(['policy must be object']);
  });

  it('refuses a rubric larger than 64 KiB before parsing it', () => {
    expect(refusal(() => parseRubric(`description: ${'x'.repeat(MAX_RUBRIC_BYTES)}\n`)).message).toBe('The rubric is larger than 65536 bytes');
  });
});

function minimal() {
  return { signals: { customerExposure: { weight: 1 } }, tiers: { ...tiers } };
}
