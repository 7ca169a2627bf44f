import { describe, expect, it } from 'vitest';
import { discardTestRegistry, startTestRegistry, type TestRegistry, uploadBlob } from '../support/test-registry.js';

describe('the access log at shutdown', () => {
  it('keeps a read answered just before the server stops, every time', async () => {
    let registry: TestRegistry = await startTestRegistry('sqlite');
    const { dataDir, adminToken } = registry;
    const blob = await uploadBlob(registry, 'weights');
    for (let round = 0; round < 8; round += 1) {
      expect((await registry.api('GET', `/api/v1/namespaces?limit=${round + 1}`)).status).toBe(200);
      // Last, a streamed download: its answer can reach the client before the server's own bookkeeping of it.
      expect((await registry.api('GET', `/api/v1/blobs/${blob.digest}`)).status).toBe(200);
      await registry.close();
      registry = await startTestRegistry('sqlite', { dataDir, adminToken });
    }
    const reads = (await registry.api('GET', '/api/v1/audit?kind=access&action=namespaces.list&limit=100')).body.items as { subject: string }[];
    expect(reads.map((r) => r.subject).sort()).toEqual(Array.from({ length: 8 }, (_, i) => `/api/v1/namespaces?limit=${i + 1}`).sort());
    const downloads = (await registry.api('GET', `/api/v1/audit?kind=access&action=blob.read&limit=100`)).body.items;
    expect(downloads).toHaveLength(8);
    await discardTestRegistry(registry);
  });
});
