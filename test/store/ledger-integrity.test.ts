import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problemsWith, readAllEntries } from '../support/ledger-check.js';
import { type TestRegistry, dialects, discardTestRegistry, startTestRegistry, uploadBlob } from '../support/test-registry.js';

for (const { name: dialect, skip } of dialects) {
  describe.skipIf(skip)(`ledger on ${dialect}`, () => {
    let registry: TestRegistry;
    let manifest: { path: string; sha256: string; size: number }[];

    beforeAll(async () => {
      registry = await startTestRegistry(dialect);
      const blob = await uploadBlob(registry, 'w');
      manifest = [{ path: 'w.bin', sha256: blob.digest, size: blob.size }];
      await registry.api('POST', '/api/v1/namespaces', { name: 'team' });
      await registry.api('POST', '/api/v1/models', { namespace: 'team', name: 'busy' });
    });
    afterAll(async () => {
      if (registry) await discardTestRegistry(registry);
    });

    it('gives concurrent registrations distinct consecutive numbers', async () => {
      const responses = await Promise.all(
        Array.from({ length: 60 }, () => registry.api('POST', '/api/v1/models/team/busy/versions', { manifest })),
      );
      expect(responses.map((r) => r.status)).toEqual(Array(60).fill(201));
      const numbers = responses.map((r) => r.body.number as number).sort((a, b) => a - b);
      expect(numbers).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    });

    it('writes exactly one entry per change, each with a leaf hash an outsider can recompute', async () => {
      const before = await readAllEntries(registry.url, registry.adminToken);
      const model = await registry.api('POST', '/api/v1/models', { namespace: 'team', name: 'counted', tags: ['ünïcode-free'.replace(/[^a-z-]/g, '')] });
      await registry.api('PATCH', '/api/v1/models/team/counted', { description: 'Ünïcødé and "quotes" \u2028 survive canonicalisation' });
      const version = await registry.api('POST', '/api/v1/models/team/counted/versions', { manifest, metrics: { loss: 1e-7, big: 1e21 } });
      await registry.api('POST', `/api/v1/models/team/counted/versions/${version.body.number}/publish`, {});
      expect(model.status).toBe(201);
      // A refused change writes nothing.
      await registry.api('POST', '/api/v1/models', { namespace: 'team', name: 'counted' });
      const after = await readAllEntries(registry.url, registry.adminToken);
      expect(after.slice(before.length).map((e) => e.action)).toEqual(['model.created', 'model.updated', 'version.registered', 'version.published']);
      expect(after.slice(before.length).every((e) => e.actor === 'user:admin')).toBe(true);
      expect(problemsWith(after)).toEqual([]);
    });

    // Only PostgreSQL serves several registry processes at once.
    if (dialect === 'postgres') it('keeps numbers and sequence gapless when two servers share one database', async () => {
      const second = await startTestRegistry('postgres', { schema: registry.schema, adminToken: registry.adminToken, dataDir: registry.dataDir });
      try {
        await registry.api('POST', '/api/v1/models', { namespace: 'team', name: 'shared' });
        const servers = [registry, second];
        const responses = await Promise.all(
          Array.from({ length: 40 }, (_, i) => servers[i % 2]!.api('POST', '/api/v1/models/team/shared/versions', { manifest })),
        );
        expect(responses.every((r) => r.status === 201)).toBe(true);
        const numbers = responses.map((r) => r.body.number as number).sort((a, b) => a - b);
        expect(numbers).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
        expect(problemsWith(await readAllEntries(registry.url, registry.adminToken))).toEqual([]);
      } finally {
        await second.close();
      }
    });
  });
}
