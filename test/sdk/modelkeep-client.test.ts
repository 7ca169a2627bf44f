import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../src/server/open-registry.js';
import { ModelKeepApiError, ModelKeepClient } from '../../src/sdk/index.js';
import { failure } from './expect-api-error.js';

const digestOf = (bytes: Buffer | string): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

describe('ModelKeepClient against a real registry', { timeout: 30_000 }, () => {
  let scratch: string;
  let server: RunningServer;
  let client: ModelKeepClient;
  const weights = randomBytes(2 * 1024 * 1024 + 3);
  const config = Buffer.from('{"threshold": 0.5}');

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'modelkeep-sdk-'));
    const adminToken = randomBytes(32).toString('base64url');
    server = await startServer({ dataDir: join(scratch, 'data'), host: '127.0.0.1', port: 0, adminToken });
    client = new ModelKeepClient({ baseUrl: `${server.url}/`, token: adminToken });
    await client.namespaces.create({ name: 'fraud', description: 'Fraud team' });
    await client.models.create({ namespace: 'fraud', name: 'scorer', tags: ['tabular'], riskProfile: { customerExposure: 'high' } });
  });

  afterAll(async () => {
    await server?.close();
    await rm(scratch, { recursive: true, force: true });
  });

  it('answers health, readiness and whoami', async () => {
    expect(await client.health()).toEqual({ status: 'ok' });
    expect(await client.ready()).toMatchObject({ status: 'ready' });
    expect(await client.whoami()).toEqual({
      principal: 'user:admin',
      roles: ['admin'],
      grants: [{ role: 'admin', namespace: null, via: 'bootstrap' }],
      groups: [],
      authenticatedBy: 'token',
      scope: { roles: null, namespaces: null },
    });
  });

  it('streams a blob up from a file, reporting progress, and says it exists afterwards', async () => {
    const path = join(scratch, 'weights.bin');
    await writeFile(path, weights);
    let progress = 0;
    expect(await client.blobs.exists(digestOf(weights))).toBe(false);
    const stored = await client.blobs.put(digestOf(weights), path, { onProgress: (n) => (progress += n) });
    expect(stored).toEqual({ digest: digestOf(weights), size: weights.length, created: true });
    expect(progress).toBe(weights.length);
    expect(await client.blobs.exists(digestOf(weights))).toBe(true);
    expect(await client.blobs.missing([digestOf(weights), digestOf(config), digestOf(weights)])).toEqual([digestOf(config)]);
  });

  it('streams a blob up from a Readable', async () => {
    const stored = await client.blobs.put(digestOf(config), Readable.from([config]), { size: config.length });
    expect(stored.created).toBe(true);
  });

  it('refuses bytes that do not match the digest, storing nothing', async () => {
    const claimed = digestOf('something else');
    const error = await failure(client.blobs.put(claimed, Readable.from([Buffer.from('actual bytes')])));
    expect(error).toMatchObject({ code: 'digest_mismatch', status: 422 });
    expect(await client.blobs.exists(claimed)).toBe(false);
  });

  it('downloads a blob whole or by range', async () => {
    const whole = await client.blobs.get(digestOf(config));
    expect(await text(whole.stream)).toBe(config.toString());
    const part = await client.blobs.get(digestOf(weights), { range: { start: 10, end: 19 } });
    const bytes = Buffer.concat(await part.stream.toArray());
    expect(bytes.equals(weights.subarray(10, 20))).toBe(true);
    expect(part.range).toEqual({ start: 10, end: 19, size: weights.length });
  });

  it('registers a version once however often the same idempotency key is sent', async () => {
    const body = { manifest: [{ path: 'model/weights.bin', sha256: digestOf(weights), size: weights.length }, { path: 'config.json', sha256: digestOf(config), size: config.length }], license: 'Apache-2.0' };
    const first = await client.versions.register({ namespace: 'fraud', name: 'scorer' }, body, { idempotencyKey: 'push-1' });
    const replay = await client.versions.register({ namespace: 'fraud', name: 'scorer' }, body, { idempotencyKey: 'push-1' });
    expect(replay.number).toBe(first.number);
    const { items } = await client.versions.list({ namespace: 'fraud', name: 'scorer' });
    expect(items.map((v) => v.number)).toEqual([first.number]);
    expect(first.manifest.map((e) => e.path)).toEqual(['config.json', 'model/weights.bin']);
  });

  it('updates a draft only with the current revision, then publishes it for good', async () => {
    const ref = { namespace: 'fraud', model: 'scorer', number: 1 };
    const draft = await client.versions.get(ref);
    const stale = await failure(client.versions.update(ref, { tags: ['late'] }, { ifMatch: draft.revision + 7 }));
    expect(stale).toMatchObject({ code: 'version_conflict', status: 412 });
    expect(stale.extensions.currentEtag).toBe(`"r${draft.revision}"`);
    const updated = await client.versions.update(ref, { tags: ['candidate'] }, { ifMatch: draft.revision });
    expect(updated.metadata.tags).toEqual(['candidate']);
    const published = await client.versions.publish(ref, { reason: 'ready' });
    expect(published.status).toBe('published');
    const immutable = await failure(client.versions.update(ref, { tags: ['after'] }, { ifMatch: published.revision }));
    expect(immutable.code).toBe('immutable');
  });

  it('updates a model with If-Match and searches models and versions', async () => {
    const model = await client.models.get({ namespace: 'fraud', name: 'scorer' });
    const updated = await client.models.update({ namespace: 'fraud', name: 'scorer' }, { description: 'Scores card payments' }, { ifMatch: `"r${model.revision}"` });
    expect(updated.description).toBe('Scores card payments');
    expect((await client.models.search({ q: 'card' })).items.map((m) => m.name)).toEqual(['scorer']);
    expect((await client.versions.search({ model: 'fraud/scorer', status: 'published' })).items.map((v) => v.number)).toEqual([1]);
  });

  it('pages through every result with the *All iterators', async () => {
    for (const name of ['a', 'b', 'c']) await client.models.create({ namespace: 'fraud', name });
    const names: string[] = [];
    for await (const model of client.models.searchAll({ namespace: 'fraud', limit: 2 })) names.push(model.name);
    expect(names.sort()).toEqual(['a', 'b', 'c', 'scorer']);
  });

  it('sets and removes a namespace schema', async () => {
    const set = await client.namespaces.setSchema('fraud', 'model', { type: 'object', properties: { costCentre: { type: 'string' } } });
    expect(set.schemas.model).toMatchObject({ type: 'object' });
    const removed = await client.namespaces.deleteSchema('fraud', 'model');
    expect(removed.schemas.model).toBeUndefined();
    expect((await client.namespaces.get('fraud')).description).toBe('Fraud team');
  });

  it('reads the ledger tail and the audit log', async () => {
    const tail = await client.ledger.tail(2);
    expect(tail).toHaveLength(2);
    expect(tail[1]!.seq).toBe(tail[0]!.seq + 1);
    const audit = await client.ledger.audit({ action: 'version.published' });
    expect(audit.items.map((e) => e.subject)).toEqual(['mk:version:fraud/scorer@1']);
  });

  it('issues and revokes tokens', async () => {
    await client.access.grant({ principal: 'service:reader', role: 'viewer', reason: 'reads the catalog' });
    const issued = await client.tokens.issue({ name: 'reader', principal: 'service:reader' });
    expect(issued).toMatchObject({ principal: 'service:reader', roles: null, namespaces: null, expiresAt: expect.any(String) });
    const reader = new ModelKeepClient({ baseUrl: server.url, token: issued.token });
    expect(await reader.whoami()).toMatchObject({ principal: 'service:reader', roles: ['viewer'], grants: [{ role: 'viewer', namespace: null, via: 'binding' }] });
    expect(await failure(reader.namespaces.create({ name: 'nope' }))).toMatchObject({ code: 'forbidden', status: 403 });
    await client.tokens.revoke(issued.id);
    expect(await failure(reader.whoami())).toMatchObject({ code: 'unauthenticated', status: 401 });
  });

  it('turns problem responses into errors carrying the problem', async () => {
    const error = await failure(client.models.get({ namespace: 'fraud', name: 'missing' }));
    expect(error).toBeInstanceOf(ModelKeepApiError);
    expect(error).toMatchObject({ code: 'not_found', status: 404, detail: 'Model fraud/missing does not exist' });
    expect(error.problem).toMatchObject({ type: 'https://modelkeep.dev/problems/not_found', instance: '/api/v1/models/fraud/missing' });
  });
});
