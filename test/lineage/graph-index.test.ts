import { describe, expect, it } from 'vitest';
import { RegistryError } from '../../src/errors/registry-error.js';
import { LineageGraph } from '../../src/lineage/graph-index.js';
import { depths, fixtureEdges, fixtureGraph, fixtureNodes, u } from './lineage-fixture.js';

const down = { direction: 'downstream', depth: 10, limit: 100 } as const;
const up = { ...down, direction: 'upstream' } as const;
const normalised = <T extends { urn: string }>(nodes: readonly T[]): T[] => [...nodes].sort((a, b) => a.urn.localeCompare(b.urn));

describe('the lineage index', () => {
  it('creates the nodes an edge names before they are described, with the kind their URN says', () => {
    const graph = LineageGraph.build([], [{ from: u.scorer1, type: 'dependsOn', to: u.numpy1 }]);
    expect(graph.node(u.numpy1)).toEqual({ urn: u.numpy1, kind: 'library', stage: null, environments: [], status: null, label: null });
    expect(graph.size()).toEqual({ nodes: 2, edges: 1 });
    graph.setNode(u.scorer1, { stage: 'production', environments: ['production', 'canary', 'production'], status: 'published', label: 'scorer 1' });
    expect(graph.node(u.scorer1)).toMatchObject({ kind: 'version', stage: 'production', environments: ['canary', 'production'], label: 'scorer 1' });
  });

  it('leaves attributes an update does not mention alone, and clears those given as null or empty', () => {
    const graph = fixtureGraph();
    graph.setNode(u.scorer1, { stage: 'retired' });
    expect(graph.node(u.scorer1)).toMatchObject({ stage: 'retired', environments: ['production'], status: 'published' });
    graph.setNode(u.scorer1, { environments: [], status: null });
    expect(graph.node(u.scorer1)).toMatchObject({ stage: 'retired', environments: [], status: null });
    expect(graph.traverse(u.numpy1, { ...down, stage: 'production' })!.nodes.map((n) => n.urn)).toEqual([u.ranker1]);
  });

  it('refuses URNs that are not lineage URNs and unknown edge types, creating nothing', () => {
    const graph = new LineageGraph();
    expect(() => graph.setNode('mk:namespace:fraud')).toThrow(RegistryError);
    expect(() => graph.addEdge(u.scorer1, 'dependsOn', 'numpy')).toThrow(RegistryError);
    expect(() => graph.addEdge(u.scorer1, 'imports' as never, u.numpy1)).toThrow(RegistryError);
    expect(() => LineageGraph.build([], [{ from: u.scorer1, type: 'dependsOn', to: 'pkg:pypi/numpy' }])).toThrow(RegistryError);
    expect(graph.size()).toEqual({ nodes: 0, edges: 0 });
  });

  it('finds nodes by URNs however they were built: concatenated, or with characters a UTF-8 copy would change', () => {
    const graph = new LineageGraph();
    const odd = 'mk:library:pkg:npm/x\uD800y@1.0.0';
    const ns = 'fraud';
    graph.addEdge(`mk:version:${ns}/${'scorer'}@${1}`, 'dependsOn', odd);
    expect(graph.hasNode(u.scorer1)).toBe(true);
    expect(graph.node(odd)?.urn).toBe(odd);
    expect(graph.traverse(odd, { direction: 'downstream', depth: 1, limit: 10 })!.nodes.map((n) => n.urn)).toEqual([u.scorer1]);
  });

  it('keeps one edge when the same sentence is recorded twice, but two when the type differs', () => {
    const graph = LineageGraph.build([], [
      { from: u.scorer1, type: 'trainedOn', to: u.tx1 },
      { from: u.scorer1, type: 'trainedOn', to: u.tx1 },
      { from: u.scorer1, type: 'uses', to: u.tx1 },
    ]);
    expect(graph.size().edges).toBe(2);
    expect(graph.traverse(u.tx1, down)!.total).toBe(1);
  });

  it('adds and removes edges idempotently, after the build and in the built arrays', () => {
    const graph = fixtureGraph();
    const edges = graph.size().edges;
    expect(graph.addEdge(u.scorer1, 'dependsOn', u.numpy1)).toBe(false);
    expect(graph.addEdge(u.scorer3, 'dependsOn', u.numpy1)).toBe(true);
    expect(graph.addEdge(u.scorer3, 'dependsOn', u.numpy1)).toBe(false);
    expect(graph.size().edges).toBe(edges + 1);
    expect(graph.removeEdge(u.scorer1, 'dependsOn', u.numpy1)).toBe(true);
    expect(graph.removeEdge(u.scorer1, 'dependsOn', u.numpy1)).toBe(false);
    expect(graph.removeEdge(u.scorer1, 'uses', u.numpy1)).toBe(false);
    expect(graph.removeEdge('mk:version:x/y@1', 'dependsOn', u.numpy1)).toBe(false);
    expect(graph.size().edges).toBe(edges);
    expect(graph.layout()).toEqual({ baseEdges: fixtureEdges.length, overflowEdges: 1, tombstones: 1 });
  });

  it('answers queries with added edges and without removed ones, before and after compaction', () => {
    const graph = fixtureGraph();
    graph.addEdge(u.scorer3, 'dependsOn', u.numpy1);
    graph.addEdge('mk:version:fraud/fresh@1', 'derivedFrom', u.scorer3);
    graph.addEdge('mk:version:fraud/fresh@1', 'deployedTo', 'mk:deployment:dep-3');
    graph.removeEdge(u.ranker1, 'derivedFrom', u.scorer1);
    const expected = {
      [u.scorer1]: 1,
      [u.scorer3]: 1,
      [u.dep1]: 2,
      'mk:version:fraud/fresh@1': 2,
      'mk:deployment:dep-3': 3,
    };
    expect(depths(graph.traverse(u.numpy1, down)!.nodes)).toEqual(expected);
    expect(depths(graph.traverse('mk:deployment:dep-3', { ...up, kinds: ['library'] })!.nodes)).toEqual({ [u.numpy1]: 3, [u.numpy2]: 4, [u.pandas]: 4 });
    const queries = () => ({
      downstream: normalised(graph.traverse(u.numpy, down)!.nodes),
      both: normalised(graph.traverse(u.scorer, { ...up, direction: 'both' })!.nodes),
      why: graph.whyPaths(u.distilled1, u.numpy, { maxPaths: 5, maxDepth: 10 }),
      blast: graph.blastRadius(u.raw, { limit: 100 })!.affected.map((a) => a.path),
    });
    const before = queries();
    graph.compact();
    expect(graph.layout()).toEqual({ baseEdges: fixtureEdges.length + 3 - 1, overflowEdges: 0, tombstones: 0 });
    expect(queries()).toEqual(before);
  });

  it('brings back a removed built edge when it is added again', () => {
    const graph = fixtureGraph();
    graph.removeEdge(u.scorer1, 'dependsOn', u.numpy1);
    expect(graph.traverse(u.numpy1, down)!.total).toBe(0);
    expect(graph.addEdge(u.scorer1, 'dependsOn', u.numpy1)).toBe(true);
    expect(graph.traverse(u.numpy1, down)!.total).toBe(4);
  });

  it('starts a package query from library versions added after the build', () => {
    const graph = fixtureGraph();
    graph.addEdge(u.scorer3, 'dependsOn', 'mk:library:pkg:pypi/numpy@2.1.0');
    expect(graph.traverse(u.numpy, { ...down, depth: 1 })!.starts).toEqual([u.numpy1, u.numpy2, 'mk:library:pkg:pypi/numpy@2.1.0']);
  });

  it('compacts by itself once the overflow grows large, without changing answers', () => {
    const graph = fixtureGraph();
    for (let i = 1; i <= 5000; i += 1) graph.addEdge(`mk:version:bulk/m@${i}`, 'dependsOn', u.pandas);
    expect(graph.layout().overflowEdges).toBeLessThan(5000);
    expect(graph.layout().baseEdges).toBeGreaterThan(4000);
    expect(graph.size().edges).toBe(fixtureEdges.length + 5000);
    expect(graph.traverse(u.pandas, { ...down, depth: 1 })!.total).toBe(5002);
  });
});

