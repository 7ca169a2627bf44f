import { describe, expect, it } from 'vitest';
import { defaultGatePolicy } from '../../src/governance/default-gate-policy.js';
import { evaluateGate } from '../../src/governance/evaluate-gate.js';
import type { CurrentAttestation, GateInput, GatePolicy } from '../../src/governance/gate-types.js';

const now = new Date('2025-06-01T12:00:00Z');
const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000).toISOString();

const attestation = (type: CurrentAttestation['type'], overrides: Partial<CurrentAttestation> = {}): CurrentAttestation => ({
  id: `att-${type}`,
  type,
  verdict: 'pass',
  at: daysAgo(10),
  by: 'user:rita',
  ...overrides,
});

function gate(overrides: Partial<GateInput> = {}): GateInput {
  return {
    urn: 'mk:version:fraud/scorer/3',
    status: 'published',
    from: 'validation',
    to: 'production',
    tier: 'low',
    policy: defaultGatePolicy,
    source: { scope: 'builtin', seq: null },
    subject: { version: { number: 3, license: 'MIT', metrics: { auc: 0.9 } }, model: { name: 'scorer' } },
    attestations: [attestation('evaluation'), attestation('license_review')],
    now,
    ...overrides,
  };
}

const check = (report: ReturnType<typeof evaluateGate>, name: string) => report.checks.find((c) => c.name === name);

