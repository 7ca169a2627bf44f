import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestRegistry, dialects, discardTestRegistry, startTestRegistry, uploadBlob, tokenFor } from '../support/test-registry.js';

for (const { name: dialect, skip } of dialects) {
  describe.skipIf(skip)(`catalog API contract on ${dialect}`, () => {
    let registry: TestRegistry;
    let blob: { digest: string; size: number };

    beforeAll(async () => {
      registry = await startTestRegistry(dialect);
      blob = await uploadBlob(registry, 'weights v1');
      expect((await registry.api('POST', '/api/v1/namespaces', { name: 'fraud', description: 'Fraud team' })).status).toBe(201);
      const created = await registry.api('POST', '/api/v1/models', {
        namespace: 'fraud',
        name: 'scorer',
        description: 'Card transaction fraud scorer',
        owners: ['alice@example.com', 'group:fraud-ml'],
        tags: ['tabular', 'xgboost'],
        domain: 'payments',
        riskProfile: { sensitivity: 'high', customerExposure: 'medium' },
      });
      expect(created.status).toBe(201);
    });

    afterAll(async () => {
      if (registry) await discardTestRegistry(registry);
    });

    const register = (body: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
      registry.api('POST', '/api/v1/models/fraud/scorer/versions', { manifest: [{ path: 'model/weights.bin', sha256: blob.digest, size: blob.size }], ...body }, headers);

    describe('health and the API document', () => {
      it('answers liveness and readiness without a token', async () => {
        expect((await fetch(`${registry.url}/healthz`)).status).toBe(200);
        const ready = await fetch(`${registry.url}/readyz`);
        expect(ready.status).toBe(200);
        expect(await ready.json()).toMatchObject({ database: dialect });
      });

      it('serves an OpenAPI 3.1 document that lists the contract paths', async () => {
        const doc = (await registry.api('GET', '/api/v1/openapi.json')).body as { openapi: string; paths: Record<string, unknown> };
        expect(doc.openapi).toBe('3.1.0');
        for (const path of ['/api/v1/models', '/api/v1/models/{ns}/{name}/versions', '/api/v1/blobs/{digest}', '/api/v1/versions', '/api/v1/ledger/entries']) {
          expect(Object.keys(doc.paths)).toContain(path);
        }
        const created = (doc.paths['/api/v1/models'] as { post: { responses: Record<string, { content: Record<string, { schema: { $ref: string } }> }> } }).post.responses;
        expect(created['4XX']!.content['application/problem+json']!.schema.$ref).toBe('#/components/schemas/Problem');
      });
    });

    describe('authentication', () => {
      it('refuses a request without a token with 401 and a problem', async () => {
        const response = await fetch(`${registry.url}/api/v1/models`);
        expect(response.status).toBe(401);
        expect(response.headers.get('content-type')).toContain('application/problem+json');
        expect(response.headers.get('www-authenticate')).toContain('Bearer');
        expect(await response.json()).toMatchObject({ code: 'unauthenticated', status: 401 });
      });

      it('refuses a forged token', async () => {
        const response = await registry.api('GET', '/api/v1/models', undefined, { authorization: `Bearer mk_${'A'.repeat(43)}` });
        expect(response.status).toBe(401);
      });

      it('lets a viewer read but not write, naming the missing permission', async () => {
        const auth = { authorization: `Bearer ${await tokenFor(registry, 'service:reader', [{ role: 'viewer' }])}` };
        expect((await registry.api('GET', '/api/v1/models', undefined, auth)).status).toBe(200);
        const refused = await registry.api('POST', '/api/v1/models', { namespace: 'fraud', name: 'sneaky' }, auth);
        expect(refused.status).toBe(403);
        expect(refused.body).toMatchObject({ code: 'forbidden', permission: 'model.create' });
      });

      it('stops accepting a revoked token', async () => {
        await registry.api('POST', '/api/v1/bindings', { principal: 'service:temp', role: 'viewer', reason: 'a short-lived reader' });
        const issued = await registry.api('POST', '/api/v1/tokens', { name: 'temp', principal: 'service:temp' });
        const auth = { authorization: `Bearer ${issued.body.token}` };
        expect((await registry.api('GET', '/api/v1/whoami', undefined, auth)).body).toMatchObject({ principal: 'service:temp', roles: ['viewer'] });
        expect((await registry.api('DELETE', `/api/v1/tokens/${issued.body.id}`)).status).toBe(204);
        expect((await registry.api('GET', '/api/v1/whoami', undefined, auth)).status).toBe(401);
      });
    });

    describe('namespaces and models', () => {
      it('refuses a duplicate namespace and a model in a namespace that does not exist', async () => {
        expect((await registry.api('POST', '/api/v1/namespaces', { name: 'fraud' })).body.code).toBe('already_exists');
        const orphan = await registry.api('POST', '/api/v1/models', { namespace: 'nowhere', name: 'x' });
        expect(orphan.status).toBe(404);
      });

      it('refuses unknown fields, bad names and malformed JSON with stable codes', async () => {
        const unknown = await registry.api('POST', '/api/v1/models', { namespace: 'fraud', name: 'm1', colour: 'red' });
        expect(unknown.status).toBe(400);
        expect(unknown.body.code).toBe('invalid_request');
        expect(unknown.body.detail).toContain('colour');
        expect((await registry.api('POST', '/api/v1/models', { namespace: 'fraud', name: '../etc' })).body.code).toBe('invalid_request');
        const malformed = await registry.api('POST', '/api/v1/models', '{"namespace": "fraud",');
        expect(malformed.status).toBe(400);
        expect(malformed.body.code).toBe('malformed_json');
      });

      it('refuses an oversized JSON body with 413', async () => {
        const huge = await registry.api('POST', '/api/v1/models', { namespace: 'fraud', name: 'big', description: 'x'.repeat(2 * 1024 * 1024) });
        expect(huge.status).toBe(413);
        expect(huge.body.code).toBe('body_too_large');
      });

      it('returns a model with its risk tier, stage and latest versions', async () => {
        const model = await registry.api('GET', '/api/v1/models/fraud/scorer');
        expect(model.status).toBe(200);
        expect(model.body).toMatchObject({ urn: 'mk:model:fraud/scorer', riskTier: 'high', stage: 'concept', owners: ['alice@example.com', 'group:fraud-ml'] });
        expect(model.headers.get('etag')).toMatch(/^"r\d+"$/);
      });

      it('changes mutable metadata, ledgers it, and refuses a stale If-Match', async () => {
        const before = await registry.api('GET', '/api/v1/models/fraud/scorer');
        const etag = before.headers.get('etag')!;
        const patched = await registry.api('PATCH', '/api/v1/models/fraud/scorer', { description: 'Scores card fraud in real time', reason: 'clarify' }, { 'if-match': etag });
        expect(patched.status).toBe(200);
        expect(patched.body.revision).toBe(before.body.revision + 1);
        const stale = await registry.api('PATCH', '/api/v1/models/fraud/scorer', { description: 'lost update' }, { 'if-match': etag });
        expect(stale.status).toBe(412);
        expect(stale.body.code).toBe('version_conflict');
        const audit = await registry.api('GET', '/api/v1/audit?subject=mk:model:fraud/scorer&action=model.updated');
        expect(audit.body.items).toHaveLength(1);
        expect(audit.body.items[0]).toMatchObject({ reason: 'clarify', actor: 'user:admin' });
      });

      it('searches models by full text and filters, with cursor pagination', async () => {
        for (const name of ['churn-a', 'churn-b', 'churn-c']) {
          await registry.api('POST', '/api/v1/models', { namespace: 'fraud', name, description: 'Customer churn predictor', tags: ['churn'], owners: ['bob@example.com'] });
        }
        const text = await registry.api('GET', '/api/v1/models?q=real%20time%20fraud');
        expect(text.body.items.map((m: { name: string }) => m.name)).toEqual(['scorer']);
        const prefix = await registry.api('GET', '/api/v1/models?q=predic');
        expect(prefix.body.items).toHaveLength(3);
        expect((await registry.api('GET', '/api/v1/models?tag=xgboost')).body.items.map((m: { name: string }) => m.name)).toEqual(['scorer']);
        expect((await registry.api('GET', '/api/v1/models?owner=bob@example.com')).body.items).toHaveLength(3);
        expect((await registry.api('GET', '/api/v1/models?riskTier=high')).body.items).toHaveLength(1);
        const first = await registry.api('GET', '/api/v1/models?tag=churn&limit=2');
        expect(first.body.items).toHaveLength(2);
        const second = await registry.api('GET', `/api/v1/models?tag=churn&limit=2&cursor=${first.body.nextCursor}`);
        expect(second.body.items.map((m: { name: string }) => m.name)).toEqual(['churn-c']);
        expect(second.body.nextCursor).toBeNull();
        expect((await registry.api('GET', '/api/v1/models?cursor=not-ours')).body.code).toBe('invalid_request');
      });

      it('treats search operators in the query as plain words', async () => {
        const response = await registry.api('GET', `/api/v1/models?q=${encodeURIComponent('fraud" OR * NEAR(:) & | !')}`);
        expect(response.status).toBe(200);
      });
    });

    describe('versions', () => {
      it('registers a version with typed metadata and a server-assigned number', async () => {
        const response = await register({
          license: 'Apache-2.0 OR MIT',
          format: 'onnx',
          metrics: { auc: 0.93, 'f1/holdout': 0.81 },
          trainingRun: { id: 'run-42', codeCommit: { repository: 'git@example.com:fraud.git', commit: 'a1b2c3d' }, params: { lr: 0.01, depth: 6, early_stop: true } },
          datasets: [{ urn: 'mk:dataset:fraud/transactions@2024-06', role: 'train' }],
          environment: { image: `registry.example.com/train@sha256:${'b'.repeat(64)}`, libraries: ['pkg:pypi/xgboost@2.0.3', 'pkg:pypi/numpy@1.26.4'], hardware: { accelerator: 'none', count: 0 } },
          complianceFlags: ['gdpr'],
          tags: ['candidate'],
        });
        expect(response.status).toBe(201);
        expect(response.body).toMatchObject({ number: 1, status: 'draft', urn: 'mk:version:fraud/scorer@1' });
        expect(response.body.artifactDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
        expect(response.headers.get('location')).toBe('/api/v1/models/fraud/scorer/versions/1');
        const fetched = await registry.api('GET', '/api/v1/models/fraud/scorer/versions/1');
        expect(fetched.body.metadata.trainingRun.params).toEqual({ lr: 0.01, depth: 6, early_stop: true });
      });

      it('refuses an invalid SPDX license and a malformed purl, storing nothing', async () => {
        const before = (await registry.api('GET', '/api/v1/ledger/entries')).body.size;
        const license = await register({ license: 'Apache 2 or whatever' });
        expect(license.status).toBe(422);
        expect(license.body.code).toBe('invalid_metadata');
        const purl = await register({ environment: { libraries: ['numpy==1.26'] } });
        expect(purl.body.code).toBe('invalid_metadata');
        expect((await registry.api('GET', '/api/v1/ledger/entries')).body.size).toBe(before);
      });

      it('refuses a manifest whose blobs are missing, listing them', async () => {
        const absent = `sha256:${'c'.repeat(64)}`;
        const response = await registry.api('POST', '/api/v1/models/fraud/scorer/versions', { manifest: [{ path: 'a.bin', sha256: absent, size: 3 }] });
        expect(response.status).toBe(422);
        expect(response.body).toMatchObject({ code: 'blobs_missing', missing: [absent] });
      });

      it('refuses a manifest size that differs from the stored blob', async () => {
        const response = await registry.api('POST', '/api/v1/models/fraud/scorer/versions', { manifest: [{ path: 'a.bin', sha256: blob.digest, size: blob.size + 1 }] });
        expect(response.body.code).toBe('size_mismatch');
      });

      it.each(['../escape.bin', '/etc/passwd', 'a/../../b', 'C:\\model.bin', 'dir\\file', '%2e%2e/x', 'a\u0000b'])('refuses the traversal path %j', async (path) => {
        const response = await registry.api('POST', '/api/v1/models/fraud/scorer/versions', { manifest: [{ path, sha256: blob.digest, size: blob.size }] });
        expect(response.status).toBe(400);
        expect(response.body.code).toBe('unsafe_path');
      });

      it('normalises manifest paths and derives the artifact digest from the sorted manifest', async () => {
        const other = await uploadBlob(registry, 'tokenizer');
        const a = await registry.api('POST', '/api/v1/models/fraud/scorer/versions', {
          manifest: [{ path: './model//weights.bin', sha256: blob.digest, size: blob.size }, { path: 'tok.json', sha256: other.digest, size: other.size }],
        });
        const b = await registry.api('POST', '/api/v1/models/fraud/scorer/versions', {
          manifest: [{ path: 'tok.json', sha256: other.digest, size: other.size }, { path: 'model/weights.bin', sha256: blob.digest, size: blob.size }],
        });
        expect(a.body.manifest.map((e: { path: string }) => e.path)).toEqual(['model/weights.bin', 'tok.json']);
        expect(a.body.artifactDigest).toBe(b.body.artifactDigest);
        expect(b.body.number).toBe(a.body.number + 1);
      });

      it('changes a draft only with a current If-Match', async () => {
        const draft = await register();
        const path = `/api/v1/models/fraud/scorer/versions/${draft.body.number}`;
        expect((await registry.api('PATCH', path, { metrics: { auc: 0.9 } })).status).toBe(428);
        const updated = await registry.api('PATCH', path, { metrics: { auc: 0.9 } }, { 'if-match': draft.headers.get('etag')! });
        expect(updated.status).toBe(200);
        expect(updated.body.metadata.metrics).toEqual({ auc: 0.9 });
        expect((await registry.api('PATCH', path, { metrics: { auc: 0.1 } }, { 'if-match': draft.headers.get('etag')! })).status).toBe(412);
      });

      it('refuses any change to a published version with 409 immutable', async () => {
        const draft = await register({ tags: ['to-publish'] });
        const path = `/api/v1/models/fraud/scorer/versions/${draft.body.number}`;
        const published = await registry.api('POST', `${path}/publish`, { reason: 'validated offline' });
        expect(published.status).toBe(200);
        expect(published.body).toMatchObject({ status: 'published', publishedBy: 'user:admin' });
        const etag = published.headers.get('etag')!;
        for (const patch of [{ metrics: { auc: 1 } }, { manifest: [{ path: 'other.bin', sha256: blob.digest, size: blob.size }] }, { license: 'MIT' }]) {
          const refused = await registry.api('PATCH', path, patch, { 'if-match': etag });
          expect(refused.status).toBe(409);
          expect(refused.body.code).toBe('immutable');
        }
        expect((await registry.api('POST', `${path}/publish`, {})).body.code).toBe('immutable');
        const after = await registry.api('GET', path);
        expect(after.body.metadata).toEqual(published.body.metadata);
        expect(after.body.manifest).toEqual(published.body.manifest);
      });

      it('replays a retried registration with the same Idempotency-Key instead of registering twice', async () => {
        const key = { 'idempotency-key': `retry-${dialect}-1` };
        const first = await register({ tags: ['idem'] }, key);
        const retry = await register({ tags: ['idem'] }, key);
        expect(retry.status).toBe(201);
        expect(retry.headers.get('idempotent-replayed')).toBe('true');
        expect(retry.body.number).toBe(first.body.number);
        const list = await registry.api('GET', '/api/v1/versions?tag=idem');
        expect(list.body.items).toHaveLength(1);
        const reused = await register({ tags: ['different'] }, key);
        expect(reused.status).toBe(422);
        expect(reused.body.code).toBe('idempotency_key_reused');
      });

      it('searches versions across models by status, tag, license and model, paginated', async () => {
        const published = await registry.api('GET', '/api/v1/versions?status=published');
        expect(published.body.items.length).toBeGreaterThanOrEqual(1);
        expect(published.body.items.every((v: { status: string }) => v.status === 'published')).toBe(true);
        expect((await registry.api('GET', '/api/v1/versions?license=Apache-2.0%20OR%20MIT')).body.items.map((v: { number: number }) => v.number)).toEqual([1]);
        const byModel = await registry.api('GET', '/api/v1/versions?model=fraud/scorer&limit=2');
        expect(byModel.body.items).toHaveLength(2);
        const rest = await registry.api('GET', `/api/v1/versions?model=fraud/scorer&limit=100&cursor=${byModel.body.nextCursor}`);
        const numbers = [...byModel.body.items, ...rest.body.items].map((v: { number: number }) => v.number);
        expect(numbers).toEqual([...numbers].sort((x, y) => x - y));
        expect(new Set(numbers).size).toBe(numbers.length);
        expect((await registry.api('GET', '/api/v1/versions?status=nonsense')).status).toBe(400);
      });

      it('answers 404 problems for versions and models that do not exist', async () => {
        expect((await registry.api('GET', '/api/v1/models/fraud/scorer/versions/9999')).body.code).toBe('not_found');
        expect((await registry.api('GET', '/api/v1/models/fraud/ghost')).status).toBe(404);
        expect((await registry.api('GET', '/api/v1/no/such/route')).body.code).toBe('not_found');
      });
    });

    describe('extension schemas', () => {
      it('validates extra metadata against the namespace schema and ledgers the schema', async () => {
        await registry.api('POST', '/api/v1/namespaces', { name: 'credit' });
        await registry.api('POST', '/api/v1/models', { namespace: 'credit', name: 'pd' });
        const schema = { type: 'object', properties: { costCentre: { type: 'string', pattern: '^CC-\\d+$' } }, required: ['costCentre'] };
        const set = await registry.api('PUT', '/api/v1/namespaces/credit/schemas/version', schema);
        expect(set.status).toBe(200);
        expect(set.body.schemas.version).toEqual(schema);
        const bad = await registry.api('POST', '/api/v1/models/credit/pd/versions', { manifest: [{ path: 'w', sha256: blob.digest, size: blob.size }], extra: { costCentre: 'nope' } });
        expect(bad.status).toBe(422);
        expect(bad.body.code).toBe('invalid_metadata');
        const good = await registry.api('POST', '/api/v1/models/credit/pd/versions', { manifest: [{ path: 'w', sha256: blob.digest, size: blob.size }], extra: { costCentre: 'CC-12' } });
        expect(good.status).toBe(201);
        await registry.api('POST', `/api/v1/models/credit/pd/versions/${good.body.number}/publish`, {});
        const entries = await registry.api('GET', '/api/v1/audit?subject=mk:namespace:credit&action=namespace.schema_set');
        expect(entries.body.items).toHaveLength(1);
      });

      it('refuses a schema change that would invalidate published records, naming one', async () => {
        const stricter = { type: 'object', properties: { costCentre: { type: 'string' }, owner: { type: 'string' } }, required: ['costCentre', 'owner'] };
        const refused = await registry.api('PUT', '/api/v1/namespaces/credit/schemas/version', stricter);
        expect(refused.status).toBe(409);
        expect(refused.body.code).toBe('schema_incompatible');
        expect(refused.body.violations[0].urn).toBe('mk:version:credit/pd@1');
        const relaxed = { type: 'object', properties: { costCentre: { type: 'string' }, owner: { type: 'string' } }, required: ['costCentre'] };
        expect((await registry.api('PUT', '/api/v1/namespaces/credit/schemas/version', relaxed)).status).toBe(200);
      });

      it('refuses something that is not a JSON Schema for an object', async () => {
        const response = await registry.api('PUT', '/api/v1/namespaces/credit/schemas/model', { type: 'string' });
        expect(response.status).toBe(400);
        const broken = await registry.api('PUT', '/api/v1/namespaces/credit/schemas/model', { type: 'object', properties: { a: { type: 'no-such-type' } } });
        expect(broken.status).toBe(400);
      });
    });
  });
}
