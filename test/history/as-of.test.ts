import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestRegistry, dialects, discardTestRegistry, startTestRegistry, uploadBlob } from '../support/test-registry.js';

/** Every catalog read, whose answers at a point must come back unchanged with `asOf` later. */
const reads = [
  '/api/v1/namespaces',
  '/api/v1/namespaces/vision',
  '/api/v1/models',
  '/api/v1/models?namespace=vision',
  '/api/v1/models?tag=cnn',
  '/api/v1/models?owner=bob@example.com',
  '/api/v1/models?riskTier=high',
  '/api/v1/models?q=detector',
  '/api/v1/models?q=pedestrian%20det',
  '/api/v1/models/vision/detector',
  '/api/v1/models/vision/detector/versions',
  '/api/v1/models/vision/detector/versions/1',
  '/api/v1/models/vision/detector/versions/2',
  '/api/v1/versions',
  '/api/v1/versions?status=published',
  '/api/v1/versions?tag=candidate',
  '/api/v1/versions?license=MIT',
  '/api/v1/versions?limit=1',
];

/** A problem's wording names the point asked about; its status and code must match. */
const comparable = ({ status, body }: { status: number; body: any }) => ({ status, body: status < 300 ? body : body.code });

interface Snapshot {
  readonly seq: number;
  readonly time: string;
  readonly answers: Map<string, { status: number; body: unknown }>;
}

for (const { name: dialect, skip } of dialects) {
  describe.skipIf(skip)(`reading the registry as it stood at a past point on ${dialect}`, () => {
    let registry: TestRegistry;
    const snapshots: Snapshot[] = [];

    const take = async (): Promise<void> => {
      const entries = await registry.api('GET', '/api/v1/ledger/entries?from=0&to=0');
      const answers = new Map<string, { status: number; body: unknown }>();
      for (const path of reads) {
        answers.set(path, comparable(await registry.api('GET', path)));
      }
      // Times are compared at millisecond precision: step past this one so later entries fall after it.
      const time = new Date().toISOString();
      await new Promise((resolve) => setTimeout(resolve, 5));
      snapshots.push({ seq: entries.body.size - 1, time, answers });
    };

    const ok = (response: { status: number }) => expect(response.status).toBeLessThan(300);

    beforeAll(async () => {
      registry = await startTestRegistry(dialect);
      const blob = await uploadBlob(registry, 'weights');
      const other = await uploadBlob(registry, 'other weights');
      const manifest = (b: { digest: string; size: number }) => [{ path: 'w.bin', sha256: b.digest, size: b.size }];
      await take(); // before anything in the catalog
      ok(await registry.api('POST', '/api/v1/namespaces', { name: 'vision', description: 'Vision' }));
      ok(await registry.api('POST', '/api/v1/models', { namespace: 'vision', name: 'detector', description: 'Pedestrian detector', owners: ['alice@example.com'], tags: ['cnn'] }));
      await take();
      ok(await registry.api('POST', '/api/v1/models/vision/detector/versions', { manifest: manifest(blob), license: 'MIT', tags: ['candidate'] }));
      ok(await registry.api('PATCH', '/api/v1/models/vision/detector', { description: 'Pedestrian and cyclist detector', owners: ['bob@example.com'], riskProfile: { sensitivity: 'high' } }, { 'if-match': '"r1"' }));
      await take();
      ok(await registry.api('PATCH', '/api/v1/models/vision/detector/versions/1', { manifest: manifest(other), license: 'Apache-2.0', tags: [] }, { 'if-match': '"r1"' }));
      ok(await registry.api('POST', '/api/v1/models/vision/detector/versions/1/publish', {}));
      ok(await registry.api('PUT', '/api/v1/namespaces/vision/schemas/model', { type: 'object' }));
      await take();
      ok(await registry.api('POST', '/api/v1/models/vision/detector/versions', { manifest: manifest(blob), license: 'MIT', tags: ['candidate'] }));
      ok(await registry.api('PATCH', '/api/v1/models/vision/detector', { tags: ['vit'], owners: ['alice@example.com'] }, { 'if-match': '"r2"' }));
      ok(await registry.api('POST', '/api/v1/models', { namespace: 'vision', name: 'segmenter', description: 'Road segmenter', tags: ['cnn'] }));
      ok(await registry.api('DELETE', '/api/v1/namespaces/vision/schemas/model'));
      await take();
    });

    afterAll(async () => {
      if (registry) await discardTestRegistry(registry);
    });

    it('answers every catalog read with asOf=<sequence> exactly as it answered at that point', async () => {
      for (const snapshot of snapshots) {
        for (const [path, then] of snapshot.answers) {
          const now = await registry.api('GET', `${path}${path.includes('?') ? '&' : '?'}asOf=${snapshot.seq}`);
          expect({ path, seq: snapshot.seq, ...comparable(now) }).toEqual({ path, seq: snapshot.seq, ...then });
        }
      }
    });

    it('answers with asOf=<time> as the registry stood at that time', async () => {
      for (const snapshot of snapshots.slice(1)) {
        for (const [path, then] of snapshot.answers) {
          const now = await registry.api('GET', `${path}${path.includes('?') ? '&' : '?'}asOf=${encodeURIComponent(snapshot.time)}`);
          expect({ path, ...comparable(now) }).toEqual({ path, ...then });
        }
      }
    });

    it('the snapshots really differ, so the comparison above proves something', () => {
      const detector = snapshots.map((s) => JSON.stringify(s.answers.get('/api/v1/models/vision/detector')));
      expect(new Set(detector).size).toBe(snapshots.length);
    });

    it('says a model did not exist yet, and a time before the first entry shows an empty registry', async () => {
      const before = await registry.api('GET', `/api/v1/models/vision/detector?asOf=0`);
      expect(before.status).toBe(404);
      expect(before.body.detail).toContain('did not exist as of ledger entry 0');
      const empty = await registry.api('GET', `/api/v1/models?asOf=${encodeURIComponent('2000-01-01T00:00:00Z')}`);
      expect(empty.body).toEqual({ items: [], nextCursor: null });
    });

    it('gives no ETag for a past state, since no change can be based on it', async () => {
      const past = await registry.api('GET', `/api/v1/models/vision/detector?asOf=${snapshots[2]!.seq}`);
      expect(past.status).toBe(200);
      expect(past.headers.get('etag')).toBeNull();
    });

    it('refuses an asOf that is neither a sequence number nor a time', async () => {
      for (const bad of ['yesterday', '-1', '2026-13-45T00:00:00Z', '1e5']) {
        const response = await registry.api('GET', `/api/v1/models?asOf=${encodeURIComponent(bad)}`);
        expect(response.status).toBe(400);
        expect(response.body.code).toBe('invalid_request');
      }
    });
  });
}
