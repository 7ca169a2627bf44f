import { Ajv, type ErrorObject } from 'ajv';
import YAML from 'yaml';
import { RegistryError } from '../errors/registry-error.js';
import { compileCondition } from './cel-conditions.js';
import { GatePolicySchema, type GatePolicyDocument } from './gate-policy-schema.js';
import type { GatePolicy } from './gate-types.js';

/*
 * A gate policy arrives as text (YAML or JSON) from an administrator and is
 * refused whole when anything in it is wrong, with every problem listed:
 * syntax first, then the schema, then what the schema cannot say.
 */

export type PolicyFormat = 'yaml' | 'json';

export const MAX_POLICY_BYTES = 256 * 1024;

const ajv = new Ajv({ allErrors: true, strict: false });
const validatePolicy = ajv.compile<GatePolicyDocument>(GatePolicySchema);

/** JSON when the text starts with `{` (after whitespace), YAML otherwise. */
export const sniffPolicyFormat = (text: string): PolicyFormat => (text.trimStart().startsWith('{') ? 'json' : 'yaml');

export function parseGatePolicy(text: string, format: PolicyFormat = sniffPolicyFormat(text)): GatePolicy {
  if (Buffer.byteLength(text, 'utf8') > MAX_POLICY_BYTES) {
    throw new RegistryError('invalid_policy', `The policy is larger than ${MAX_POLICY_BYTES} bytes`);
  }
  return checkGatePolicy(format === 'json' ? parseJson(text) : parseYaml(text));
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

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    const message = (cause as Error).message;
    const at = /^(.*?)(?: in JSON)? at position (\d+)/.exec(message);
    const position = at === null ? (/end of JSON input/.test(message) ? text.length : undefined) : Number(at[2]);
    // V8's "Unexpected token" form has no position and quotes the input back; keep only the token.
    const problem = (at?.[1] ?? message).replace(/, ".*" is not valid JSON$/s, '');
    if (position === undefined) throw new RegistryError('invalid_policy', `The policy is not valid JSON: ${problem}`, { cause });
    const { line, column } = lineAndColumn(text, position);
    throw new RegistryError('invalid_policy', `The policy is not valid JSON: ${problem} at line ${line}, column ${column}`, {
      cause,
      extensions: { line, column },
    });
  }
}

function parseYaml(text: string): unknown {
  const document = YAML.parseDocument(text, { uniqueKeys: true });
  const [first] = document.errors;
  if (first !== undefined) {
    const violations = document.errors.map((e) => e.message.split('\n')[0]!.replace(/:$/, ''));
    const position = first.linePos?.[0];
    throw new RegistryError('invalid_policy', `The policy is not valid YAML: ${violations[0]}`, {
      cause: first,
      extensions: { violations, ...(position === undefined ? {} : { line: position.line, column: position.col }) },
    });
  }
  try {
    // The default alias limit stops "billion laughs" expansion.
    return document.toJS();
  } catch (cause) {
    throw new RegistryError('invalid_policy', `The policy is not valid YAML: ${(cause as Error).message}`, { cause });
  }
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/** One line per violation, named by its path (`rules[0].attestations[1].type`); a union of literals reads as its allowed values. */
function describeSchemaErrors(errors: readonly ErrorObject[]): string[] {
  const unions = errors.filter((e) => e.keyword === 'anyOf');
  const inUnion = (e: ErrorObject) => unions.some((u) => u !== e && u.instancePath === e.instancePath && e.schemaPath.startsWith(`${u.schemaPath}/`));
  return errors
    .filter((e) => !inUnion(e))
    .map((e) => {
      const path = jsonPath(e.instancePath);
      switch (e.keyword) {
        case 'required':
          return `${jsonPath(`${e.instancePath}/${(e.params as { missingProperty: string }).missingProperty}`)} is required`;
        case 'additionalProperties':
          return `${jsonPath(`${e.instancePath}/${(e.params as { additionalProperty: string }).additionalProperty}`)} is not a known field`;
        case 'anyOf': {
          const allowed = errors
            .filter((b) => b.keyword === 'const' && b.instancePath === e.instancePath && b.schemaPath.startsWith(`${e.schemaPath}/`))
            .map((b) => (b.params as { allowedValue: unknown }).allowedValue);
          return allowed.length > 0 ? `${path} must be one of ${allowed.join(', ')}` : `${path} ${e.message ?? 'is invalid'}`;
        }
        default:
          return `${path} ${e.message ?? 'is invalid'}`;
      }
    });
}

function jsonPath(instancePath: string): string {
  const segments = instancePath.split('/').slice(1).map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
  if (segments.length === 0) return 'policy';
  return segments.reduce((path, s, i) => (/^\d+$/.test(s) ? `${path}[${s}]` : i === 0 ? s : `${path}.${s}`), '');
}
