import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestRegistry, dialects, discardTestRegistry, startTestRegistry, uploadBlob } from '../support/test-registry.js';

for (const { name: dialect, skip } of dialects) {
  describe.skipIf(skip)(`diff between two points and restoring past metadata on ${dialect}`, () => {
    let registry: TestRegistry;
    const points: number[] = [];

    const mark = async () => {
      const { body } = await registry.api('GET', '/api/v1/ledger/entries?from=0&to=0');
      points.push(body.size - 1);
    };
    const ok = (response: { status: number; body: unknown }) => expect(response.status, JSON.stringify(response.body)).toBeLessThan(300);

    beforeAll(async () => {
      registry = await startTestRegistry(dialect);
      const blob = await uploadBlob(registry, 'weights');
      ok(await registry.api('POST', '/api/v1/namespaces', { name: 'nlp', description: 'Language' }));
      ok(await registry.api('POST', '/api/v1/models', { namespace: 'nlp', name: 'tagger', description: 'POS tagger', owners: ['alice@example.com'], tags: ['crf'], extra: { team: 'core' } }));
      ok(await registry.api('POST', '/api/v1/models', { namespace: 'nlp', name: 'parser', description: 'Parser' }));
      ok(await registry.api('POST', '/api/v1/models/nlp/parser/versions', { manifest: [{ path: 'w', sha256: blob.digest, size: blob.size }] }));
      await mark(); // 0
      ok(await registry.api('PATCH', '/api/v1/models/nlp/tagger', { description: 'Neural POS tagger', tags: ['transformer'], riskProfile: { sensitivity: 'high' } }));
      ok(await registry.api('POST', '/api/v1/models/nlp/parser/versions/1/publish', {}));
      ok(await registry.api('POST', '/api/v1/models', { namespace: 'nlp', name: 'ner', description: 'Entities' }));
      // Changed and changed back: no difference between the two points.
      ok(await registry.api('PATCH', '/api/v1/models/nlp/parser', { description: 'Dependency parser' }));
      ok(await registry.api('PATCH', '/api/v1/models/nlp/parser', { description: 'Parser' }));
      await mark(); // 1
    });

    afterAll(async () => {
      if (registry) await discardTestRegistry(registry);
    });

    it('lists each record that differs between two points, field by field', async () => {
      const { status, body } = await registry.api('GET', `/api/v1/diff?from=${points[0]}&to=${points[1]}`);
      expect(status).toBe(200);
      expect(body.from).toBe(points[0]);
      const byUrn = Object.fromEntries(body.changes.map((c: { urn: string }) => [c.urn, c]));
      expect(Object.keys(byUrn).sort()).toEqual(['mk:model:nlp/ner', 'mk:model:nlp/tagger', 'mk:version:nlp/parser@1']);
      expect(byUrn['mk:model:nlp/ner'].change).toBe('added');
      expect(byUrn['mk:model:nlp/tagger']).toMatchObject({ kind: 'model', change: 'changed' });
      const fields = Object.fromEntries(byUrn['mk:model:nlp/tagger'].fields.map((f: { field: string }) => [f.field, f]));
      expect(Object.keys(fields).sort()).toEqual(['description', 'riskProfile', 'riskTier', 'tags']);
      expect(fields.description).toEqual({ field: 'description', before: 'POS tagger', after: 'Neural POS tagger' });
      expect(byUrn['mk:version:nlp/parser@1'].fields.map((f: { field: string }) => f.field)).toEqual(expect.arrayContaining(['status', 'publishedAt', 'publishedBy']));
    });

    it('pages through the changes with a cursor, each change once', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const { body }: { body: { changes: { urn: string }[]; nextCursor: string | null } } = await registry.api(
          'GET',
          `/api/v1/diff?from=-1&to=${points[1]}&limit=2${cursor === null ? '' : `&cursor=${cursor}`}`.replace('from=-1', 'from=1970-01-01T00:00:00Z'),
        );
        expect(body.changes.length).toBeLessThanOrEqual(2);
        seen.push(...body.changes.map((c) => c.urn));
        cursor = body.nextCursor;
      } while (cursor !== null);
      expect(seen).toEqual(['mk:namespace:nlp', 'mk:model:nlp/tagger', 'mk:model:nlp/parser', 'mk:model:nlp/ner', 'mk:version:nlp/parser@1']);
    });

    it('refuses a range that runs backwards', async () => {
      const { status, body } = await registry.api('GET', `/api/v1/diff?from=${points[1]}&to=${points[0]}`);
      expect(status).toBe(400);
      expect(body.code).toBe('invalid_request');
    });

    it("restores a model's metadata to a past point as a new ledgered change", async () => {
      const before = await registry.api('GET', `/api/v1/models/nlp/tagger?asOf=${points[0]}`);
      const restored = await registry.api('POST', '/api/v1/models/nlp/tagger/restore', { asOf: String(points[0]), reason: 'rollback of a bad edit' });
      expect(restored.status).toBe(200);
      for (const field of ['description', 'owners', 'tags', 'domain', 'riskProfile', 'riskTier', 'extra']) expect(restored.body[field]).toEqual(before.body[field]);
      expect(restored.body.revision).toBe(before.body.revision + 2);
      const { body: audit } = await registry.api('GET', '/api/v1/ledger/entries');
      const last = audit.entries[audit.entries.length - 1];
      expect(last).toMatchObject({ action: 'model.updated', subject: 'mk:model:nlp/tagger', reason: 'rollback of a bad edit' });
      expect(last.payload.restoredFrom).toBe(points[0]);
      // History is added to, not rewritten: the edited state is still there to see.
      const edited = await registry.api('GET', `/api/v1/models/nlp/tagger?asOf=${points[1]}`);
      expect(edited.body.description).toBe('Neural POS tagger');
    });

    it('writes nothing when the model already has that metadata', async () => {
      const { body: head } = await registry.api('GET', '/api/v1/ledger/entries?from=0&to=0');
      const again = await registry.api('POST', '/api/v1/models/nlp/tagger/restore', { asOf: String(points[0]) });
      expect(again.status).toBe(200);
      const { body: after } = await registry.api('GET', '/api/v1/ledger/entries?from=0&to=0');
      expect(after.size).toBe(head.size);
    });

    it('refuses to restore to a point before the model existed, or with a stale If-Match', async () => {
      const early = await registry.api('POST', '/api/v1/models/nlp/ner/restore', { asOf: String(points[0]) });
      expect(early.status).toBe(404);
      expect(early.body.detail).toContain(`did not exist as of ledger entry ${points[0]}`);
      const stale = await registry.api('POST', '/api/v1/models/nlp/tagger/restore', { asOf: String(points[1]) }, { 'if-match': '"r1"' });
      expect(stale.status).toBe(412);
      const current = await registry.api('GET', '/api/v1/models/nlp/tagger');
      expect(current.body.description).toBe('POS tagger');
    });
  });
}
