import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { RegistryError } from '../errors/registry-error.js';

// ajv-formats is CommonJS with an ES-style default; take whichever the loader gives.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

/*
 * Namespaces extend metadata with a JSON Schema of their own for `extra`.
 * Schemas come from users, so ajv never loads a remote $ref and compiled
 * validators are cached by the schema's text.
 */

const ajv = addFormats(new Ajv({ allErrors: true, strict: false, validateSchema: true }));
const compiled = new Map<string, ValidateFunction>();
const MAX_SCHEMA_BYTES = 64 * 1024;

export function compileExtensionSchema(schema: unknown): ValidateFunction {
  const key = JSON.stringify(schema);
  const cached = compiled.get(key);
  if (cached !== undefined) return cached;
  if (key.length > MAX_SCHEMA_BYTES) {
    throw new RegistryError('invalid_request', `The extension schema is larger than ${MAX_SCHEMA_BYTES} bytes`);
  }
  if (typeof schema !== 'object' || schema === null || (schema as { type?: unknown }).type !== 'object') {
    throw new RegistryError('invalid_request', 'An extension schema must be a JSON Schema whose "type" is "object"');
  }
  let validate: ValidateFunction;
  try {
    validate = ajv.compile(schema);
  } catch (cause) {
    throw new RegistryError('invalid_request', `The extension schema is not a valid JSON Schema: ${(cause as Error).message}`, { cause });
  }
  if (compiled.size > 1000) compiled.clear();
  compiled.set(key, validate);
  return validate;
}

export function describeErrors(errors: readonly ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => `extra${e.instancePath || ''} ${e.message ?? 'is invalid'}`);
}

/** Throws `invalid_metadata` listing every violation when `extra` does not satisfy the schema. */
export function checkExtra(schema: object | undefined, extra: unknown, subject: string): void {
  if (schema === undefined) return;
  const validate = compileExtensionSchema(schema);
  if (!validate(extra ?? {})) {
    const violations = describeErrors(validate.errors);
    throw new RegistryError('invalid_metadata', `${subject}: ${violations.join('; ')}`, { extensions: { violations } });
  }
}
