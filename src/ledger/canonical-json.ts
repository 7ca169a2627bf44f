import { createRequire } from 'node:module';
import { RegistryError } from '../errors/registry-error.js';

// The package is CommonJS and its typings claim an ES default export; load it as what it is.
const canonicalize = createRequire(import.meta.url)('canonicalize') as (input: unknown) => string | undefined;

/**
 * RFC 8785 (JCS) serialisation: the exact bytes a ledger entry is hashed as,
 * so an outsider re-serialising the same entry gets the same leaf hash.
 */
export function canonicalJson(value: unknown): string {
  let text: string | undefined;
  try {
    text = canonicalize(value);
  } catch (cause) {
    throw new RegistryError('invalid_request', 'The value cannot be represented as canonical JSON', { cause });
  }
  if (text === undefined) throw new RegistryError('invalid_request', 'The value cannot be represented as canonical JSON');
  return text;
}
