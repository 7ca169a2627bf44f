import { describe, expect, it } from 'vitest';
import { RegistryError } from '../../src/errors/registry-error.js';
import { LineageGraph } from '../../src/lineage/graph-index.js';
import { namespaceOfUrn } from '../../src/lineage/lineage-urns.js';
import { depths, fixtureGraph, u } from './lineage-fixture.js';

const down = { direction: 'downstream', depth: 10, limit: 100 } as const;
const notRisk = (urn: string) => namespaceOfUrn(urn) !== 'risk';

describe('walking the lineage graph', () => {
  const graph = fixtureGraph();

  it('walks downstream from a library to its dependents, their deployments and what derives from them', () => {
    const result = graph.traverse(u.numpy1, down)!;
    expect(result.starts).toEqual([u.numpy1]);
    expect(depths(result.nodes)).toEqual({ [u.scorer1]: 1, [u.dep1]: 2, [u.ranker1]: 2, [u.distilled1]: 3 });
    expect(result).toMatchObject({ root: u.numpy1, total: 4, truncated: false });
  });

  it('gives each node its BFS parent so a client can rebuild the path back to the root', () => {
    const nodes = graph.traverse(u.numpy1, down)!.nodes;
    const byUrn = new Map(nodes.map((n) => [n.urn, n]));
    expect(byUrn.get(u.scorer1)!.via).toEqual({ urn: u.numpy1, type: 'dependsOn' });
    expect(byUrn.get(u.distilled1)!.via).toEqual({ urn: u.ranker1, type: 'derivedFrom' });
    expect(byUrn.get(u.dep1)).toMatchObject({ kind: 'deployment', direction: 'downstream', via: { urn: u.scorer1, type: 'deployedTo' }, environments: ['production'] });
    expect(byUrn.get(u.scorer1)).toMatchObject({ kind: 'version', stage: 'production', environments: ['production'] });
  });

  it('returns nodes nearest first', () => {
    const found = graph.traverse(u.numpy, down)!.nodes.map((n) => n.depth);
    expect(found).toEqual([...found].sort((a, b) => a - b));
  });

  it('stops at the depth asked for', () => {
    expect(depths(graph.traverse(u.numpy1, { ...down, depth: 1 })!.nodes)).toEqual({ [u.scorer1]: 1 });
    expect(Object.keys(depths(graph.traverse(u.numpy1, { ...down, depth: 2 })!.nodes))).toHaveLength(3);
  });

  it('walks upstream from a version to what it was built from, transitively', () => {
    expect(depths(graph.traverse(u.scorer1, { ...down, direction: 'upstream', depth: 1 })!.nodes)).toEqual({
      [u.numpy1]: 1,
      [u.tx1]: 1,
      [u.image]: 1,
      [u.run]: 1,
    });
    expect(depths(graph.traverse(u.scorer1, { ...down, direction: 'upstream' })!.nodes)).toMatchObject({ [u.raw]: 2, [u.pipeline]: 2 });
  });

  it('follows deployedTo from the version down to the deployment, and back up', () => {
    expect(graph.traverse(u.dep1, { ...down, direction: 'downstream' })!.nodes).toEqual([]);
    expect(depths(graph.traverse(u.dep1, { ...down, direction: 'upstream', depth: 2 })!.nodes)).toEqual({
      [u.scorer1]: 1,
      [u.numpy1]: 2,
      [u.tx1]: 2,
      [u.image]: 2,
      [u.run]: 2,
    });
  });

  it('walks both ways at once, marking which way each node lies, without zig-zagging to siblings', () => {
    const result = graph.traverse(u.scorer1, { ...down, direction: 'both', depth: 1 })!;
    const directions = Object.fromEntries(result.nodes.map((n) => [n.urn, n.direction]));
    expect(directions).toEqual({
      [u.numpy1]: 'upstream',
      [u.tx1]: 'upstream',
      [u.image]: 'upstream',
      [u.run]: 'upstream',
      [u.dep1]: 'downstream',
      [u.ranker1]: 'downstream',
    });
    // pandas is upstream of ranker@1, which is downstream of scorer@1: a sibling, not lineage.
    expect(graph.traverse(u.scorer1, { ...down, direction: 'both', depth: 5 })!.nodes.map((n) => n.urn)).not.toContain(u.pandas);
  });

  it('starts from every version of a model', () => {
    const result = graph.traverse(u.scorer, { ...down, direction: 'upstream', depth: 1 })!;
    expect(result.starts).toEqual([u.scorer1, u.scorer2, u.scorer3]);
    // scorer@2 is upstream of scorer@3 but is a start itself, so it is not repeated.
    expect(new Set(result.nodes.map((n) => n.urn))).toEqual(new Set([u.numpy1, u.tx1, u.image, u.run, u.numpy2, u.pandas, u.tx2]));
  });

  it('starts from every version of a package named without a version', () => {
    const result = graph.traverse(u.numpy, { ...down, depth: 1 })!;
    expect(result.starts).toEqual([u.numpy1, u.numpy2]);
    expect(depths(result.nodes)).toEqual({ [u.scorer1]: 1, [u.scorer2]: 1 });
    expect(graph.traverse(u.numpy, down)!.total).toBe(7);
  });

  it('answers null for an unknown node, model or package, and for a malformed URN', () => {
    expect(graph.traverse('mk:version:fraud/scorer@9', down)).toBeNull();
    expect(graph.traverse('mk:model:fraud/nothing', down)).toBeNull();
    expect(graph.traverse('mk:library:pkg:pypi/torch', down)).toBeNull();
    expect(graph.traverse('not-a-urn', down)).toBeNull();
  });

  it('walks only the edge types asked for', () => {
    const result = graph.traverse(u.numpy, { ...down, edgeTypes: ['dependsOn'] })!;
    expect(depths(result.nodes)).toEqual({ [u.scorer1]: 1, [u.scorer2]: 1 });
    const upstream = graph.traverse(u.scorer1, { ...down, direction: 'upstream', edgeTypes: ['producedBy'] })!;
    expect(depths(upstream.nodes)).toEqual({ [u.run]: 1, [u.pipeline]: 2 });
  });

  it('filters what is returned by kind but walks through the other kinds', () => {
    const result = graph.traverse(u.numpy, { ...down, kinds: ['deployment'] })!;
    expect(depths(result.nodes)).toEqual({ [u.dep1]: 2, [u.dep2]: 2 });
    expect(result.total).toBe(2);
    const datasets = graph.traverse(u.dep2, { ...down, direction: 'upstream', kinds: ['dataset'] })!;
    expect(depths(datasets.nodes)).toEqual({ [u.tx2]: 2, [u.tx1]: 3, [u.raw]: 4 });
  });

  it('filters by stage and by environment, still walking through the nodes left out', () => {
    const production = graph.traverse(u.numpy, { ...down, stage: 'production' })!;
    expect(depths(production.nodes)).toEqual({ [u.scorer1]: 1, [u.ranker1]: 2 });
    const inProduction = graph.traverse(u.numpy, { ...down, environment: 'production' })!;
    expect(depths(inProduction.nodes)).toEqual({ [u.scorer1]: 1, [u.dep1]: 2, [u.ranker1]: 2 });
    // distilled@1 has no stage; ranker@1 before it is production, scorer@3 exploration: filters combine.
    expect(graph.traverse(u.numpy, { ...down, stage: 'exploration', kinds: ['version'] })!.nodes.map((n) => n.urn)).toEqual([u.scorer3]);
    expect(graph.traverse(u.numpy, { ...down, stage: 'no-such-stage' })!.total).toBe(0);
    expect(graph.traverse(u.numpy, { ...down, environment: 'nowhere' })!.total).toBe(0);
  });

  it('neither returns nor walks through nodes the caller may not see', () => {
    const result = graph.traverse(u.numpy, { ...down, visible: notRisk })!;
    expect(result.nodes.map((n) => n.urn)).not.toContain(u.ranker1);
    // distilled@1 is in a visible namespace but only reachable through the hidden ranker@1.
    expect(result.nodes.map((n) => n.urn)).not.toContain(u.distilled1);
    expect(result.total).toBe(5);
  });

  it('hides the namespaces a reader may not read, asking once per namespace, never for shared kinds', () => {
    const asked: string[] = [];
    const readableNamespace = (namespace: string) => (asked.push(namespace), namespace !== 'risk');
    const result = graph.traverse(u.numpy, { ...down, readableNamespace })!;
    expect(new Set(result.nodes.map((n) => n.urn))).toEqual(new Set([u.scorer1, u.scorer2, u.scorer3, u.dep1, u.dep2]));
    expect(asked.sort()).toEqual(['fraud', 'risk']);
    expect(graph.traverse(u.ranker, { ...down, readableNamespace })).toBeNull();
    // Both tests apply: the namespace one and the per-node one.
    const both = graph.traverse(u.numpy, { ...down, readableNamespace, visible: (urn) => urn !== u.scorer2 })!;
    expect(new Set(both.nodes.map((n) => n.urn))).toEqual(new Set([u.scorer1, u.dep1]));
  });

  it('answers a hidden root as if it did not exist, and drops hidden members of a start set', () => {
    expect(graph.traverse(u.ranker1, { ...down, visible: notRisk })).toBeNull();
    expect(graph.traverse(u.ranker, { ...down, visible: notRisk })).toBeNull();
    const onlyNew = graph.traverse(u.numpy, { ...down, depth: 1, visible: (urn) => urn !== u.numpy1 })!;
    expect(onlyNew.starts).toEqual([u.numpy2]);
    expect(depths(onlyNew.nodes)).toEqual({ [u.scorer2]: 1 });
  });

  it('keeps a walk whole when a visibility callback queries the same graph in the middle of it', () => {
    const nested = (urn: string) => graph.traverse(urn, { ...down, direction: 'upstream', depth: 1 }) !== null;
    const result = graph.traverse(u.numpy, { ...down, visible: nested })!;
    expect(result.total).toBe(7);
    expect(graph.traverse(u.numpy, down)!.total).toBe(7);
  });

  it('answers the same on repeated queries, which reuse the walk arrays', () => {
    const first = graph.traverse(u.scorer, { ...down, direction: 'both' });
    graph.traverse(u.numpy, { ...down, edgeTypes: ['dependsOn'] });
    expect(graph.traverse(u.scorer, { ...down, direction: 'both' })).toEqual(first);
  });

  it('counts every match past the limit and says it truncated', () => {
    const result = graph.traverse(u.numpy, { ...down, limit: 3 })!;
    expect(result.nodes).toHaveLength(3);
    expect(result).toMatchObject({ total: 7, truncated: true });
    expect(result.nodes.map((n) => n.depth)).toEqual([1, 1, 2]);
    expect(graph.traverse(u.numpy, { ...down, limit: 0 })).toMatchObject({ nodes: [], total: 7, truncated: true });
    expect(graph.traverse(u.numpy, { ...down, limit: 7 })).toMatchObject({ total: 7, truncated: false });
  });

  it('refuses a depth outside 1..50, a negative or fractional limit, and unknown kinds or edge types', () => {
    for (const depth of [0, 51, 1.5, Number.NaN]) expect(() => graph.traverse(u.numpy, { ...down, depth })).toThrow(RegistryError);
    for (const limit of [-1, 2.5]) expect(() => graph.traverse(u.numpy, { ...down, limit })).toThrow(RegistryError);
    expect(() => graph.traverse(u.numpy, { ...down, kinds: ['notebook' as never] })).toThrow(RegistryError);
    expect(() => graph.traverse(u.numpy, { ...down, edgeTypes: ['imports' as never] })).toThrow(RegistryError);
  });

  it('ends on cycles, listing each node once', () => {
    const a = 'mk:version:loop/a@1';
    const b = 'mk:version:loop/b@1';
    const c = 'mk:version:loop/c@1';
    const cyclic = LineageGraph.build([], [
      { from: a, type: 'derivedFrom', to: b },
      { from: b, type: 'derivedFrom', to: c },
      { from: c, type: 'derivedFrom', to: a },
    ]);
    for (const direction of ['upstream', 'downstream', 'both'] as const) {
      const result = cyclic.traverse(a, { direction, depth: 50, limit: 100 })!;
      expect(new Set(result.nodes.map((n) => n.urn))).toEqual(new Set([b, c]));
      expect(result.total).toBe(2);
    }
  });
});
