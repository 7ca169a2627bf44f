import { createHash, timingSafeEqual } from 'node:crypto';

/*
 * Merkle tree hashing, proofs and their verification exactly as RFC 9162
 * §2.1 (RFC 6962 §2.1) defines them. Pure functions over 32-byte SHA-256
 * hashes; nothing here knows about the ledger's storage. Verification is
 * what an outsider runs, so it depends on nothing else in ModelKeep.
 */

export const HASH_SIZE = 32;
const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

/** MTH({}) = SHA-256() — the root of an empty tree. */
export const EMPTY_ROOT: Buffer = createHash('sha256').digest();

/** RFC 9162 §2.1.1: MTH({d(0)}) = SHA-256(0x00 || d(0)). */
export function hashLeaf(data: Uint8Array): Buffer {
  return createHash('sha256').update(LEAF_PREFIX).update(data).digest();
}

/** RFC 9162 §2.1.1: SHA-256(0x01 || left || right). */
export function hashChildren(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
}

/** The largest power of two smaller than n (n > 1): the RFC's split point k. */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * MTH of the leaves [lo, hi) given a source of subtree hashes: a complete,
 * aligned subtree is one lookup, anything else splits as RFC 9162 §2.1.1 does.
 * So a proof needs O(log n) lookups, never the whole log.
 */
export type SubtreeSource = (level: number, index: number) => Buffer;

export function rangeRoot(lo: number, hi: number, subtree: SubtreeSource): Buffer {
  const n = hi - lo;
  if (n === 0) return EMPTY_ROOT;
  if ((n & (n - 1)) === 0 && lo % n === 0) return subtree(Math.log2(n), lo / n);
  const k = splitPoint(n);
  return hashChildren(rangeRoot(lo, lo + k, subtree), rangeRoot(lo + k, hi, subtree));
}

/** RFC 9162 §2.1.3.1: the audit path for leaf `index` in the tree of the first `size` leaves. */
export function proveInclusion(index: number, size: number, subtree: SubtreeSource): Buffer[] {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) {
    throw new RangeError(`leaf ${index} is not in a tree of ${size}`);
  }
  const path = (m: number, lo: number, hi: number): Buffer[] => {
    if (hi - lo <= 1) return [];
    const k = splitPoint(hi - lo);
    return m < k
      ? [...path(m, lo, lo + k), rangeRoot(lo + k, hi, subtree)]
      : [...path(m - k, lo + k, hi), rangeRoot(lo, lo + k, subtree)];
  };
  return path(index, 0, size);
}

/** RFC 9162 §2.1.4.1: the proof that the tree of `size1` leaves is a prefix of the tree of `size2`. */
export function proveConsistency(size1: number, size2: number, subtree: SubtreeSource): Buffer[] {
  if (!Number.isSafeInteger(size1) || !Number.isSafeInteger(size2) || size1 < 1 || size1 > size2) {
    throw new RangeError(`no consistency proof from ${size1} to ${size2}`);
  }
  const subproof = (m: number, lo: number, hi: number, complete: boolean): Buffer[] => {
    const n = hi - lo;
    if (m === n) return complete ? [] : [rangeRoot(lo, hi, subtree)];
    const k = splitPoint(n);
    return m <= k
      ? [...subproof(m, lo, lo + k, complete), rangeRoot(lo + k, hi, subtree)]
      : [...subproof(m - k, lo + k, hi, false), rangeRoot(lo, lo + k, subtree)];
  };
  return subproof(size1, 0, size2, true);
}

/** Subtree hashes computed from an in-memory list of leaf hashes (for small trees and tests). */
export function subtreesOf(leafHashes: readonly Uint8Array[]): SubtreeSource {
  const memo = new Map<string, Buffer>();
  const subtree: SubtreeSource = (level, index) => {
    if (level === 0) return Buffer.from(leafHashes[index]!);
    const key = `${level}/${index}`;
    let hash = memo.get(key);
    if (hash === undefined) {
      hash = hashChildren(subtree(level - 1, index * 2), subtree(level - 1, index * 2 + 1));
      memo.set(key, hash);
    }
    return hash;
  };
  return subtree;
}