describe('reading back the recorded sentences', () => {
  it('lists the edges a node is the from of, and the to of, as they were recorded', () => {
    const graph = fixtureGraph();
    graph.addEdge(u.scorer1, 'uses', 'mk:service:llm-gateway');
    graph.removeEdge(u.scorer1, 'uses', u.image);
    const sorted = (edges: readonly { from: string; type: string; to: string }[]) => [...edges].sort((a, b) => `${a.type}${a.to}${a.from}`.localeCompare(`${b.type}${b.to}${b.from}`));
    expect(sorted(graph.outgoing(u.scorer1))).toEqual(
      sorted([
        { from: u.scorer1, type: 'dependsOn', to: u.numpy1 },
        { from: u.scorer1, type: 'trainedOn', to: u.tx1 },
        { from: u.scorer1, type: 'producedBy', to: u.run },
        { from: u.scorer1, type: 'deployedTo', to: u.dep1 },
        { from: u.scorer1, type: 'uses', to: 'mk:service:llm-gateway' },
      ]),
    );
    expect(sorted(graph.incoming(u.scorer1))).toEqual([{ from: u.ranker1, type: 'derivedFrom', to: u.scorer1 }]);
    expect(graph.incoming(u.dep1)).toEqual([{ from: u.scorer1, type: 'deployedTo', to: u.dep1 }]);
    expect(graph.outgoing(u.dep1)).toEqual([]);
    expect(graph.outgoing('mk:version:x/y@1')).toEqual([]);
  });
});

describe('loading the index a row at a time', () => {
  it('builds the same graph from a builder as from build, nodes before or after their edges', () => {
    const builder = LineageGraph.builder();
    for (const edge of fixtureEdges) builder.edge(edge);
    for (const node of fixtureNodes) builder.node(node);
    const graph = builder.finish();
    expect(graph.size()).toEqual(fixtureGraph().size());
    expect(graph.layout()).toEqual({ baseEdges: fixtureEdges.length, overflowEdges: 0, tombstones: 0 });
    expect(graph.traverse(u.numpy, { direction: 'downstream', depth: 10, limit: 100 })).toEqual(fixtureGraph().traverse(u.numpy, { direction: 'downstream', depth: 10, limit: 100 }));
    expect(() => builder.edge(fixtureEdges[0]!)).toThrow();
  });
});
