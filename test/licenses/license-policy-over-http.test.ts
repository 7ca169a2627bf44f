import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, startTestRegistry, type TestRegistry, uploadBlob } from '../support/test-registry.js';

/*
 * Licenses over HTTP on both databases: a model trained on non-commercial
 * data under a permissive license is a conflict naming the dataset; the
 * built-in policy denies the AGPL; a malformed policy is refused whole with
 * every violation and changes nothing; a valid one is in force and in the
 * history; and a model's health names the conflict and the dataset nobody
 * described.
 */

const faces = 'mk:dataset:vision/faces@1';
const scraped = 'mk:dataset:vision/scraped@2024-01';

describe.each(dialects)('license policy over HTTP ($name)', ({ name, skip }) => {
  let registry: TestRegistry;
  let digest: string;

  const register = async (model: string, metadata: Record<string, unknown>): Promise<number> => {
    const response = await registry.api('POST', `/api/v1/models/vision/${model}/versions`, { manifest: [{ path: 'model.onnx', sha256: digest, size: 5 }], ...metadata });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return response.body.number as number;
  };
  const findings = async (model: string, n: number) => {
    const response = await registry.api('GET', `/api/v1/models/vision/${model}/versions/${n}/findings`);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body as { license: { expression: string | null; verdict: { status: string; reasons: string[] }; conflicts: { dataset: string; severity: string; reason: string }[] } };
  };

  beforeAll(async () => {
    if (skip) return;
    registry = await startTestRegistry(name);
    expect((await registry.api('POST', '/api/v1/namespaces', { name: 'vision' })).status).toBe(201);
    for (const model of ['detector', 'research', 'copyleft']) {
      expect((await registry.api('POST', '/api/v1/models', { namespace: 'vision', name: model, owners: ['ana@example.com'] })).status).toBe(201);
    }
    digest = (await uploadBlob(registry, Buffer.from('bytes'))).digest;
    const described = await registry.api('PUT', '/api/v1/lineage-nodes', { urn: faces, attributes: { license: 'CC-BY-NC-4.0', usageTerms: ['research-only'], sensitivity: 'high', pii: true } });
    expect(described.status, JSON.stringify(described.body)).toBe(201);
  });
  afterAll(async () => registry?.close());

  it.skipIf(skip)('finds a conflict naming the dataset when a permissively licensed model is trained on non-commercial data, and none when the model stays non-commercial', async () => {
    await register('detector', { license: 'Apache-2.0', datasets: [{ urn: faces, role: 'train' }, { urn: scraped, role: 'train' }] });
    const { license } = await findings('detector', 1);
    expect(license.expression).toBe('Apache-2.0');
    // The policy itself has nothing against Apache-2.0: the conflict is with the data.
    expect(license.verdict.status).toBe('allowed');
    const onFaces = license.conflicts.filter((c) => c.dataset === faces);
    expect(onFaces.length).toBeGreaterThanOrEqual(1);
    expect(onFaces.every((c) => c.severity === 'conflict')).toBe(true);
    expect(onFaces.map((c) => c.reason).join(' ')).toContain('CC-BY-NC-4.0');
    expect(onFaces.map((c) => c.reason).join(' ')).toContain('research-only');
    // A dataset nobody described has no license to honour: a person must read its terms.
    expect(license.conflicts.filter((c) => c.dataset === scraped)).toEqual([{ dataset: scraped, severity: 'warning', reason: expect.stringContaining('declares no license') }]);

    await register('research', { license: 'CC-BY-NC-4.0', datasets: [{ urn: faces, role: 'train' }] });
    expect((await findings('research', 1)).license).toMatchObject({ verdict: { status: 'allowed' }, conflicts: [] });
  });

  it.skipIf(skip)('denies an AGPL-licensed version under the built-in policy', async () => {
    await register('copyleft', { license: 'AGPL-3.0-only' });
    const { license } = await findings('copyleft', 1);
    expect(license.verdict.status).toBe('denied');
    expect(license.conflicts).toEqual([{ dataset: 'mk:version:vision/copyleft@1', severity: 'conflict', reason: expect.stringContaining('denied by the license policy') }]);

    const policy = await registry.api('GET', '/api/v1/license-policy');
    expect(policy.status).toBe(200);
    expect(policy.body).toMatchObject({ from: 'builtin', revision: 0, updatedAt: null });
    expect(policy.body.document.denied).toContain('AGPL-3.0-only');
  });

  it.skipIf(skip)('refuses a malformed policy with every violation listed, and keeps the one in force', async () => {
    const malformed = await registry.api('PUT', '/api/v1/license-policy', {
      document: { allowed: ['MIT', 'Not-A-Real-License'], denied: ['MIT'], unknown: 'maybe', colour: 'blue' },
      reason: 'a broken attempt',
    });
    expect(malformed.status).toBe(422);
    expect(malformed.body.code).toBe('invalid_policy');
    // The misspelt key, the bad enum, the unknown id and the contradiction, together.
    expect(malformed.body.violations).toHaveLength(4);
    expect(malformed.body.violations).toEqual(
      expect.arrayContaining([
        expect.stringContaining('colour is not a known field'),
        expect.stringContaining('unknown must be one of warn, deny'),
        expect.stringContaining("'Not-A-Real-License' is not an SPDX license"),
        expect.stringContaining('cannot be both allowed and denied'),
      ]),
    );

    const badYaml = await registry.api('PUT', '/api/v1/license-policy', { source: 'allowed: [MIT\ndenied: [', format: 'yaml' });
    expect(badYaml.status).toBe(422);
    expect(badYaml.body.code).toBe('invalid_policy');
    const both = await registry.api('PUT', '/api/v1/license-policy', { source: 'allowed: [MIT]', document: { allowed: ['MIT'] } });
    expect(both.status).toBe(400);

    const still = await registry.api('GET', '/api/v1/license-policy');
    expect(still.body).toMatchObject({ from: 'builtin', revision: 0 });
    expect((await registry.api('GET', '/api/v1/license-policy/history')).body.items).toEqual([]);
  });

  it.skipIf(skip)('puts a valid policy in force, keeps it in the history, and judges versions by it', async () => {
    const source = '# Only what legal has read.\nallowed: [Apache-2.0, MIT, CC-BY-NC-4.0]\ndenied: [AGPL-3.0-only]\nunknown: deny\n';
    const set = await registry.api('PUT', '/api/v1/license-policy', { source, reason: 'legal review 2024-06' });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body.revision).toBe(1);
    expect(set.body.rescored.scored).toBe(3);

    const now = await registry.api('GET', '/api/v1/license-policy');
    expect(now.body).toMatchObject({ from: 'set', revision: 1, source, document: { allowed: ['Apache-2.0', 'MIT', 'CC-BY-NC-4.0'], denied: ['AGPL-3.0-only'], unknown: 'deny' } });
    const history = await registry.api('GET', '/api/v1/license-policy/history');
    expect(history.body.items).toEqual([expect.objectContaining({ reason: 'legal review 2024-06', source })]);

    // A license the allow-list does not name is unknown, and `unknown: deny` refuses it.
    await register('copyleft', { license: 'GPL-3.0-only' });
    const { license } = await findings('copyleft', 2);
    expect(license.verdict.status).toBe('denied');
    expect((await findings('detector', 1)).license.verdict.status).toBe('allowed');
  });

  it.skipIf(skip)("lists the license conflict and the dataset nobody described in the model's health", async () => {
    const health = await registry.api('GET', '/api/v1/models/vision/detector/health');
    expect(health.status).toBe(200);
    expect(health.body.healthy).toBe(false);
    const issues = health.body.issues as { code: string; severity: string; message: string; fix: string }[];
    const conflict = issues.find((i) => i.code === 'license_conflict');
    expect(conflict).toMatchObject({ severity: 'error', message: expect.stringContaining(faces) });
    expect(issues.filter((i) => i.code === 'dataset_undescribed')).toEqual([expect.objectContaining({ severity: 'warning', message: expect.stringContaining(scraped), fix: expect.stringContaining('/api/v1/lineage-nodes') })]);
    // The described dataset is not reported as undescribed.
    expect(issues.filter((i) => i.code === 'dataset_undescribed' && i.message.includes(faces))).toEqual([]);
    expect(health.body.errors).toBe(issues.filter((i) => i.severity === 'error').length);

    const research = (await registry.api('GET', '/api/v1/models/vision/research/health')).body.issues as { code: string }[];
    expect(research.map((i) => i.code)).not.toContain('license_conflict');
    expect(research.map((i) => i.code)).not.toContain('dataset_undescribed');
    expect((await registry.api('GET', '/api/v1/models/vision/nobody/health')).status).toBe(404);
  });
});
