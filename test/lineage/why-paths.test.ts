import { describe, expect, it } from 'vitest';
import { RegistryError } from '../../src/errors/registry-error.js';
import { LineageGraph } from '../../src/lineage/graph-index.js';
import { fixtureGraph, u } from './lineage-fixture.js';

const opts = { maxPaths: 10, maxDepth: 10 } as const;

/** The fixture plus two more ways for ranker@1 to reach numpy: through scorer@2 (2 hops) and through scorer@3 (3 hops). */
function severalWays(): LineageGraph {
  const graph = fixtureGraph();
  graph.addEdge(u.ranker1, 'derivedFrom', u.scorer2);
  graph.addEdge(u.ranker1, 'derivedFrom', u.scorer3);
  return graph;
}

describe('why does one node depend on another', () => {
  it('spells the path from a version up to a library, node by node with the edge between each', () => {
    expect(fixtureGraph().whyPaths(u.ranker1, u.numpy1, opts)).toEqual([
      { nodes: [u.ranker1, u.scorer1, u.numpy1], edges: ['derivedFrom', 'dependsOn'] },
    ]);
  });

  it('reads a model and a versionless package as the sets they stand for', () => {
    expect(fixtureGraph().whyPaths(u.ranker, u.numpy, opts)).toEqual([
      { nodes: [u.ranker1, u.scorer1, u.numpy1], edges: ['derivedFrom', 'dependsOn'] },
    ]);
    expect(fixtureGraph().whyPaths(u.scorer, u.numpy, opts)!.map((p) => p.nodes)).toEqual(
      expect.arrayContaining([
        [u.scorer1, u.numpy1],
        [u.scorer2, u.numpy2],
        [u.scorer3, u.scorer2, u.numpy2],
      ]),
    );
  });

  it('lists several paths, shortest first', () => {
    const paths = severalWays().whyPaths(u.ranker, u.numpy, opts)!;
    expect(paths.map((p) => p.nodes.length - 1)).toEqual([2, 2, 3]);
    expect(paths.map((p) => p.nodes)).toEqual(
      expect.arrayContaining([
        [u.ranker1, u.scorer1, u.numpy1],
        [u.ranker1, u.scorer2, u.numpy2],
      ]),
    );
    expect(paths[2]).toEqual({ nodes: [u.ranker1, u.scorer3, u.scorer2, u.numpy2], edges: ['derivedFrom', 'derivedFrom', 'dependsOn'] });
  });

  it('stops at maxPaths, keeping the shortest', () => {
    const paths = severalWays().whyPaths(u.ranker, u.numpy, { ...opts, maxPaths: 1 })!;
    expect(paths).toHaveLength(1);
    expect(paths[0]!.nodes).toHaveLength(3);
  });

  it('leaves out paths longer than maxDepth', () => {
    expect(severalWays().whyPaths(u.ranker, u.numpy, { ...opts, maxDepth: 2 })!.map((p) => p.nodes.length - 1)).toEqual([2, 2]);
    expect(severalWays().whyPaths(u.ranker, u.numpy, { ...opts, maxDepth: 1 })).toEqual([]);
  });

  it('walks upstream only: a library does not depend on the model that uses it', () => {
    expect(fixtureGraph().whyPaths(u.numpy, u.ranker, opts)).toEqual([]);
    expect(fixtureGraph().whyPaths(u.scorer1, u.pandas, opts)).toEqual([]);
  });

  it('follows runs to pipelines and deployments back to versions', () => {
    expect(fixtureGraph().whyPaths(u.scorer1, u.pipeline, opts)).toEqual([{ nodes: [u.scorer1, u.run, u.pipeline], edges: ['producedBy', 'producedBy'] }]);
    expect(fixtureGraph().whyPaths(u.dep1, u.raw, opts)).toEqual([{ nodes: [u.dep1, u.scorer1, u.tx1, u.raw], edges: ['deployedTo', 'trainedOn', 'derivedFrom'] }]);
  });

  it('answers null when either end is unknown or hidden', () => {
    const graph = fixtureGraph();
    expect(graph.whyPaths('mk:model:fraud/none', u.numpy, opts)).toBeNull();
    expect(graph.whyPaths(u.ranker, 'mk:library:pkg:pypi/torch', opts)).toBeNull();
    expect(graph.whyPaths(u.ranker, u.numpy, { ...opts, visible: (urn) => !urn.includes('risk/') })).toBeNull();
  });

  it('does not find a path through a namespace the reader may not read', () => {
    expect(fixtureGraph().whyPaths(u.distilled1, u.numpy, { ...opts, readableNamespace: (namespace) => namespace !== 'risk' })).toEqual([]);
    expect(fixtureGraph().whyPaths(u.ranker, u.numpy, { ...opts, readableNamespace: (namespace) => namespace !== 'risk' })).toBeNull();
  });

  it('does not find a path through a hidden node', () => {
    expect(fixtureGraph().whyPaths(u.distilled1, u.numpy, opts)).toHaveLength(1);
    expect(fixtureGraph().whyPaths(u.distilled1, u.numpy, { ...opts, visible: (urn) => urn !== u.ranker1 })).toEqual([]);
  });

  it('finds only simple paths around a cycle, and ends', () => {
    const a = 'mk:version:loop/a@1';
    const b = 'mk:version:loop/b@1';
    const lib = 'mk:library:pkg:npm/@scope/left-pad@1.0.0';
    const graph = LineageGraph.build([], [
      { from: a, type: 'derivedFrom', to: b },
      { from: b, type: 'derivedFrom', to: a },
      { from: b, type: 'dependsOn', to: lib },
    ]);
    expect(graph.whyPaths(a, 'mk:library:pkg:npm/@scope/left-pad', { maxPaths: 50, maxDepth: 50 })).toEqual([
      { nodes: [a, b, lib], edges: ['derivedFrom', 'dependsOn'] },
    ]);
  });

  it('counts two edge types between the same nodes as two paths', () => {
    const v = 'mk:version:a/m@1';
    const d = 'mk:dataset:a/d';
    const graph = LineageGraph.build([], [
      { from: v, type: 'trainedOn', to: d },
      { from: v, type: 'uses', to: d },
    ]);
    expect(graph.whyPaths(v, d, opts)!.map((p) => p.edges)).toEqual(expect.arrayContaining([['trainedOn'], ['uses']]));
  });

  it('refuses maxPaths and maxDepth outside their ranges', () => {
    const graph = fixtureGraph();
    expect(() => graph.whyPaths(u.ranker, u.numpy, { maxPaths: 0, maxDepth: 5 })).toThrow(RegistryError);
    expect(() => graph.whyPaths(u.ranker, u.numpy, { maxPaths: 5, maxDepth: 51 })).toThrow(RegistryError);
  });
});
