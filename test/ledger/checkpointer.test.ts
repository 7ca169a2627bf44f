import { afterEach, describe, expect, it } from 'vitest';
import { hashLeaf, rootOf } from '../../src/ledger/merkle.js';
import { type VerifierKey, parseVerifierKey, verifyCheckpoint, verifyConsistency } from '../../src/ledger/verifier/index.js';
import { Checkpointer } from '../../src/server/checkpointer.js';
import { readAllEntries } from '../support/ledger-check.js';
import { type DialectName, type StartOptions, type TestRegistry, dialects, discardTestRegistry, startTestRegistry } from '../support/test-registry.js';

const b64 = (s: string): Buffer => Buffer.from(s, 'base64');

async function eventually<T>(what: string, attempt: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await attempt();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

for (const { name: dialect, skip } of dialects) {
  describe.skipIf(skip)(`the server signs checkpoints as the ledger grows, on ${dialect}`, () => {
    const started: TestRegistry[] = [];
    const start = async (options: StartOptions = {}) => {
      const registry = await startTestRegistry(dialect as DialectName, options);
      started.push(registry);
      return registry;
    };
    afterEach(async () => {
      // Later starts reuse the first one's data directory or schema; discard each only once.
      const [first, ...rest] = started.splice(0);
      for (const registry of rest) await registry.close();
      if (first) await discardTestRegistry(first);
    });

    const text = async (registry: TestRegistry, path: string) => {
      const response = await fetch(registry.url + path, { headers: { authorization: `Bearer ${registry.adminToken}` } });
      return { status: response.status, body: await response.text() };
    };
    const keyOf = async (registry: TestRegistry): Promise<VerifierKey> => parseVerifierKey((await text(registry, '/api/v1/ledger/key')).body);
    const storedSizes = async (registry: TestRegistry): Promise<number[]> =>
      (await registry.server.registry.store.db.selectFrom('ledger_checkpoints').select('size').orderBy('size').execute()).map((r) => Number(r.size));
    const headSize = async (registry: TestRegistry): Promise<number> => (await registry.api('GET', '/api/v1/ledger/entries?from=0&to=0')).body.size;
    /** The checkpoint kept for `size`, once the checkpointer has signed it; nobody asks for the latest one. */
    const keptAt = (registry: TestRegistry, size: number) =>
      eventually(`a checkpoint at size ${size}`, async () => {
        const kept = await text(registry, `/api/v1/ledger/checkpoint?size=${size}`);
        return kept.status === 200 ? kept.body : undefined;
      });
    const createNamespaces = (registry: TestRegistry, prefix: string, count: number) =>
      Promise.all(Array.from({ length: count }, (_, i) => registry.api('POST', '/api/v1/namespaces', { name: `${prefix}-${i}` })));

    it('signs a checkpoint of the new size after writes, without anyone asking', async () => {
      const registry = await start({ checkpointIntervalMs: 50 });
      const key = await keyOf(registry);
      await createNamespaces(registry, 'team', 40);
      const size = await headSize(registry);
      const checkpoint = verifyCheckpoint(await keptAt(registry, size), key);
      const leaves = (await readAllEntries(registry.url, registry.adminToken)).map((e) => hashLeaf(Buffer.from(e.canonical, 'utf8')));
      expect(checkpoint.size).toBe(leaves.length);
      expect(checkpoint.root).toEqual(rootOf(leaves));
    });

    it('keeps every past checkpoint, and the log extends each one to the next', async () => {
      const registry = await start({ checkpointIntervalMs: 50 });
      const key = await keyOf(registry);
      for (let round = 0; round < 5; round += 1) {
        await createNamespaces(registry, `round-${round}`, 3 + round * 7);
        await keptAt(registry, await headSize(registry));
      }
      const sizes = await storedSizes(registry);
      expect(sizes.length).toBeGreaterThanOrEqual(5);
      const checkpoints = await Promise.all(sizes.map(async (size) => verifyCheckpoint(await keptAt(registry, size), key)));
      expect(checkpoints.map((c) => c.size)).toEqual(sizes);
      for (const [older, newer] of checkpoints.slice(0, -1).map((c, i) => [c, checkpoints[i + 1]!] as const)) {
        const { body } = await registry.api('GET', `/api/v1/ledger/proofs/consistency?from=${older.size}&to=${newer.size}`);
        const check = verifyConsistency(older.size, newer.size, body.proof.map(b64), older.root, newer.root);
        expect(check, `${older.size} → ${newer.size}`).toEqual({ valid: true });
      }
    });

    it('answers the latest checkpoint with the one it already signed, and signs nothing while the log stands still', async () => {
      const registry = await start({ checkpointIntervalMs: 50 });
      await createNamespaces(registry, 'still', 5);
      const size = await headSize(registry);
      const kept = await keptAt(registry, size);
      expect((await text(registry, '/api/v1/ledger/checkpoint')).body).toBe(kept);
      const before = await storedSizes(registry);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await storedSizes(registry)).toEqual(before);
    });

    it('signs a last checkpoint when the server closes, kept across a restart', async () => {
      const first = await start({ checkpointIntervalMs: 60_000 });
      await createNamespaces(first, 'closing', 4);
      const size = await headSize(first);
      expect(await storedSizes(first)).not.toContain(size);
      await first.close();
      const again = await start({ dataDir: first.dataDir, ...(first.schema ? { schema: first.schema } : {}), adminToken: first.adminToken, checkpointIntervalMs: 0 });
      // Read before any request, which would itself be anchored as an audited read. Closing may have anchored some already.
      const head = await again.server.registry.store.db.selectFrom('ledger_head').select('size').where('id', '=', 1).executeTakeFirstOrThrow();
      const closedAt = Number(head.size);
      expect(closedAt).toBeGreaterThanOrEqual(size);
      expect(Math.max(...(await storedSizes(again)))).toBe(closedAt);
      expect(verifyCheckpoint((await text(again, `/api/v1/ledger/checkpoint?size=${closedAt}`)).body, await keyOf(again)).size).toBe(closedAt);
    });

    it('with an interval of 0 signs only when asked', async () => {
      const registry = await start({ checkpointIntervalMs: 0 });
      await createNamespaces(registry, 'quiet', 6);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await storedSizes(registry)).toEqual([]);
      const latest = verifyCheckpoint((await text(registry, '/api/v1/ledger/checkpoint')).body, await keyOf(registry));
      expect(await storedSizes(registry)).toEqual([latest.size]);
    });

    it('refuses to sign a head whose stored tree has been altered', async () => {
      const registry = await start({ checkpointIntervalMs: 0 });
      await createNamespaces(registry, 'altered', 3);
      const { store, writer, signer } = registry.server.registry;
      const size = await headSize(registry);
      // The newest leaf lies in the tree's ragged right edge, which proofs read from the entries themselves.
      await store.db.updateTable('ledger_entries').set({ leaf_hash: hashLeaf(Buffer.from('forged')).toString('hex') }).where('seq', '=', size - 1).execute();
      const checkpointer = new Checkpointer({ db: store.db, writer, signer, intervalMs: 0 });
      await expect(checkpointer.checkpoint()).rejects.toThrow(`disagrees with the ledger head at size ${size}`);
      expect(await storedSizes(registry)).toEqual([]);
    });
  });
}
