import { canonicalJson } from '../ledger/canonical-json.js';
import { leafHash } from '../ledger/leaf-hash.js';
import { rootOf } from '../ledger/merkle.js';

/** A read as the server saw it, before it has a place in the access log. */
export interface AccessRead {
  /** ISO 8601, when the answer was sent. */
  readonly at: string;
  /** The principal id, as a change record's actor. */
  readonly actor: string;
  readonly action: string;
  /** The URN or `sha256:` digest read, or the path and query of a search. */
  readonly subject: string;
  /** The HTTP status of the answer: a refused read is evidence too. */
  readonly status: number;
}

/** A read with its place in the access log. */
export interface AccessRecord extends AccessRead {
  readonly id: number;
}

/** A record with the leaf hash (hex) its batch's Merkle root is computed over. */
export interface SealedAccessRecord extends AccessRecord {
  readonly leafHash: string;
}

/**
 * The RFC 8785 text a record is hashed as: every field but the hash. The
 * batch it belongs to is not part of it; the anchoring entry names its records.
 */
export function accessRecordCanonical(record: AccessRecord): string {
  const { id, at, actor, action, subject, status } = record;
  return canonicalJson({ id, at, actor, action, subject, status });
}

/** RFC 9162 §2.1.1 leaf of a record: SHA-256(0x00 || canonical JSON), hex. */
export function accessRecordLeaf(record: AccessRecord): string {
  return leafHash(accessRecordCanonical(record)).toString('hex');
}

export function sealAccessRecord(read: AccessRead, id: number): SealedAccessRecord {
  const { at, actor, action, subject, status } = read;
  const record = { id, at, actor, action, subject, status };
  return { ...record, leafHash: accessRecordLeaf(record) };
}

/** The RFC 9162 Merkle Tree Hash over a batch's leaf hashes (hex), in id order. */
export function batchRoot(leafHashes: readonly string[]): Buffer {
  return rootOf(leafHashes.map((hex) => Buffer.from(hex, 'hex')));
}
