import { describe, expect, it } from 'vitest';
import { RegistryError } from '../../src/errors/registry-error.js';
import { defaultGatePolicy } from '../../src/governance/default-gate-policy.js';
import { checkGatePolicy, MAX_POLICY_BYTES, parseGatePolicy } from '../../src/governance/parse-gate-policy.js';

function refusal(attempt: () => unknown): RegistryError {
  try {
    attempt();
  } catch (error) {
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as RegistryError).code).toBe('invalid_policy');
    return error as RegistryError;
  }
  throw new Error('the policy was accepted');
}

const yamlPolicy = `
description: Fraud models
rules:
  - to: validation
    attestations:
      - type: evaluation
        verdicts: [pass, pass_with_conditions]
  - to: production
    tiers: [high, critical]
    attestations:
      - { type: safety_review, maxAgeDays: 30 }
    conditions:
      - name: auc
        expr: version.metrics.auc >= 0.85
        message: AUC must be at least 0.85
    approvals: { count: 2, role: compliance }
`;

describe('parsing gate policies', () => {
  it('accepts a YAML policy', () => {
    const policy = parseGatePolicy(yamlPolicy);
    expect(policy.rules).toHaveLength(2);
    expect(policy.rules[1]).toMatchObject({ to: 'production', tiers: ['high', 'critical'], approvals: { count: 2, role: 'compliance' } });
  });

  it('accepts the same policy as JSON, sniffing the format from the leading brace', () => {
    const json = JSON.stringify(parseGatePolicy(yamlPolicy), null, 2);
    expect(parseGatePolicy(`  \n${json}`)).toEqual(parseGatePolicy(yamlPolicy));
    expect(parseGatePolicy(json, 'json')).toEqual(parseGatePolicy(yamlPolicy, 'yaml'));
  });

  it('refuses malformed YAML with the line and column', () => {
    const error = refusal(() => parseGatePolicy('rules:\n  - to: production\n    tiers: [high\n'));
    expect(error.message).toMatch(/^The policy is not valid YAML: .* at line \d+, column \d+$/);
    expect(error.extensions).toMatchObject({ line: expect.any(Number), column: expect.any(Number) });
  });

  it('refuses YAML with a duplicated key', () => {
    const error = refusal(() => parseGatePolicy('rules: []\nrules: []\n'));
    expect(error.message).toBe('The policy is not valid YAML: Map keys must be unique at line 2, column 1');
    expect(error.extensions).toMatchObject({ line: 2, column: 1 });
  });

  it('refuses YAML with an unresolved alias rather than throwing a raw error', () => {
    expect(refusal(() => parseGatePolicy('rules: *nowhere\n')).message).toMatch(/^The policy is not valid YAML: /);
  });

  it('refuses malformed JSON with the line and column, never a raw SyntaxError', () => {
    const error = refusal(() => parseGatePolicy('{\n  "rules": [\n    { "to": "production", }\n  ]\n}'));
    expect(error.message).toBe('The policy is not valid JSON: Expected double-quoted property name at line 3, column 27');
    expect(error.extensions).toMatchObject({ line: 3, column: 27 });
    expect(refusal(() => parseGatePolicy('{"rules": [')).message).toMatch(/^The policy is not valid JSON: Unexpected end of JSON input at line 1, column 12$/);
  });

  it('refuses JSON whose error has no position without quoting the input back', () => {
    const error = refusal(() => parseGatePolicy('{"rules": [NaN]}'));
    expect(error.message).toBe("The policy is not valid JSON: Unexpected token 'N'");
  });

  it('lists every schema violation with its path', () => {
    const error = refusal(() =>
      checkGatePolicy({
        rules: [
          { to: 'staging', attestations: [{ type: 'evaluation', verdicts: [] }] },
          { to: 'production', approvals: { count: 11, role: 'boss' }, stages: ['x'] },
          { attestations: [{ type: 'evaluation', maxAgeDays: 0 }] },
        ],
      }),
    );
    const violations = error.extensions['violations'];
    expect(violations).toEqual(
      expect.arrayContaining([
        'rules[0].to must be one of exploration, validation, production',
        'rules[0].attestations[0].verdicts must NOT have fewer than 1 items',
        'rules[1].stages is not a known field',
        'rules[1].approvals.count must be <= 10',
        'rules[1].approvals.role must be one of viewer, contributor, maintainer, approver, compliance, auditor, security-admin, admin',
        'rules[2].to is required',
        'rules[2].attestations[0].maxAgeDays must be >= 1',
      ]),
    );
    expect(violations).toHaveLength(7);
    expect(error.message).toBe(`The policy does not satisfy its schema: ${(violations as string[]).join('; ')}`);
  });

  it('refuses a policy that is not an object, or has no rules', () => {
    expect(refusal(() => checkGatePolicy([])).extensions['violations']).toEqual(['policy must be object']);
    expect(refusal(() => parseGatePolicy('')).extensions['violations']).toEqual(['policy must be object']);
    expect(refusal(() => checkGatePolicy({ rules: [] })).extensions['violations']).toEqual(['rules must NOT have fewer than 1 items']);
  });

  it('refuses a malformed CEL condition, naming the rule, the condition and the parse error', () => {
    const error = refusal(() =>
      checkGatePolicy({
        rules: [
          { to: 'validation', attestations: [{ type: 'evaluation' }] },
          { to: 'production', attestations: [{ type: 'license_review' }] },
          { to: 'production', conditions: [{ expr: 'version.metrics.auc >=' }] },
        ],
      }),
    );
    expect(error.message).toMatch(/^The policy is not valid: rules\[2\]\.conditions\[0\]: "version\.metrics\.auc >=" is not valid CEL: line 1, column \d+: /);
  });

  it('refuses a condition naming a variable that does not exist', () => {
    const error = refusal(() => checkGatePolicy({ rules: [{ to: 'production', conditions: [{ expr: 'verison.license != ""' }] }] }));
    expect(error.extensions['violations']).toEqual([
      'rules[0].conditions[0]: "verison.license != \\"\\"" uses `verison`, which is not defined; a condition can use only `version` and `model`',
    ]);
  });

  it('refuses a rule that requires nothing', () => {
    for (const rule of [{ to: 'production' }, { to: 'production', attestations: [], conditions: [] }, { to: 'production', approvals: { count: 0 } }]) {
      expect(refusal(() => checkGatePolicy({ rules: [rule] })).extensions['violations']).toEqual([
        'rules[0] requires nothing: give it attestations, conditions or approvals with a count above 0',
      ]);
    }
  });

  it('refuses the same attestation type twice in one rule', () => {
    const error = refusal(() =>
      checkGatePolicy({ rules: [{ to: 'production', attestations: [{ type: 'evaluation' }, { type: 'evaluation', maxAgeDays: 30 }] }] }),
    );
    expect(error.extensions['violations']).toEqual(['rules[0].attestations[1] requires evaluation again (already at rules[0].attestations[0]); merge them']);
  });

  it('refuses a policy larger than 256 KiB before parsing it', () => {
    const text = `description: ${'x'.repeat(MAX_POLICY_BYTES)}\nrules: []\n`;
    expect(refusal(() => parseGatePolicy(text)).message).toBe('The policy is larger than 262144 bytes');
  });

  it('accepts the built-in default policy', () => {
    expect(checkGatePolicy(structuredClone(defaultGatePolicy))).toEqual(defaultGatePolicy);
  });
});
