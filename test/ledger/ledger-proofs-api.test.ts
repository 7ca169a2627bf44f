import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashLeaf, rootOf } from '../../src/ledger/merkle.js';
import { parseVerifierKey, verifyCheckpoint, verifyConsistency, verifyInclusion } from '../../src/ledger/verifier/index.js';
import { readAllEntries } from '../support/ledger-check.js';
import { type TestRegistry, dialects, discardTestRegistry, startTestRegistry } from '../support/test-registry.js';

const b64 = (s: string): Buffer => Buffer.from(s, 'base64');

for (const { name: dialect, skip } of dialects) {
  describe.skipIf(skip)(`ledger proofs and checkpoints on ${dialect}`, () => {
    let registry: TestRegistry;
    let key: ReturnType<typeof parseVerifierKey>;
    const text = async (path: string) => {
      const response = await fetch(registry.url + path, { headers: { authorization: `Bearer ${registry.adminToken}` } });
      return { status: response.status, body: await response.text() };
    };
    const leavesNow = async () => (await readAllEntries(registry.url, registry.adminToken)).map((e) => hashLeaf(Buffer.from(e.canonical, 'utf8')));

    beforeAll(async () => {
      registry = await startTestRegistry(dialect);
      // Concurrent writes, so batches of several entries build the tree too.
      await Promise.all(Array.from({ length: 150 }, (_, i) => registry.api('POST', '/api/v1/namespaces', { name: `team-${i}` })));
      key = parseVerifierKey((await text('/api/v1/ledger/key')).body);
    });
    afterAll(async () => {
      if (registry) await discardTestRegistry(registry);
    });

    it('signs a checkpoint whose root an outsider recomputes from the entries alone', async () => {
      const checkpoint = verifyCheckpoint((await text('/api/v1/ledger/checkpoint')).body, key);
      const leaves = await leavesNow();
      expect(checkpoint.size).toBe(leaves.length);
      expect(checkpoint.root).toEqual(rootOf(leaves));
    });

    it('proves every entry included, at every tree size, and refuses a changed entry', async () => {
      const leaves = await leavesNow();
      for (const treeSize of [1, 2, 3, 64, 65, 100, leaves.length]) {
        for (let seq = 0; seq < treeSize; seq += treeSize > 70 ? 7 : 1) {
          const { body } = await registry.api('GET', `/api/v1/ledger/proofs/inclusion?seq=${seq}&treeSize=${treeSize}`);
          expect(b64(body.rootHash)).toEqual(rootOf(leaves.slice(0, treeSize)));
          expect(verifyInclusion(seq, treeSize, leaves[seq]!, body.proof.map(b64), b64(body.rootHash)).valid).toBe(true);
          const changed = hashLeaf(Buffer.from(`not entry ${seq}`));
          expect(verifyInclusion(seq, treeSize, changed, body.proof.map(b64), b64(body.rootHash)).valid).toBe(false);
        }
      }
    });

    it('proves each earlier tree a prefix of the later ones, and a reordered log is not', async () => {
      const leaves = await leavesNow();
      const to = leaves.length;
      for (let from = 1; from <= to; from += 5) {
        const { body } = await registry.api('GET', `/api/v1/ledger/proofs/consistency?from=${from}&to=${to}`);
        expect(verifyConsistency(from, to, body.proof.map(b64), rootOf(leaves.slice(0, from)), rootOf(leaves)).valid).toBe(true);
      }
      const swapped = [leaves[1]!, leaves[0]!, ...leaves.slice(2)];
      const { body } = await registry.api('GET', `/api/v1/ledger/proofs/consistency?from=2&to=${to}`);
      expect(verifyConsistency(2, to, body.proof.map(b64), rootOf(swapped.slice(0, 2)), rootOf(leaves)).valid).toBe(false);
      expect(rootOf(leaves.slice(0, to - 1))).not.toEqual(rootOf(leaves));
    });

    it('keeps past checkpoints, and the log extends each of them', async () => {
      const before = verifyCheckpoint((await text('/api/v1/ledger/checkpoint')).body, key);
      await registry.api('POST', '/api/v1/namespaces', { name: 'later' });
      const after = verifyCheckpoint((await text('/api/v1/ledger/checkpoint')).body, key);
      expect(after.size).toBe(before.size + 1);
      const kept = await text(`/api/v1/ledger/checkpoint?size=${before.size}`);
      expect(verifyCheckpoint(kept.body, key)).toEqual(before);
      const { body } = await registry.api('GET', `/api/v1/ledger/proofs/consistency?from=${before.size}&to=${after.size}`);
      expect(verifyConsistency(before.size, after.size, body.proof.map(b64), before.root, after.root).valid).toBe(true);
      // A size no checkpoint was signed at (size 3 may have one, when the setup ran slower than the checkpoint interval).
      expect((await text(`/api/v1/ledger/checkpoint?size=${after.size + 1000}`)).status).toBe(404);
    });

    it('rejects a forged checkpoint: a changed size, root or signature', async () => {
      const note = (await text('/api/v1/ledger/checkpoint')).body;
      const [origin, size, root] = note.split('\n');
      expect(() => verifyCheckpoint(note.replace(`\n${size}\n`, `\n${Number(size) + 1}\n`), key)).toThrow();
      expect(() => verifyCheckpoint(note.replace(root!, rootOf([hashLeaf(Buffer.from('x'))]).toString('base64')), key)).toThrow();
      const signature = /— \S+ (\S+)\n$/.exec(note)![1]!;
      const tampered = Buffer.from(signature, 'base64');
      tampered[10]! ^= 1;
      expect(() => verifyCheckpoint(note.replace(signature, tampered.toString('base64')), key)).toThrow(/does not verify/);
      expect(origin).toBe(key.name);
    });

    it('refuses proofs beyond the log with clear problems', async () => {
      expect((await registry.api('GET', '/api/v1/ledger/proofs/inclusion?seq=5&treeSize=999999')).status).toBe(404);
      expect((await registry.api('GET', '/api/v1/ledger/proofs/inclusion?seq=9&treeSize=9')).status).toBe(400);
      expect((await registry.api('GET', '/api/v1/ledger/proofs/consistency?from=9&to=3')).status).toBe(400);
    });
  });
}
