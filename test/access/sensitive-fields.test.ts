import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDACTED } from '../../src/catalog/keep-redacted.js';
import { type ApiResponse, callAs, dialects, discardTestRegistry, startTestRegistry, type TestRegistry, tokenFor, uploadBlob } from '../support/test-registry.js';

/** alpha marks `customerList` sensitive on models and `holdoutCustomers` on versions; beta has no schema at all. */
const modelSchema = { type: 'object', properties: { customerList: { type: 'string', 'x-sensitive': true }, team: { type: 'string' } } };
const versionSchema = { type: 'object', properties: { holdoutCustomers: { type: 'string', 'x-sensitive': true }, team: { type: 'string' } } };

const alphaModelExtra = { customerList: 'acme,globex', team: 'risk' };
const alphaVersionExtra = { holdoutCustomers: 'initech', team: 'risk' };
const betaModelExtra = { customerList: 'umbrella', team: 'fraud' };

const redactedModelExtra = { customerList: REDACTED, team: 'risk' };
const redactedVersionExtra = { holdoutCustomers: REDACTED, team: 'risk' };

type Caller = 'alpha viewer' | 'global viewer' | 'viewer-scoped maintainer token' | 'contributor' | 'alpha maintainer' | 'compliance' | 'auditor';

describe.each(dialects)('fields marked sensitive by a namespace schema, on $name', ({ name: dialect, skip }) => {
  let registry: TestRegistry;
  const tokens = {} as Record<Caller, string>;
  let beforeSchemaChange: string;

  beforeAll(async () => {
    if (skip) return;
    registry = await startTestRegistry(dialect);
    const admin = async (method: string, path: string, body?: unknown) => {
      const answer = await registry.api(method, path, body);
      expect(answer.status, `${method} ${path}: ${JSON.stringify(answer.body)}`).toBeLessThan(300);
      return answer;
    };
    for (const name of ['alpha', 'beta']) await admin('POST', '/api/v1/namespaces', { name });
    const set = await admin('PUT', '/api/v1/namespaces/alpha/schemas/model', modelSchema);
    expect(set.body.schemas.model).toEqual(modelSchema);
    await admin('PUT', '/api/v1/namespaces/alpha/schemas/version', versionSchema);
    const blob = await uploadBlob(registry, 'weights');
    await admin('POST', '/api/v1/models', { namespace: 'alpha', name: 'scorer', description: 'Credit scorer', extra: alphaModelExtra });
    await admin('POST', '/api/v1/models/alpha/scorer/versions', { manifest: [{ path: 'w.bin', sha256: blob.digest, size: blob.size }], extra: alphaVersionExtra });
    await admin('POST', '/api/v1/models/alpha/scorer/versions/1/publish', { reason: 'first release' });
    await admin('POST', '/api/v1/models', { namespace: 'beta', name: 'scorer', extra: betaModelExtra });
    beforeSchemaChange = new Date().toISOString();
    const issued = await Promise.all([
      tokenFor(registry, 'user:vera', [{ role: 'viewer', namespace: 'alpha' }]),
      tokenFor(registry, 'user:gus', [{ role: 'viewer' }]),
      tokenFor(registry, 'user:max', [{ role: 'maintainer', namespace: 'alpha' }], { roles: ['viewer'] }),
      tokenFor(registry, 'user:carl', [{ role: 'contributor', namespace: 'alpha' }]),
      tokenFor(registry, 'user:mia', [{ role: 'maintainer', namespace: 'alpha' }]),
      tokenFor(registry, 'user:cora', [{ role: 'compliance' }]),
      tokenFor(registry, 'user:audrey', [{ role: 'auditor' }]),
    ]);
    (['alpha viewer', 'global viewer', 'viewer-scoped maintainer token', 'contributor', 'alpha maintainer', 'compliance', 'auditor'] as const).forEach((caller, i) => {
      tokens[caller] = issued[i]!;
    });
  });
  afterAll(async () => {
    if (registry) await discardTestRegistry(registry);
  });

  const ok = (answer: ApiResponse): any => {
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return answer.body;
  };

  /** What a caller sees of alpha's model and version `extra` on every catalog read that carries it. */
  async function extrasSeenBy(caller: Caller) {
    const as = (path: string) => callAs(registry, tokens[caller], 'GET', path).then(ok);
    const model = await as('/api/v1/models/alpha/scorer');
    const search = await as('/api/v1/models?namespace=alpha');
    const pastModel = await as(`/api/v1/models/alpha/scorer?asOf=${encodeURIComponent(beforeSchemaChange)}`);
    const version = await as('/api/v1/models/alpha/scorer/versions/1');
    const versions = await as('/api/v1/models/alpha/scorer/versions');
    const versionSearch = await as('/api/v1/versions?namespace=alpha');
    return {
      model: model.extra,
      search: search.items.map((item: { extra: unknown }) => item.extra),
      pastModel: pastModel.extra,
      version: version.metadata.extra,
      versions: versions.items.map((item: { metadata: { extra: unknown } }) => item.metadata.extra),
      versionSearch: versionSearch.items.map((item: { metadata: { extra: unknown } }) => item.metadata.extra),
    };
  }

  it.skipIf(skip).each<Caller>(['alpha viewer', 'global viewer', 'viewer-scoped maintainer token', 'contributor'])(
    'shows a %s the sensitive field as [redacted] and the rest as it is, on every catalog read',
    async (caller) => {
      expect(await extrasSeenBy(caller)).toEqual({
        model: redactedModelExtra,
        search: [redactedModelExtra],
        pastModel: redactedModelExtra,
        version: redactedVersionExtra,
        versions: [redactedVersionExtra],
        versionSearch: [redactedVersionExtra],
      });
    },
  );

  it.skipIf(skip).each<Caller>(['alpha maintainer', 'compliance', 'auditor'])('shows a caller with catalog.read_sensitive (%s) the real values', async (caller) => {
    expect(await extrasSeenBy(caller)).toEqual({
      model: alphaModelExtra,
      search: [alphaModelExtra],
      pastModel: alphaModelExtra,
      version: alphaVersionExtra,
      versions: [alphaVersionExtra],
      versionSearch: [alphaVersionExtra],
    });
  });

  it.skipIf(skip)("follows each namespace's own schema in one answer: the same field name elsewhere is not sensitive", async () => {
    const search = ok(await callAs(registry, tokens['global viewer'], 'GET', '/api/v1/models?q=scorer'));
    const byNamespace = Object.fromEntries(search.items.map((item: { namespace: string; extra: unknown }) => [item.namespace, item.extra]));
    expect(byNamespace).toEqual({ alpha: redactedModelExtra, beta: betaModelExtra });
  });

  it.skipIf(skip)("marks a model field sensitive through the model schema only: a version's fields follow the version schema", async () => {
    // `customerList` is sensitive on alpha's models; on its versions only `holdoutCustomers` is.
    const blob = await uploadBlob(registry, 'more weights');
    const registered = await registry.api('POST', '/api/v1/models/alpha/scorer/versions', { manifest: [{ path: 'w.bin', sha256: blob.digest, size: blob.size }], extra: { customerList: 'visible', holdoutCustomers: 'hidden' } });
    expect(registered.status).toBe(201);
    const seen = ok(await callAs(registry, tokens['alpha viewer'], 'GET', `/api/v1/models/alpha/scorer/versions/${registered.body.number}`));
    expect(seen.metadata.extra).toEqual({ customerList: 'visible', holdoutCustomers: REDACTED });
  });

  it.skipIf(skip)('redacts in the answer only: what is stored, and what the next privileged reader sees, is unchanged', async () => {
    ok(await callAs(registry, tokens['alpha viewer'], 'GET', '/api/v1/models/alpha/scorer'));
    expect(ok(await callAs(registry, tokens['alpha maintainer'], 'GET', '/api/v1/models/alpha/scorer')).extra).toEqual(alphaModelExtra);
    expect(ok(await registry.api('GET', '/api/v1/models/alpha/scorer')).extra).toEqual(alphaModelExtra);
  });

  it.skipIf(skip)('keeps the real value when a caller who cannot read it edits another field', async () => {
    const read = await callAs(registry, tokens.contributor, 'GET', '/api/v1/models/alpha/scorer');
    const etag = read.headers.get('etag')!;
    const updated = await registry.api('PATCH', '/api/v1/models/alpha/scorer', { description: 'Credit scorer, v2 docs' }, { authorization: `Bearer ${tokens.contributor}`, 'if-match': etag });
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    expect(ok(await callAs(registry, tokens['alpha maintainer'], 'GET', '/api/v1/models/alpha/scorer')).extra).toEqual(alphaModelExtra);
  });

  // Beyond reads: write answers, read-modify-write clients and diffs.
  it.skipIf(skip)('redacts the write answer too: a contributor who updates a model does not get the sensitive value back', async () => {
    const read = await callAs(registry, tokens.contributor, 'GET', '/api/v1/models/alpha/scorer');
    const updated = await registry.api('PATCH', '/api/v1/models/alpha/scorer', { tags: ['credit'] }, { authorization: `Bearer ${tokens.contributor}`, 'if-match': read.headers.get('etag')! });
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    expect(updated.body.extra).toEqual(redactedModelExtra);
  });

  it.skipIf(skip)('keeps the stored value when a caller who was shown [redacted] sends the extra back', async () => {
    expect((await registry.api('POST', '/api/v1/models', { namespace: 'alpha', name: 'pricing', extra: alphaModelExtra })).status).toBe(201);
    const read = await callAs(registry, tokens.contributor, 'GET', '/api/v1/models/alpha/pricing');
    expect(read.body.extra).toEqual(redactedModelExtra);
    // A read-modify-write client changes `team` and sends back what it was shown; refusing the write would be fine too.
    await registry.api('PATCH', '/api/v1/models/alpha/pricing', { extra: { ...read.body.extra, team: 'pricing' } }, { authorization: `Bearer ${tokens.contributor}`, 'if-match': read.headers.get('etag')! });
    expect(ok(await callAs(registry, tokens['alpha maintainer'], 'GET', '/api/v1/models/alpha/pricing')).extra.customerList).toBe('acme,globex');
  });

  it.skipIf(skip)('redacts the catalog diff for a viewer', async () => {
    const diff = ok(await callAs(registry, tokens['alpha viewer'], 'GET', '/api/v1/diff?from=0&namespace=alpha'));
    const model = diff.changes.find((change: { urn: string }) => change.urn === 'mk:model:alpha/scorer');
    expect(model).toBeDefined();
    expect(JSON.stringify(diff)).not.toContain('acme,globex');
    expect(JSON.stringify(diff)).not.toContain('initech');
  });
});
