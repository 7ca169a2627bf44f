import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, startTestRegistry, type TestRegistry } from '../support/test-registry.js';
import { uploadBlob } from '../support/test-registry.js';

/*
 * The lineage graph over HTTP on both databases: edges derived from what a
 * version records, declared edges, traversals with depth and filters, "why"
 * paths and the blast radius, with deployments and stages from governance.
 */

const lib = (purl: string) => `mk:library:${purl}`;

describe.each(dialects)('lineage over HTTP ($name)', ({ name, skip }) => {
  let registry: TestRegistry;
  let digest: string;

  const register = async (model: string, metadata: Record<string, unknown>) => {
    const response = await registry.api('POST', `/api/v1/models/fraud/${model}/versions`, { manifest: [{ path: 'model.onnx', sha256: digest, size: 5 }], ...metadata });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return response.body.number as number;
  };

  beforeAll(async () => {
    if (skip) return;
    registry = await startTestRegistry(name);
    expect((await registry.api('POST', '/api/v1/namespaces', { name: 'fraud' })).status).toBe(201);
    for (const model of ['scorer', 'distilled', 'other']) expect((await registry.api('POST', '/api/v1/models', { namespace: 'fraud', name: model })).status).toBe(201);
    digest = (await uploadBlob(registry, Buffer.from('bytes'))).digest;
  });
  afterAll(async () => registry?.close());

  it.skipIf(skip)('derives edges from what a version records, and answers traversals with depth and filters', async () => {
    await register('scorer', {
      datasets: [{ urn: 'mk:dataset:fraud/transactions@2024-06', role: 'train' }],
      environment: { image: 'registry.example/train@sha256:' + 'a'.repeat(64), libraries: ['pkg:pypi/numpy@1.26.4', 'pkg:pypi/torch@2.3.1'] },
      trainingRun: { id: 'run-42', pipeline: 'nightly' },
    });
    await register('distilled', { baseModel: 'mk:version:fraud/scorer@1', environment: { libraries: ['pkg:pypi/numpy@2.0.0'] } });

    const node = await registry.api('GET', `/api/v1/lineage-nodes?urn=${encodeURIComponent('mk:version:fraud/scorer@1')}`);
    expect(node.status).toBe(200);
    expect(node.body.outgoing.map((e: { type: string; to: string }) => `${e.type} ${e.to}`).sort()).toEqual([
      'dependsOn mk:library:pkg:pypi/numpy@1.26.4',
      'dependsOn mk:library:pkg:pypi/torch@2.3.1',
      'producedBy mk:run:fraud/run-42',
      'trainedOn mk:dataset:fraud/transactions@2024-06',
      `uses mk:image:registry.example/train@sha256:${'a'.repeat(64)}`,
    ]);
    expect(node.body.outgoing[0].origin).toEqual({ derivedFrom: 'mk:version:fraud/scorer@1' });

    const up = await registry.api('GET', '/api/v1/lineage/mk:version:fraud/distilled@1?direction=upstream&depth=1');
    expect(up.status).toBe(200);
    expect(up.body.nodes.map((n: { urn: string }) => n.urn).sort()).toEqual(['mk:library:pkg:pypi/numpy@2.0.0', 'mk:version:fraud/distilled@1', 'mk:version:fraud/scorer@1'].filter((u) => u !== 'mk:version:fraud/distilled@1').sort());

    const deeper = await registry.api('GET', '/api/v1/lineage/mk:version:fraud/distilled@1?direction=upstream&depth=3&kind=dataset,pipeline');
    expect(deeper.body.nodes.map((n: { urn: string }) => n.urn).sort()).toEqual(['mk:dataset:fraud/transactions@2024-06', 'mk:pipeline:fraud/nightly']);

    const down = await registry.api('GET', `/api/v1/lineage/${lib('pkg:pypi/numpy')}?direction=downstream&kind=version`);
    expect(down.body.nodes.map((n: { urn: string }) => n.urn).sort()).toEqual(['mk:version:fraud/distilled@1', 'mk:version:fraud/scorer@1']);

    const typed = await registry.api('GET', `/api/v1/lineage/mk:dataset:fraud/transactions@2024-06?direction=downstream&edgeType=trainedOn&depth=5`);
    expect(typed.body.nodes.map((n: { urn: string }) => n.urn)).toEqual(['mk:version:fraud/scorer@1']);

    const unknown = await registry.api('GET', '/api/v1/lineage/mk:dataset:fraud/nothing');
    expect(unknown.status).toBe(404);
    const bad = await registry.api('GET', '/api/v1/lineage/not-a-urn');
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('invalid_request');
    const badKind = await registry.api('GET', `/api/v1/lineage/${lib('pkg:pypi/numpy')}?kind=spaceship`);
    expect(badKind.status).toBe(400);
  });

  it.skipIf(skip)('declares and removes edges, refusing derived ones and edges to versions that do not exist', async () => {
    const featureSet = 'mk:featureset:fraud/card-velocity';
    expect((await registry.api('PUT', '/api/v1/lineage-nodes', { urn: featureSet, attributes: { owner: 'ana@example.com', description: 'card velocity' } })).status).toBe(201);
    const add = await registry.api('POST', '/api/v1/lineage-edges', { from: 'mk:version:fraud/distilled@1', type: 'uses', to: featureSet, reason: 'reads it at serving time' });
    expect(add.status, JSON.stringify(add.body)).toBe(201);
    expect((await registry.api('POST', '/api/v1/lineage-edges', { from: 'mk:version:fraud/distilled@1', type: 'uses', to: featureSet })).status).toBe(409);
    const down = await registry.api('GET', `/api/v1/lineage/${featureSet}?direction=downstream`);
    expect(down.body.nodes.map((n: { urn: string }) => n.urn)).toContain('mk:version:fraud/distilled@1');

    const derived = await registry.api('DELETE', '/api/v1/lineage-edges', { from: 'mk:version:fraud/scorer@1', type: 'dependsOn', to: lib('pkg:pypi/torch@2.3.1') });
    expect(derived.status).toBe(409);
    expect(derived.body.detail).toContain('derived from the record of mk:version:fraud/scorer@1');
    const toNothing = await registry.api('POST', '/api/v1/lineage-edges', { from: 'mk:version:fraud/distilled@1', type: 'derivedFrom', to: 'mk:version:fraud/scorer@9' });
    expect(toNothing.status).toBe(404);

    expect((await registry.api('DELETE', '/api/v1/lineage-edges', { from: 'mk:version:fraud/distilled@1', type: 'uses', to: featureSet })).status).toBe(200);
    const after = await registry.api('GET', `/api/v1/lineage/${featureSet}?direction=downstream`);
    expect(after.body.nodes.map((n: { urn: string }) => n.urn)).not.toContain('mk:version:fraud/distilled@1');
    const entries = await registry.api('GET', '/api/v1/ledger/entries?from=0&to=10000');
    const actions = entries.body.entries.map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['lineage.node_recorded', 'lineage.edge_added', 'lineage.edge_removed']));
  });

  it.skipIf(skip)('explains why a model depends on a library, and finds the production versions downstream of it with the path', async () => {
    const why = await registry.api('GET', `/api/v1/lineage-paths?from=mk:model:fraud/distilled&to=${lib('pkg:pypi/torch')}`);
    expect(why.status).toBe(200);
    expect(why.body.connected).toBe(true);
    expect(why.body.paths[0]).toEqual({ nodes: ['mk:version:fraud/distilled@1', 'mk:version:fraud/scorer@1', lib('pkg:pypi/torch@2.3.1')], edges: ['derivedFrom', 'dependsOn'] });
    const none = await registry.api('GET', `/api/v1/lineage-paths?from=mk:model:fraud/distilled&to=mk:dataset:fraud/transactions@2024-06&maxDepth=1`);
    expect(none.body).toMatchObject({ connected: false, paths: [] });

    // Nothing is in production yet.
    const before = await registry.api('GET', `/api/v1/impact?urn=${lib('pkg:pypi/torch')}&stage=production`);
    expect(before.body.affected).toEqual([]);

    for (const model of ['scorer', 'distilled']) {
      expect((await registry.api('POST', `/api/v1/models/fraud/${model}/versions/1/publish`, {})).status).toBe(200);
    }
    // A permissive gate policy lets the admin promote straight to production for this test.
    const policy = { rules: [{ to: 'production', approvals: { count: 0 }, conditions: [{ expr: 'true', message: 'always' }] }] };
    const set = await registry.api('PUT', '/api/v1/gate-policy', { policy });
    expect([200, 422]).toContain(set.status);
    const promote = await registry.api('POST', '/api/v1/models/fraud/distilled/versions/1/promotions', { to: 'production', rationale: 'test' });
    if (promote.status === 201 || promote.status === 200) {
      const impact = await registry.api('GET', `/api/v1/impact?urn=${lib('pkg:pypi/torch')}&stage=production`);
      expect(impact.body.affected.map((a: { urn: string }) => a.urn)).toEqual(['mk:version:fraud/distilled@1']);
      expect(impact.body.affected[0].path.edges).toEqual(['dependsOn', 'derivedFrom']);
    }
    const all = await registry.api('GET', `/api/v1/impact?urn=mk:dataset:fraud/transactions@2024-06`);
    expect(all.body.affected.map((a: { urn: string }) => a.urn).sort()).toEqual(['mk:version:fraud/distilled@1', 'mk:version:fraud/scorer@1']);
  });
});
