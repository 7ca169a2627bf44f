import { Ajv } from 'ajv';
import { RegistryError } from '../errors/registry-error.js';
import { compileCondition } from './cel-conditions.js';
import { GatePolicySchema, type GatePolicyDocument } from './gate-policy-schema.js';
import type { GatePolicy } from './gate-types.js';
import { describeSchemaErrors, parsePolicyText, type PolicyFormat, sniffPolicyFormat } from './policy-text.js';

/*
 * A gate policy arrives as text (YAML or JSON) from an administrator and is
 * refused whole when anything in it is wrong, with every problem listed:
 * syntax first, then the schema, then what the schema cannot say.
 */

export { type PolicyFormat, sniffPolicyFormat } from './policy-text.js';

export const MAX_POLICY_BYTES = 256 * 1024;

const ajv = new Ajv({ allErrors: true, strict: false });
const validatePolicy = ajv.compile<GatePolicyDocument>(GatePolicySchema);

export function parseGatePolicy(text: string, format: PolicyFormat = sniffPolicyFormat(text)): GatePolicy {
  if (Buffer.byteLength(text, 'utf8') > MAX_POLICY_BYTES) {
    throw new RegistryError('invalid_policy', `The policy is larger than ${MAX_POLICY_BYTES} bytes`);
  }
  return checkGatePolicy(parsePolicyText(text, format));
}

/** Validates an already-parsed policy; throws `invalid_policy` listing every violation in `extensions.violations`. */
export function checkGatePolicy(value: unknown): GatePolicy {
  if (!validatePolicy(value)) {
    const violations = describeSchemaErrors(validatePolicy.errors ?? []);
    throw new RegistryError('invalid_policy', `The policy does not satisfy its schema: ${violations.join('; ')}`, { extensions: { violations } });
  }
  const policy: GatePolicy = value;
  const violations = policy.rules.flatMap((rule, i) => ruleViolations(rule, `rules[${i}]`));
  if (violations.length > 0) {
    throw new RegistryError('invalid_policy', `The policy is not valid: ${violations.join('; ')}`, { extensions: { violations } });
  }
  return policy;
}

function ruleViolations(rule: GatePolicy['rules'][number], path: string): string[] {
  const violations: string[] = [];
  const attestations = rule.attestations ?? [];
  const conditions = rule.conditions ?? [];
  if (attestations.length === 0 && conditions.length === 0 && (rule.approvals?.count ?? 0) === 0) {
    violations.push(`${path} requires nothing: give it attestations, conditions or approvals with a count above 0`);
  }
  attestations.forEach((attestation, j) => {
    const first = attestations.findIndex((other) => other.type === attestation.type);
    if (first !== j) violations.push(`${path}.attestations[${j}] requires ${attestation.type} again (already at ${path}.attestations[${first}]); merge them`);
  });
  conditions.forEach((condition, j) => {
    try {
      compileCondition(condition.expr);
    } catch (error) {
      violations.push(`${path}.conditions[${j}]: ${(error as Error).message}`);
    }
  });
  return violations;
}