describe('evaluating a promotion gate', () => {
  it('passes a published low-risk version with the evidence the default policy asks for', () => {
    const report = evaluateGate(gate());
    expect(report.passed).toBe(true);
    expect(report).toMatchObject({
      version: 'mk:version:fraud/scorer/3',
      from: 'validation',
      to: 'production',
      tier: 'low',
      policy: { scope: 'builtin', seq: null },
      evaluatedAt: '2025-06-01T12:00:00.000Z',
      approvals: [{ role: 'approver', count: 1 }],
    });
    expect(report.checks.map((c) => [c.kind, c.name, c.stage])).toEqual([
      ['state', 'published', null],
      ['state', 'moves forward', null],
      ['attestation', 'evaluation', 'production'],
      ['attestation', 'license_review', 'production'],
      ['condition', 'license-declared', 'production'],
    ]);
    expect(check(report, 'evaluation')!.why).toBe(`evaluation att-evaluation by user:rita on ${daysAgo(10)} says pass and is 10 days old (at most 90)`);
  });

  it("adds the risk rubric's extra approvals to a promotion to production, on top of what the policy asks", () => {
    expect(evaluateGate(gate({ extraApprovals: 2 })).approvals).toEqual([{ role: 'approver', count: 3 }]);
    expect(evaluateGate(gate({ tier: 'critical', extraApprovals: 1 })).approvals).toEqual([{ role: 'approver', count: 3 }]);
    expect(evaluateGate(gate({ from: 'exploration', to: 'validation', extraApprovals: 2 })).approvals).toEqual(evaluateGate(gate({ from: 'exploration', to: 'validation' })).approvals);
  });

  it('given a draft, when promoted, then it fails asking to publish first', () => {
    const report = evaluateGate(gate({ status: 'draft' }));
    expect(report.passed).toBe(false);
    expect(check(report, 'published')).toMatchObject({ passed: false, why: 'the version is a draft: publish it first' });
  });

  it.each([
    ['quarantined', 'the version is quarantined'],
    ['retired', 'the version is retired'],
  ])('refuses a %s version, saying so', (status, why) => {
    expect(check(evaluateGate(gate({ status })), 'published')!.why).toContain(why);
  });

  it('given a version in production, when moved back to validation or to production again, then it fails: versions only move forward', () => {
    const back = evaluateGate(gate({ from: 'production', to: 'validation' }));
    expect(back.passed).toBe(false);
    expect(check(back, 'moves forward')!.why).toBe('versions only move forward; production → validation goes back');
    expect(check(evaluateGate(gate({ from: 'production', to: 'production' })), 'moves forward')!.why).toBe(
      'versions only move forward; production → production stays where it is',
    );
    expect(check(evaluateGate(gate({ from: 'retired', to: 'production' })), 'moves forward')!.passed).toBe(false);
  });

  it('given a jump from exploration to production, then the validation rules apply too', () => {
    const policy: GatePolicy = {
      rules: [
        { to: 'validation', attestations: [{ type: 'red_team' }] },
        { to: 'production', attestations: [{ type: 'license_review' }] },
      ],
    };
    const report = evaluateGate(gate({ from: 'exploration', policy }));
    expect(report.checks.filter((c) => c.kind === 'attestation').map((c) => [c.name, c.stage, c.passed])).toEqual([
      ['red_team', 'validation', false],
      ['license_review', 'production', true],
    ]);
    expect(check(report, 'red_team')!.why).toBe('no red_team attestation has been recorded');
    expect(evaluateGate(gate({ from: 'validation', policy })).checks.map((c) => c.name)).not.toContain('red_team');
  });

  it('applies a rule only to the tiers it names', () => {
    const high = evaluateGate(gate({ tier: 'high' }));
    expect(high.checks.map((c) => c.name)).toEqual(expect.arrayContaining(['bias_assessment', 'safety_review']));
    expect(high.passed).toBe(false);
    const medium = evaluateGate(gate({ tier: 'medium' }));
    expect(medium.checks.map((c) => c.name)).not.toContain('bias_assessment');
  });

  it('refuses a verdict the rule does not allow, and accepts one it does', () => {
    const strict = evaluateGate(gate({ attestations: [attestation('evaluation', { verdict: 'pass_with_conditions' }), attestation('license_review')] }));
    expect(check(strict, 'evaluation')).toMatchObject({ passed: false, why: expect.stringMatching(/says pass_with_conditions; needs pass$/) });
    const policy: GatePolicy = { rules: [{ to: 'production', attestations: [{ type: 'evaluation', verdicts: ['pass', 'pass_with_conditions'] }] }] };
    const lenient = evaluateGate(gate({ policy, attestations: [attestation('evaluation', { verdict: 'pass_with_conditions' })] }));
    expect(check(lenient, 'evaluation')!.passed).toBe(true);
    const failed = evaluateGate(gate({ policy, attestations: [attestation('evaluation', { verdict: 'fail' })] }));
    expect(check(failed, 'evaluation')!.why).toContain('says fail; needs pass or pass_with_conditions');
  });

  it('refuses an attestation older than maxAgeDays at the evaluation time', () => {
    const stale = evaluateGate(gate({ attestations: [attestation('evaluation', { at: daysAgo(91) }), attestation('license_review')] }));
    expect(check(stale, 'evaluation')).toMatchObject({ passed: false, why: expect.stringMatching(/is 91 days old; must be at most 90$/) });
    const justInTime = evaluateGate(gate({ attestations: [attestation('evaluation', { at: daysAgo(90) }), attestation('license_review')] }));
    expect(check(justInTime, 'evaluation')!.passed).toBe(true);
  });

  it('reports an attestation required identically by several rules once, and distinct requirements separately', () => {
    const policy: GatePolicy = {
      rules: [
        { to: 'validation', attestations: [{ type: 'evaluation' }] },
        { to: 'production', attestations: [{ type: 'evaluation' }] },
        { to: 'production', attestations: [{ type: 'evaluation', maxAgeDays: 30 }] },
      ],
    };
    const report = evaluateGate(gate({ from: 'exploration', policy }));
    expect(report.checks.filter((c) => c.name === 'evaluation').map((c) => c.stage)).toEqual(['validation', 'production']);
  });

  it('fails a condition with its message and the CEL detail', () => {
    const report = evaluateGate(gate({ subject: { version: { license: '' }, model: {} } }));
    expect(check(report, 'license-declared')).toMatchObject({ passed: false, why: 'the version must declare its license (version.license != "" is false)' });
    const absent = evaluateGate(gate({ subject: { version: { license: null }, model: {} } }));
    expect(check(absent, 'license-declared')!.why).toBe(
      'the version must declare its license (version.license != "" could not be evaluated: field not found: license)',
    );
  });

  it('names a condition by its expression when it has no name', () => {
    const policy: GatePolicy = { rules: [{ to: 'production', conditions: [{ expr: 'version.metrics.auc >= 0.95' }] }] };
    expect(evaluateGate(gate({ policy })).checks.at(-1)).toEqual({
      kind: 'condition',
      name: 'version.metrics.auc >= 0.95',
      stage: 'production',
      passed: false,
      why: 'version.metrics.auc >= 0.95 is false',
    });
  });

  it('given a high-risk model and a policy asking for no approvals, then production still needs two approvers', () => {
    const policy: GatePolicy = { rules: [{ to: 'production', attestations: [{ type: 'evaluation' }], approvals: { count: 0 } }] };
    expect(evaluateGate(gate({ policy, tier: 'critical' })).approvals).toEqual([{ role: 'approver', count: 2 }]);
    expect(evaluateGate(gate({ policy, tier: 'high', to: 'production' })).approvals).toEqual([{ role: 'approver', count: 2 }]);
    expect(evaluateGate(gate({ policy, tier: 'medium' })).approvals).toEqual([]);
    expect(evaluateGate(gate({ policy, tier: 'high', from: 'exploration', to: 'validation' })).approvals).toEqual([]);
  });

  it('merges approvals by role, taking the largest count, across the rules that apply', () => {
    const policy: GatePolicy = {
      rules: [
        { to: 'validation', approvals: { count: 3 } },
        { to: 'production', approvals: { count: 1, role: 'approver' } },
        { to: 'production', approvals: { count: 1, role: 'compliance' } },
        { to: 'production', tiers: ['low'], approvals: { count: 2, role: 'compliance' } },
      ],
    };
    expect(evaluateGate(gate({ policy, from: 'exploration', tier: 'low' })).approvals).toEqual([
      { role: 'approver', count: 3 },
      { role: 'compliance', count: 2 },
    ]);
    expect(evaluateGate(gate({ policy, from: 'validation', tier: 'medium' })).approvals).toEqual([
      { role: 'approver', count: 1 },
      { role: 'compliance', count: 1 },
    ]);
  });

  it('needs nothing to reach exploration under the default policy', () => {
    const report = evaluateGate(gate({ from: 'concept', to: 'exploration', attestations: [] }));
    expect(report.passed).toBe(true);
    expect(report.checks.map((c) => c.kind)).toEqual(['state', 'state']);
    expect(report.approvals).toEqual([]);
  });
});