/** RFC 9162 §2.1.1: the Merkle Tree Hash of a list of leaf hashes. */
export function rootOf(leafHashes: readonly Uint8Array[]): Buffer {
  return rangeRoot(0, leafHashes.length, subtreesOf(leafHashes));
}

export function inclusionProof(leafHashes: readonly Uint8Array[], index: number): Buffer[] {
  return proveInclusion(index, leafHashes.length, subtreesOf(leafHashes));
}

export function consistencyProof(leafHashes: readonly Uint8Array[], size1: number): Buffer[] {
  return proveConsistency(size1, leafHashes.length, subtreesOf(leafHashes));
}

export type ProofCheck = { readonly valid: true } | { readonly valid: false; readonly reason: string };

const VALID: ProofCheck = { valid: true };
const invalid = (reason: string): ProofCheck => ({ valid: false, reason });

function isHash(value: Uint8Array): boolean {
  return value.length === HASH_SIZE;
}

function sameHash(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

const isSize = (n: number): boolean => Number.isSafeInteger(n) && n >= 0;

/** RFC 9162 §2.1.3.2: does `proof` show `leafHash` at `index` in the tree of `size` with `root`? */
export function verifyInclusion(index: number, size: number, leafHash: Uint8Array, proof: readonly Uint8Array[], root: Uint8Array): ProofCheck {
  if (!isSize(index) || !isSize(size)) return invalid('index and size must be non-negative integers');
  if (index >= size) return invalid(`leaf ${index} is not in a tree of size ${size}`);
  if (!isHash(leafHash) || !isHash(root) || !proof.every(isHash)) return invalid(`every hash must be ${HASH_SIZE} bytes`);
  let fn = BigInt(index);
  let sn = BigInt(size - 1);
  let r: Buffer = Buffer.from(leafHash);
  for (const p of proof) {
    if (sn === 0n) return invalid('the proof is longer than the tree is deep');
    if ((fn & 1n) === 1n || fn === sn) {
      r = hashChildren(p, r);
      if ((fn & 1n) === 0n) {
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      r = hashChildren(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  if (sn !== 0n) return invalid('the proof is shorter than the tree is deep');
  return sameHash(r, root) ? VALID : invalid('the proof leads to a different root');
}

/** RFC 9162 §2.1.4.2: does `proof` show that the tree (size1, root1) is a prefix of (size2, root2)? */
export function verifyConsistency(size1: number, size2: number, proof: readonly Uint8Array[], root1: Uint8Array, root2: Uint8Array): ProofCheck {
  if (!isSize(size1) || !isSize(size2)) return invalid('sizes must be non-negative integers');
  if (size1 > size2) return invalid(`size1 ${size1} is larger than size2 ${size2}`);
  // Every tree extends the empty one, so a proof from size 0 proves nothing; refuse it rather than pass it.
  if (size1 === 0) return invalid('a consistency proof from an empty tree proves nothing');
  // Equal sizes claim only that the two roots are the same (as the reference verifier has it).
  if (size1 === size2) {
    if (proof.length > 0) return invalid('equal sizes need an empty proof');
    return sameHash(root1, root2) ? VALID : invalid('equal sizes but different roots');
  }
  if (!isHash(root1) || !isHash(root2) || !proof.every(isHash)) return invalid(`every hash must be ${HASH_SIZE} bytes`);
  if (proof.length === 0) return invalid('the proof is empty');
  // Step 2: a complete first tree is its own first node.
  const path = (size1 & (size1 - 1)) === 0 ? [root1, ...proof] : [...proof];
  let fn = BigInt(size1 - 1);
  let sn = BigInt(size2 - 1);
  while ((fn & 1n) === 1n) {
    fn >>= 1n;
    sn >>= 1n;
  }
  let fr: Buffer = Buffer.from(path[0]!);
  let sr: Buffer = Buffer.from(path[0]!);
  for (const c of path.slice(1)) {
    if (sn === 0n) return invalid('the proof is longer than the trees are deep');
    if ((fn & 1n) === 1n || fn === sn) {
      fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
      if ((fn & 1n) === 0n) {
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      sr = hashChildren(sr, c);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  if (sn !== 0n) return invalid('the proof is shorter than the trees are deep');
  if (!sameHash(fr, root1)) return invalid('the proof does not lead to the first root');
  return sameHash(sr, root2) ? VALID : invalid('the proof does not lead to the second root');
}
