import { Ajv } from 'ajv';
import { RegistryError } from '../errors/registry-error.js';
import { describeSchemaErrors, parsePolicyText, type PolicyFormat, sniffPolicyFormat } from '../governance/policy-text.js';
import { type LicensePolicy, type LicensePolicyDocument, LicensePolicySchema, type UnknownLicenseAction } from './license-policy-schema.js';
import { covers, describeTerm, type LicenseTerm, type LicenseTree, parseLicenseExpression, quoted, termOptions, termsOf } from './spdx-expression.js';

/*
 * A license policy arrives as text (YAML or JSON) from an administrator and
 * is refused whole when anything in it is wrong, with every problem listed:
 * syntax first; then the schema and the entries together, so that a policy
 * with a misspelt key and an unknown license id hears about both at once.
 */

export { defaultLicensePolicy } from './default-license-policy.js';

export const MAX_LICENSE_POLICY_BYTES = 64 * 1024;

const ajv = new Ajv({ allErrors: true, strict: false });
const validatePolicy = ajv.compile<LicensePolicyDocument>(LicensePolicySchema);

export function parseLicensePolicy(text: string, format: PolicyFormat = sniffPolicyFormat(text)): LicensePolicy {
  if (Buffer.byteLength(text, 'utf8') > MAX_LICENSE_POLICY_BYTES) {
    throw new RegistryError('invalid_policy', `The license policy is larger than ${MAX_LICENSE_POLICY_BYTES} bytes`);
  }
  return checkLicensePolicy(parsePolicyText(text, format));
}

/** Validates an already-parsed policy; throws `invalid_policy` listing every violation in `extensions.violations`. */
export function checkLicensePolicy(value: unknown): LicensePolicy {
  const violations = validatePolicy(value) ? [] : describeSchemaErrors(validatePolicy.errors ?? []);
  const allowed = readList(value, 'allowed', violations);
  const denied = readList(value, 'denied', violations);
  violations.push(...repeats(allowed), ...repeats(denied), ...contradictions(allowed, denied));
  if (violations.length > 0) {
    throw new RegistryError('invalid_policy', `The license policy is not valid: ${violations.join('; ')}`, { extensions: { violations } });
  }
  const document = value as LicensePolicyDocument;
  return {
    allowed: allowed.map((entry) => entry.text),
    denied: denied.map((entry) => entry.text),
    unknown: document.unknown ?? 'warn',
  };
}

/** One license term of a policy list, with where it was written. */
export interface PolicyEntry {
  readonly term: LicenseTerm;
  readonly text: string;
  readonly path: string;
}

export interface CompiledLicensePolicy {
  readonly allowed: readonly PolicyEntry[];
  readonly denied: readonly PolicyEntry[];
  readonly unknown: UnknownLicenseAction;
}

const compiled = new WeakMap<LicensePolicy, CompiledLicensePolicy>();

/** The policy's entries as license terms, for the evaluator; a policy that was never checked is checked here. */
export function compileLicensePolicy(policy: LicensePolicy): CompiledLicensePolicy {
  const known = compiled.get(policy);
  if (known !== undefined) return known;
  const violations: string[] = [];
  const result = {
    allowed: readList(policy, 'allowed', violations),
    denied: readList(policy, 'denied', violations),
    unknown: policy.unknown === 'deny' ? 'deny' : 'warn',
  } as const;
  if (violations.length > 0) {
    throw new RegistryError('invalid_policy', `The license policy is not valid: ${violations.join('; ')}`, { extensions: { violations } });
  }
  compiled.set(policy, result);
  return result;
}

/** The terms of a list; the schema reports a list that is not an array of strings, so those are skipped here. */
function readList(value: unknown, key: 'allowed' | 'denied', violations: string[]): PolicyEntry[] {
  const list = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  if (!Array.isArray(list)) return [];
  return list.flatMap((item: unknown, i) => {
    if (typeof item !== 'string' || item.trim() === '') return [];
    const path = `${key}[${i}]`;
    const parsed = parseLicenseExpression(item);
    if (!parsed.ok) {
      violations.push(`${path}: ${quoted(item)} is not an SPDX license expression: ${parsed.problem}`);
      return [];
    }
    if (joinsWithAnd(parsed.tree)) {
      violations.push(`${path}: ${quoted(item)} joins licenses with AND, which a list of acceptable or refused licenses cannot mean; list each license on its own`);
      return [];
    }
    // `A OR B` in a list names both A and B.
    return termsOf(parsed.tree).map((term) => ({ term, text: describeTerm(term), path }));
  });
}

const joinsWithAnd = (tree: LicenseTree): boolean => tree.kind === 'and' || (tree.kind === 'or' && (joinsWithAnd(tree.left) || joinsWithAnd(tree.right)));

function repeats(entries: readonly PolicyEntry[]): string[] {
  return entries.flatMap((entry, i) => {
    const first = entries.findIndex((other) => other.text === entry.text);
    return first === i ? [] : [`${entry.path} names ${entry.text} again (already at ${entries[first]!.path})`];
  });
}

/** An allowed entry every version of which is denied would never allow anything: the author meant something else. */
function contradictions(allowed: readonly PolicyEntry[], denied: readonly PolicyEntry[]): string[] {
  return allowed.flatMap((entry) => {
    const deniers = termOptions(entry.term).map((option) => denied.find((d) => covers(d.term, option)));
    if (deniers.some((d) => d === undefined)) return [];
    const named = [...new Set(deniers.map((d) => `${d!.path} (${d!.text})`))].join(', ');
    return [`${entry.path} allows ${entry.text}, which ${named} denies; a license cannot be both allowed and denied`];
  });
}
