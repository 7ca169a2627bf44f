import { hashLeaf } from './merkle.js';

/** The ledger's leaf: MTH({d}) = SHA-256(0x00 || d) over the entry's canonical JSON bytes (RFC 9162 §2.1.1). */
export function leafHash(canonical: string): Buffer {
  return hashLeaf(Buffer.from(canonical, 'utf8'));
}
