import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestRegistry, dialects, discardTestRegistry, startTestRegistry, tokenFor } from '../support/test-registry.js';
import { type WireAuditRecord, auditAll, flushReads } from './audit-support.js';

const keyOf = (r: WireAuditRecord) => (r.kind === 'change' ? `change:${r.seq}` : `access:${r.id}`);
const rank = { change: 0, access: 1 } as const;
const idOf = (r: WireAuditRecord) => (r.kind === 'change' ? r.seq : r.id);

for (const { name: dialect, skip } of dialects) {
  describe.skipIf(skip)(`audit API on ${dialect}`, () => {
    let registry: TestRegistry;
    let reader: Record<string, string>;
    let all: WireAuditRecord[];

    beforeAll(async () => {
      registry = await startTestRegistry(dialect);
      reader = { authorization: `Bearer ${await tokenFor(registry, 'service:reader', [{ role: 'viewer' }])}` };
      // Changes and reads interleaved in time, by two actors.
      await registry.api('POST', '/api/v1/namespaces', { name: 'fraud' });
      for (const name of ['a', 'b', 'c']) {
        await registry.api('POST', '/api/v1/models', { namespace: 'fraud', name });
        await registry.api('GET', `/api/v1/models/fraud/${name}`, undefined, reader);
        await registry.api('GET', `/api/v1/models/fraud/${name}`);
        await registry.api('PATCH', `/api/v1/models/fraud/${name}`, { description: 'second look' });
        await registry.api('GET', '/api/v1/models?namespace=fraud', undefined, reader);
      }
      await flushReads(registry);
      all = await auditAll(registry);
    });
    afterAll(async () => {
      if (registry) await discardTestRegistry(registry);
    });

    it('returns change and access records in one time order, each saying its kind', () => {
      expect(new Set(all.map((r) => r.kind))).toEqual(new Set(['change', 'access']));
      for (let i = 1; i < all.length; i += 1) {
        const [a, b] = [all[i - 1]!, all[i]!];
        const ordered = a.at < b.at || (a.at === b.at && (rank[a.kind] < rank[b.kind] || (a.kind === b.kind && idOf(a) < idOf(b))));
        expect(ordered, `${keyOf(a)} then ${keyOf(b)}`).toBe(true);
      }
      const change = all.find((r) => r.kind === 'change' && r.action === 'model.updated');
      expect(change).toMatchObject({ reason: null, canonical: expect.any(String), leafHash: expect.any(String) });
    });

    it('pages across both kinds without repeating or skipping a record', async () => {
      for (const limit of [1, 2, 3, 7]) {
        // Reading pages records more reads, but those stay buffered until the next flush.
        const paged = await auditAll(registry, {}, limit);
        expect(paged.map(keyOf)).toEqual(all.map(keyOf));
      }
      const filtered = await auditAll(registry, { subject: 'mk:model:fraud/b' }, 2);
      expect(filtered.map(keyOf)).toEqual(all.filter((r) => r.subject === 'mk:model:fraud/b').map(keyOf));
    });

    it('filters by subject across kinds: who changed a model and who read it', async () => {
      const records = await auditAll(registry, { subject: 'mk:model:fraud/a' });
      expect(records.map(keyOf)).toEqual(all.filter((r) => r.subject === 'mk:model:fraud/a').map(keyOf));
      expect(records.map((r) => `${r.kind} ${r.action} by ${r.actor}`).sort()).toEqual([
        'access model.read by service:reader',
        'access model.read by user:admin',
        'change model.created by user:admin',
        'change model.updated by user:admin',
      ]);
    });

    it('filters by actor, action and kind', async () => {
      const byReader = await auditAll(registry, { actor: 'service:reader' });
      expect(byReader.length).toBe(6);
      expect(byReader.every((r) => r.kind === 'access' && r.actor === 'service:reader')).toBe(true);
      const searches = await auditAll(registry, { action: 'models.search' });
      expect(searches.map((r) => r.subject)).toEqual(Array(3).fill('/api/v1/models?namespace=fraud'));
      const changes = await auditAll(registry, { kind: 'change', actor: 'user:admin' });
      expect(changes.map((r) => r.action)).toEqual(all.filter((r) => r.kind === 'change' && r.actor === 'user:admin').map((r) => r.action));
      expect((await auditAll(registry, { kind: 'access', action: 'model.created' }))).toEqual([]);
    });

    it('filters by time: from inclusive, to exclusive', async () => {
      const from = all[3]!.at;
      const to = all[all.length - 3]!.at;
      const window = await auditAll(registry, { from, to }, 4);
      expect(window.map(keyOf)).toEqual(all.filter((r) => r.at >= from && r.at < to).map(keyOf));
      expect(window.length).toBeGreaterThan(0);
      // Any ISO 8601 offset names the same instant.
      const shifted = new Date(Date.parse(from)).toISOString().replace('Z', '+00:00');
      expect((await auditAll(registry, { from: shifted, to })).map(keyOf)).toEqual(window.map(keyOf));
    });

    it('refuses a bad query with a 400 problem', async () => {
      for (const query of ['kind=reads', 'from=yesterday', 'limit=0', 'limit=1001', 'colour=red', 'cursor=bm90LWEtY3Vyc29y', 'actor=']) {
        const response = await registry.api('GET', `/api/v1/audit?${query}`);
        expect(response.status, query).toBe(400);
        expect(response.headers.get('content-type')).toContain('application/problem+json');
        expect(response.body).toMatchObject({ code: 'invalid_request', status: 400 });
      }
    });
  });
}
