import { describe, expect, it } from 'vitest';
import { compileCondition } from '../../src/governance/cel-conditions.js';
import type { GateSubject } from '../../src/governance/gate-types.js';
import { RegistryError } from '../../src/errors/registry-error.js';

const subject: GateSubject = {
  version: {
    number: 3,
    license: 'Apache-2.0',
    description: null,
    metrics: { auc: 0.91, f1: 1 },
    tags: ['fraud', 'tabular'],
    complianceFlags: ['pii'],
    publishedAt: new Date('2025-01-10T00:00:00Z') as unknown,
  },
  model: { name: 'scorer', namespace: 'fraud', riskProfile: { sensitivity: 'high' } },
};

const evaluate = (expr: string, on: GateSubject = subject) => compileCondition(expr).evaluate(on);

function compileError(expr: string): RegistryError {
  try {
    compileCondition(expr);
  } catch (error) {
    expect(error).toBeInstanceOf(RegistryError);
    return error as RegistryError;
  }
  throw new Error(`${expr} compiled`);
}

describe('CEL gate conditions', () => {
  it.each([
    'version.metrics.auc >= 0.85',
    'version.number >= 2',
    'version.number == 3',
    'version.license != ""',
    '"pii" in version.complianceFlags',
    'size(version.tags) > 0',
    'has(version.metrics.auc)',
    '!has(version.metrics.recall)',
    '!has(version.description)',
    'version.tags.exists(t, t == "fraud")',
    'version.tags.all(tag, tag.size() > 0)',
    'model.riskProfile.sensitivity == "high"',
    'version.number + 1.0 == 4.0',
    'int(version.number) % 2 == 1',
    'timestamp(version.publishedAt) < timestamp("2026-01-01T00:00:00Z")',
    'type(version.number) == double',
  ])('passes when %s holds', (expr) => {
    expect(evaluate(expr)).toEqual({ passed: true, why: `${expr} is true` });
  });

  it.each(['version.metrics.auc >= 0.95', 'version.number < 2', '"pii" in version.tags', 'has(version.metrics.recall)'])(
    'fails, saying it is false, when %s does not hold',
    (expr) => {
      expect(evaluate(expr)).toEqual({ passed: false, why: `${expr} is false` });
    },
  );

  it('fails with the reason when a field the expression reads is missing, instead of throwing', () => {
    const outcome = evaluate('version.metrics.recall > 0.5');
    expect(outcome.passed).toBe(false);
    expect(outcome.why).toBe('version.metrics.recall > 0.5 could not be evaluated: field not found: recall');
  });

  it('treats a null field as absent: has() is false and reading it fails', () => {
    const noLicense: GateSubject = { version: { license: null }, model: {} };
    expect(evaluate('has(version.license)', noLicense).passed).toBe(false);
    expect(evaluate('version.license != ""', noLicense)).toMatchObject({ passed: false, why: expect.stringContaining('field not found: license') });
  });

  it('fails, saying what it gave, when the result is not a boolean', () => {
    expect(evaluate('version.metrics.auc')).toEqual({ passed: false, why: 'version.metrics.auc gave the double 0.91, not true or false' });
    expect(evaluate('version.tags')).toEqual({ passed: false, why: 'version.tags gave a list of 2 items, not true or false' });
    expect(evaluate('size(version.tags)').why).toContain('the int 2');
  });

  it('fails with the error for arithmetic that mixes doubles and ints', () => {
    const outcome = evaluate('version.number + 1 == 4');
    expect(outcome.passed).toBe(false);
    expect(outcome.why).toContain('no matching overload');
  });

  it('refuses a malformed expression, naming the parse error and its position', () => {
    const error = compileError('version.metrics.auc >= ');
    expect(error.code).toBe('invalid_policy');
    expect(error.message).toMatch(/^"version\.metrics\.auc >= " is not valid CEL: line 1, column \d+: /);
  });

  it('refuses a misspelt variable when compiling, saying which names are available', () => {
    const error = compileError('verison.metrics.auc >= 0.85');
    expect(error.code).toBe('invalid_policy');
    expect(error.message).toBe(
      '"verison.metrics.auc >= 0.85" uses `verison`, which is not defined; a condition can use only `version` and `model`',
    );
  });

  it('accepts comprehension variables inside their macro but not outside it', () => {
    expect(() => compileCondition('version.tags.exists(t, t == "x")')).not.toThrow();
    expect(compileError('version.tags.exists(t, t == "x") && t == "y"').message).toContain('uses `t`');
  });

  it('refuses a function CEL does not define', () => {
    expect(compileError('sise(version.tags) > 0').message).toBe('"sise(version.tags) > 0" calls `sise`, which CEL does not define');
  });

  it('refuses deeply nested input without overflowing', () => {
    const error = compileError(`${'('.repeat(990)}true${')'.repeat(990)}`);
    expect(error.code).toBe('invalid_policy');
    expect(error.message).toContain('is not valid CEL: it is nested too deeply');
  });

  it('returns the same compiled condition for the same text', () => {
    expect(compileCondition('version.number > 1')).toBe(compileCondition('version.number > 1'));
  });
});
