import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rootOf } from '../../src/ledger/merkle.js';
import { type TestRegistry, dialects, discardTestRegistry, startTestRegistry, uploadBlob, tokenFor } from '../support/test-registry.js';
import { type WireAccessRecord, auditAll, flushReads, outsiderLeaf } from './audit-support.js';

for (const { name: dialect, skip } of dialects) {
  describe.skipIf(skip)(`access log on ${dialect}`, () => {
    let registry: TestRegistry;
    let blob: { digest: string; size: number };
    let reader: Record<string, string>;

    beforeAll(async () => {
      registry = await startTestRegistry(dialect);
      blob = await uploadBlob(registry, 'weights');
      await registry.api('POST', '/api/v1/namespaces', { name: 'fraud' });
      await registry.api('POST', '/api/v1/models', { namespace: 'fraud', name: 'scorer' });
      await registry.api('POST', '/api/v1/models/fraud/scorer/versions', { manifest: [{ path: 'w.bin', sha256: blob.digest, size: blob.size }] });
      // Compliance reads everything: catalog, blobs, ledger and audit log.
      reader = { authorization: `Bearer ${await tokenFor(registry, 'service:reader', [{ role: 'compliance' }])}` };
    });
    afterAll(async () => {
      if (registry) await discardTestRegistry(registry);
    });

    const readerRecords = async () => (await auditAll(registry, { kind: 'access', actor: 'service:reader' })) as WireAccessRecord[];

    it('records each authenticated read with its actor, action, subject and status', async () => {
      const reads: [string, string][] = [
        ['GET', '/api/v1/models/fraud/scorer'],
        ['GET', '/api/v1/models/fraud/scorer/versions/1'],
        ['GET', '/api/v1/models/fraud/scorer/versions'],
        ['GET', '/api/v1/models?q=scorer&limit=5'],
        ['GET', '/api/v1/versions?namespace=fraud'],
        ['GET', '/api/v1/namespaces/fraud'],
        ['GET', '/api/v1/namespaces'],
        ['GET', `/api/v1/blobs/${blob.digest}`],
        ['HEAD', `/api/v1/blobs/${blob.digest}`],
        ['GET', '/api/v1/ledger/entries?from=0&to=2'],
        ['GET', '/api/v1/ledger/proofs/inclusion?seq=0&treeSize=2'],
        ['GET', '/api/v1/audit?action=model.created'],
        ['GET', '/api/v1/models/fraud/absent'],
      ];
      for (const [method, path] of reads) await registry.api(method, path, undefined, reader);
      // A refusal is recorded even without a credential (as anonymous); a public route is not recorded.
      await fetch(`${registry.url}/api/v1/models/fraud/scorer`);
      await fetch(`${registry.url}/api/v1/ledger/key`);
      // Accepted writes are change records already; a refused one is an access record.
      await registry.api('PATCH', '/api/v1/models/fraud/scorer', { description: 'changed' });
      await registry.api('PATCH', '/api/v1/models/fraud/scorer', { description: 'not mine to change' }, reader);
      await flushReads(registry);

      const records = await readerRecords();
      expect(records.map(({ action, subject, status }) => ({ action, subject, status }))).toEqual([
        { action: 'model.read', subject: 'mk:model:fraud/scorer', status: 200 },
        { action: 'version.read', subject: 'mk:version:fraud/scorer@1', status: 200 },
        { action: 'versions.list', subject: 'mk:model:fraud/scorer', status: 200 },
        { action: 'models.search', subject: '/api/v1/models?q=scorer&limit=5', status: 200 },
        { action: 'versions.search', subject: '/api/v1/versions?namespace=fraud', status: 200 },
        { action: 'namespace.read', subject: 'mk:namespace:fraud', status: 200 },
        { action: 'namespaces.list', subject: '/api/v1/namespaces', status: 200 },
        { action: 'blob.read', subject: blob.digest, status: 200 },
        { action: 'blob.read', subject: blob.digest, status: 200 },
        { action: 'ledger.read', subject: '/api/v1/ledger/entries?from=0&to=2', status: 200 },
        { action: 'ledger.read', subject: '/api/v1/ledger/proofs/inclusion?seq=0&treeSize=2', status: 200 },
        { action: 'audit.read', subject: '/api/v1/audit?action=model.created', status: 200 },
        { action: 'model.read', subject: 'mk:model:fraud/absent', status: 404 },
        { action: 'write.refused', subject: 'PATCH /api/v1/models/fraud/scorer', status: 403 },
      ]);
      expect(records.every((r) => r.actor === 'service:reader' && r.kind === 'access')).toBe(true);
      const everyone = (await auditAll(registry, { kind: 'access' })) as WireAccessRecord[];
      expect(everyone.filter((r) => r.subject === '/api/v1/ledger/key' || r.action.includes('update'))).toEqual([]);
      expect(everyone.filter((r) => r.actor !== 'service:reader' && r.actor !== 'user:admin').map(({ actor, action, status }) => ({ actor, action, status }))).toEqual([
        { actor: 'anonymous', action: 'model.read', status: 401 },
      ]);
    });

    it('anchors each batch in the ledger with the Merkle root an outsider recomputes from the records', async () => {
      await flushReads(registry);
      const anchors = await auditAll(registry, { kind: 'change', action: 'access.batch_anchored' });
      const records = (await auditAll(registry, { kind: 'access' })) as WireAccessRecord[];
      expect(anchors.length).toBeGreaterThanOrEqual(2);
      const byBatch = new Map<number, WireAccessRecord[]>();
      for (const record of [...records].sort((a, b) => a.id - b.id)) byBatch.set(record.batchSeq, [...(byBatch.get(record.batchSeq) ?? []), record]);
      let nextId = 1;
      for (const anchor of anchors) {
        if (anchor.kind !== 'change') throw new Error('not a change record');
        expect(anchor).toMatchObject({ actor: 'system:access-log', subject: 'mk:access-log' });
        const batch = byBatch.get(anchor.seq) ?? [];
        for (const record of batch) expect(Buffer.from(record.leafHash, 'base64')).toEqual(outsiderLeaf(record));
        expect(anchor.payload).toMatchObject({ count: batch.length, firstId: nextId, lastId: nextId + batch.length - 1, dropped: 0 });
        expect(anchor.payload.from <= anchor.payload.to).toBe(true);
        expect(Buffer.from(anchor.payload.root, 'base64')).toEqual(rootOf(batch.map(outsiderLeaf)));
        nextId += batch.length;
      }
      expect(nextId - 1).toBe(records.length);
    });
  });

  describe.skipIf(skip)(`access log flushing on ${dialect}`, () => {
    const started: TestRegistry[] = [];
    afterAll(async () => {
      for (const registry of started) await discardTestRegistry(registry);
    });

    it('anchors buffered reads within the flush interval, without being asked', async () => {
      const registry = await startTestRegistry(dialect, { accessFlushMs: 100 });
      started.push(registry);
      await registry.api('GET', '/api/v1/namespaces');
      const deadline = Date.now() + 10_000;
      let records: WireAccessRecord[] = [];
      while (records.length === 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        // Our own audit reads are recorded too; look for the first read only.
        records = ((await auditAll(registry, { kind: 'access', action: 'namespaces.list' })) as WireAccessRecord[]);
      }
      expect(records).toHaveLength(1);
      expect(registry.server.registry.access.pending).toBeLessThanOrEqual(1000);
    });

    it('writes every buffered read on close, so a restart keeps them', async () => {
      const first = await startTestRegistry(dialect);
      started.push(first);
      for (let i = 0; i < 25; i += 1) await first.api('GET', '/api/v1/models');
      expect(first.server.registry.access.pending).toBe(25);
      await first.close();
      // The second server owns the data directory and schema from here on.
      started.splice(started.indexOf(first), 1);
      const second = await startTestRegistry(dialect, { dataDir: first.dataDir, schema: first.schema, adminToken: first.adminToken });
      started.push(second);
      const records = (await auditAll(second, { kind: 'access', action: 'models.search' })) as WireAccessRecord[];
      expect(records).toHaveLength(25);
      expect(records.every((r) => r.actor === 'user:admin' && r.subject === '/api/v1/models')).toBe(true);
    });
  });
}
