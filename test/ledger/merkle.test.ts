import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  EMPTY_ROOT,
  consistencyProof,
  hashChildren,
  hashLeaf,
  inclusionProof,
  proveInclusion as proveInclusionFrom,
  rootOf,
  verifyConsistency,
  verifyInclusion,
} from '../../src/ledger/merkle.js';

/* Vectors from an independent implementation (transparency-dev/merkle), kept in the workplace's shared/ folder. */
const vectorRoot = fileURLToPath(new URL('../../../shared/testdata/merkle/', import.meta.url));
const haveVectors = existsSync(vectorRoot);
if (!haveVectors && process.env.CI === 'true') throw new Error(`Merkle test vectors are missing at ${vectorRoot}`);
if (!haveVectors) process.stderr.write(`\nSKIPPING external Merkle vectors: ${vectorRoot} is not there.\n`);

function vectors(kind: 'inclusion' | 'consistency'): { file: string; data: Record<string, unknown> }[] {
  const dir = join(vectorRoot, kind);
  return (readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, data: JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, unknown> }));
}

const b64 = (value: unknown): Buffer => Buffer.from(typeof value === 'string' ? value : '', 'base64');
const proofOf = (value: unknown): Buffer[] => (Array.isArray(value) ? value.map(b64) : []);

describe.skipIf(!haveVectors)('Merkle proof verification against independent test vectors', () => {
  const inclusion = haveVectors ? vectors('inclusion') : [];
  const consistency = haveVectors ? vectors('consistency') : [];

  it('has the vectors to check', () => {
    expect(inclusion.length).toBeGreaterThan(50);
    expect(consistency.length).toBeGreaterThan(50);
  });

  it.each(inclusion.map((v) => [v.file, v.data] as const))('inclusion %s', (_file, v) => {
    const check = verifyInclusion(v.leafIdx as number, v.treeSize as number, b64(v.leafHash), proofOf(v.proof), b64(v.root));
    expect(check.valid).toBe(!v.wantErr);
  });

  it.each(consistency.map((v) => [v.file, v.data] as const))('consistency %s', (_file, v) => {
    const check = verifyConsistency(v.size1 as number, v.size2 as number, proofOf(v.proof), b64(v.root1), b64(v.root2));
    expect(check.valid).toBe(!v.wantErr);
  });
});

describe('Merkle trees built and proved here', () => {
  const leaves = Array.from({ length: 70 }, (_, i) => hashLeaf(Buffer.from(`entry ${i}`)));

  it('hashes leaves and nodes with the RFC 9162 domain-separation prefixes', () => {
    const data = Buffer.from('x');
    expect(hashLeaf(data)).toEqual(createHash('sha256').update(Buffer.concat([Buffer.from([0]), data])).digest());
    expect(hashChildren(leaves[0]!, leaves[1]!)).toEqual(createHash('sha256').update(Buffer.concat([Buffer.from([1]), leaves[0]!, leaves[1]!])).digest());
    expect(rootOf([])).toEqual(EMPTY_ROOT);
    expect(EMPTY_ROOT.toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('proves every leaf of every tree size up to 70, and refuses the proof for any other leaf', () => {
    for (let size = 1; size <= leaves.length; size += 1) {
      const tree = leaves.slice(0, size);
      const root = rootOf(tree);
      for (let index = 0; index < size; index += 1) {
        const proof = inclusionProof(tree, index);
        expect(verifyInclusion(index, size, tree[index]!, proof, root).valid).toBe(true);
        if (size > 1) expect(verifyInclusion(index, size, tree[(index + 1) % size]!, proof, root).valid).toBe(false);
      }
    }
  });

  it('proves every earlier tree a prefix of every later one, and refuses a tampered proof', () => {
    for (let size2 = 1; size2 <= 40; size2 += 1) {
      const tree = leaves.slice(0, size2);
      for (let size1 = 1; size1 <= size2; size1 += 1) {
        const proof = consistencyProof(tree, size1);
        const root1 = rootOf(tree.slice(0, size1));
        expect(verifyConsistency(size1, size2, proof, root1, rootOf(tree)).valid).toBe(true);
        if (proof.length > 0) {
          const tampered = proof.map((p, i) => (i === 0 ? hashLeaf(p) : p));
          expect(verifyConsistency(size1, size2, tampered, root1, rootOf(tree)).valid).toBe(false);
        }
      }
    }
  });

  it('says why a proof fails', () => {
    const check = verifyInclusion(5, 3, leaves[0]!, [], rootOf(leaves.slice(0, 3)));
    expect(check).toEqual({ valid: false, reason: 'leaf 5 is not in a tree of size 3' });
  });
});

describe('the Merkle frontier the writer keeps', () => {
  it('has the RFC root after every append, and stores each complete subtree once', async () => {
    const { MerkleFrontier } = await import('../../src/ledger/merkle-frontier.js');
    const leaves = Array.from({ length: 300 }, (_, i) => hashLeaf(Buffer.from(`e${i}`)));
    const frontier = MerkleFrontier.empty();
    const stored = new Map<string, Buffer>();
    leaves.forEach((leaf, i) => {
      for (const node of frontier.append(leaf)) stored.set(`${node.level}/${node.index}`, node.hash);
      expect(frontier.root()).toEqual(rootOf(leaves.slice(0, i + 1)));
      const restored = MerkleFrontier.restore(frontier.treeSize, frontier.peakHashes);
      expect(restored.root()).toEqual(frontier.root());
    });
    const fromStore = (level: number, index: number) => (level === 0 ? leaves[index]! : stored.get(`${level}/${index}`)!);
    expect(inclusionProof(leaves, 123)).toEqual(proveInclusionFrom(123, 300, fromStore));
    expect(stored.size).toBe(300 - 4); // n minus the number of set bits of n: one internal node per merge
  });
});
