import { createHash } from 'node:crypto';
import { RegistryError } from '../errors/registry-error.js';

declare const digestBrand: unique symbol;

/**
 * A content address in the OCI form `sha256:<64 lowercase hex>`. Branded so
 * that only `parseDigest` (or hashing) can make one: the hex becomes part of a
 * file name, so an unchecked string must never pass for a digest.
 */
export type Digest = `sha256:${string}` & { readonly [digestBrand]: true };

const ALGORITHM = 'sha256';
const HEX_LENGTH = 64;
const DIGEST_PATTERN = /^sha256:[0-9a-f]{64}$/;
/** Long enough to recognise the input in an error, short enough not to echo a hostile megabyte. */
const QUOTE_LIMIT = 100;

/** Accepts exactly `sha256:` followed by 64 lowercase hex digits, and nothing else. */
export function parseDigest(text: unknown): Digest {
  if (typeof text === 'string' && DIGEST_PATTERN.test(text)) return text as Digest;
  throw new RegistryError('invalid_request', `Invalid digest ${quote(text)}: ${whyInvalid(text)}`);
}

export function isDigest(text: unknown): text is Digest {
  return typeof text === 'string' && DIGEST_PATTERN.test(text);
}

/** The 64 hex digits after `sha256:`. */
export function hexOf(digest: Digest): string {
  return digest.slice(ALGORITHM.length + 1);
}

/** The digest of bytes already in memory (manifests, small documents, tests). */
export function digestOfBytes(bytes: string | Uint8Array): Digest {
  return digestFromHex(createHash(ALGORITHM).update(bytes).digest('hex'));
}

/** For callers that hashed a stream themselves; the hex must come from `Hash.digest('hex')`. */
export function digestFromHex(hex: string): Digest {
  return parseDigest(`${ALGORITHM}:${hex}`);
}

function whyInvalid(text: unknown): string {
  if (typeof text !== 'string') return 'a digest must be a string';
  const colon = text.indexOf(':');
  if (colon < 0) return 'expected the form sha256:<64 lowercase hex digits>';
  const algorithm = text.slice(0, colon);
  const hex = text.slice(colon + 1);
  if (algorithm !== ALGORITHM) return `unsupported algorithm ${quote(algorithm)}, only sha256 is accepted`;
  if (/[A-F]/.test(hex) && /^[0-9a-fA-F]*$/.test(hex)) return 'hex digits must be lowercase';
  if (!/^[0-9a-f]*$/.test(hex)) return 'the part after sha256: must be hex digits';
  return `expected ${HEX_LENGTH} hex digits, got ${hex.length}`;
}

function quote(value: unknown): string {
  if (typeof value !== 'string') return typeof value;
  const shown = value.length > QUOTE_LIMIT ? `${value.slice(0, QUOTE_LIMIT)}…` : value;
  return JSON.stringify(shown);
}
