import { Ajv, type ErrorObject } from 'ajv';
import { RegistryError } from '../errors/registry-error.js';
import { describeSchemaErrors, parsePolicyText, type PolicyFormat, sniffPolicyFormat } from '../governance/policy-text.js';
import { resolveRubric } from './resolve-rubric.js';
import { riskTiers } from './risk-tiers.js';
import { type RubricDocument, RubricSchema } from './rubric-schema.js';
import { type Rubric, riskSignals } from './rubric-types.js';
import { rubricViolations } from './rubric-violations.js';

/*
 * A risk rubric arrives as text (YAML or JSON) from an administrator and is
 * refused whole when anything in it is wrong, with every problem listed in
 * `extensions.violations`: syntax first (with its line), then the schema and
 * the rules the schema cannot state, together.
 */

export const MAX_RUBRIC_BYTES = 64 * 1024;

const ajv = new Ajv({ allErrors: true, strict: false });
const validateRubric = ajv.compile<RubricDocument>(RubricSchema);

export function parseRubric(text: string, format: PolicyFormat = sniffPolicyFormat(text)): Rubric {
  if (Buffer.byteLength(text, 'utf8') > MAX_RUBRIC_BYTES) {
    throw new RegistryError('invalid_policy', `The rubric is larger than ${MAX_RUBRIC_BYTES} bytes`);
  }
  return checkRubric(parsePolicyText(text, format));
}

/** Validates an already-parsed rubric and fills its defaults; throws `invalid_policy` listing every violation. */
export function checkRubric(value: unknown): Rubric {
  const valid = validateRubric(value);
  const violations = [...(valid ? [] : describeRubricErrors(validateRubric.errors ?? [])), ...rubricViolations(value)];
  if (violations.length > 0) {
    throw new RegistryError('invalid_policy', `The rubric is not valid: ${violations.join('; ')}`, { extensions: { violations } });
  }
  return resolveRubric(value as RubricDocument);
}

/** The shared descriptions, except that a misspelt signal or tier says which names exist. */
function describeRubricErrors(errors: readonly ErrorObject[]): string[] {
  const unknownName = (e: ErrorObject): string | null => {
    if (e.keyword !== 'additionalProperties') return null;
    const name = (e.params as { additionalProperty: string }).additionalProperty;
    if (e.instancePath === '/signals') return `signals.${name} is not a known signal; the signals are ${riskSignals.join(', ')}`;
    if (e.instancePath === '/actions') return `actions.${name} is not a tier; the tiers are ${riskTiers.join(', ')}`;
    return null;
  };
  const named = errors.map(unknownName).filter((v): v is string => v !== null);
  // The rest go together: the shared describer folds a union's branch errors into one line.
  return [...named, ...describeSchemaErrors(errors.filter((e) => unknownName(e) === null))];
}
