import { createHash } from 'node:crypto';

/** RFC 9162 §2.1.1: leaves and interior nodes are hashed with distinct prefixes. */
const LEAF_PREFIX = Buffer.from([0x00]);

/** MTH({d}) = SHA-256(0x00 || d) over the entry's canonical JSON bytes. */
export function leafHash(canonical: string): Buffer {
  return createHash('sha256').update(LEAF_PREFIX).update(canonical, 'utf8').digest();
}
