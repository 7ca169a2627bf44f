import type { ErrorObject } from 'ajv';
import YAML from 'yaml';
import { RegistryError } from '../errors/registry-error.js';

/*
 * Policy documents (gate policies, the risk rubric, the license policy)
 * arrive as YAML or JSON text from an administrator. Syntax errors name a
 * line and column; schema violations name the path of each offending field.
 * All of them are `invalid_policy`.
 */

export type PolicyFormat = 'yaml' | 'json';

/** JSON when the text starts with `{` (after whitespace), YAML otherwise. */
export const sniffPolicyFormat = (text: string): PolicyFormat => (text.trimStart().startsWith('{') ? 'json' : 'yaml');

/** Parses policy text in its format; throws `invalid_policy` with the position of the first syntax error. */
export function parsePolicyText(text: string, format: PolicyFormat = sniffPolicyFormat(text)): unknown {
  return format === 'json' ? parseJson(text) : parseYaml(text);
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
export function describeSchemaErrors(errors: readonly ErrorObject[]): string[] {
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

function jsonPath(instancePath: string, root = 'policy'): string {
  const segments = instancePath.split('/').slice(1).map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
  if (segments.length === 0) return root;
  return segments.reduce((path, s, i) => (/^\d+$/.test(s) ? `${path}[${s}]` : i === 0 ? s : `${path}.${s}`), '');
}
