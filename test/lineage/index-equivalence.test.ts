import { describe, expect, it } from 'vitest';
import { LineageGraph } from '../../src/lineage/graph-index.js';
import type { Edge, EdgeType, NodeRecord } from '../../src/lineage/graph-types.js';

/** Mulberry32: a seeded generator so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function world(seed: number): { nodes: NodeRecord[]; edges: Edge[]; versions: string[]; starts: string[] } {
  const next = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const versions = Array.from({ length: 120 }, (_, i) => `mk:version:${i % 3 === 0 ? 'b' : 'a'}/m${i % 17}@${1 + i}`);
  const datasets = Array.from({ length: 30 }, (_, i) => `mk:dataset:a/d${i}`);
  const libraries = Array.from({ length: 40 }, (_, i) => `mk:library:pkg:pypi/p${i % 8}@1.${i}`);
  const runs = Array.from({ length: 20 }, (_, i) => `mk:run:a/r${i}`);
  const pipelines = ['mk:pipeline:a/train', 'mk:pipeline:b/train'];
  const deployments = Array.from({ length: 25 }, (_, i) => `mk:deployment:d-${i}`);
  const stages = ['exploration', 'validation', 'production'];
  const nodes: NodeRecord[] = [
    ...versions.map((urn) => ({ urn, stage: pick(stages), environments: next() < 0.3 ? ['production'] : [] })),
    ...deployments.map((urn) => ({ urn, environments: [pick(['production', 'staging'])] })),
  ];
  const edges: Edge[] = [];
  const add = (from: string, type: EdgeType, to: string) => edges.push({ from, type, to });
  for (let i = 0; i < 700; i += 1) {
    const v = pick(versions);
    const roll = next();
    if (roll < 0.35) add(v, 'dependsOn', pick(libraries));
    else if (roll < 0.55) add(v, 'trainedOn', pick(datasets));
    else if (roll < 0.7) add(v, 'derivedFrom', pick(versions)); // cycles and self-loops included on purpose
    else if (roll < 0.8) add(v, 'producedBy', pick(runs));
    else if (roll < 0.85) add(pick(runs), 'producedBy', pick(pipelines));
    else if (roll < 0.93) add(pick(datasets), 'derivedFrom', pick(datasets));
    else add(v, 'deployedTo', pick(deployments));
  }
  const starts = [...Array.from({ length: 25 }, () => pick([...versions, ...datasets, ...libraries, ...deployments])), 'mk:library:pkg:pypi/p0', 'mk:model:a/m1'];
  return { nodes, edges, versions, starts };
}

/** The plain definition: BFS over edge lists, no index. */
function referenceDepths(edges: readonly Edge[], starts: readonly string[], direction: 'upstream' | 'downstream', depth: number): Map<string, number> {
  const next = new Map<string, string[]>();
  for (const { from, type, to } of edges) {
    const [upstream, downstream] = type === 'deployedTo' ? [from, to] : [to, from];
    const [a, b] = direction === 'downstream' ? [upstream, downstream] : [downstream, upstream];
    next.set(a, [...(next.get(a) ?? []), b]);
  }
  const seen = new Map<string, number>(starts.map((s) => [s, 0]));
  let frontier = [...starts];
  for (let d = 1; d <= depth && frontier.length > 0; d += 1) {
    const following: string[] = [];
    for (const node of frontier) {
      for (const n of next.get(node) ?? []) {
        if (seen.has(n)) continue;
        seen.set(n, d);
        following.push(n);
      }
    }
    frontier = following;
  }
  for (const s of starts) seen.delete(s);
  return seen;
}

const shuffled = <T>(list: readonly T[], next: () => number): T[] => {
  const copy = [...list];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(next() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
};

describe('the index answers the same however it was filled', () => {
  for (const seed of [1, 7, 42]) {
    it(`agrees with a plain BFS for built, incremental and compacted graphs (seed ${seed})`, () => {
      const { nodes, edges, starts } = world(seed);
      const next = random(seed + 1000);
      const built = LineageGraph.build(nodes, edges);

      const incremental = new LineageGraph();
      for (const node of nodes) incremental.setNode(node.urn, node);
      for (const edge of shuffled(edges, next)) incremental.addEdge(edge.from, edge.type, edge.to);

      // Half built, half added; some built edges removed and re-added; noise added then removed; then compacted.
      const half = Math.floor(edges.length / 2);
      const mixed = LineageGraph.build(nodes, edges.slice(0, half));
      for (const edge of edges.slice(half)) mixed.addEdge(edge.from, edge.type, edge.to);
      const churn = shuffled(edges, next).slice(0, 150);
      for (const edge of churn) mixed.removeEdge(edge.from, edge.type, edge.to);
      const noise: Edge[] = Array.from({ length: 60 }, (_, i) => ({ from: `mk:version:z/noise@${i + 1}`, type: 'dependsOn', to: 'mk:library:pkg:pypi/p0@1.0' }));
      for (const edge of noise) mixed.addEdge(edge.from, edge.type, edge.to);
      for (const edge of churn) mixed.addEdge(edge.from, edge.type, edge.to);
      for (const edge of noise) mixed.removeEdge(edge.from, edge.type, edge.to);
      const compacted = LineageGraph.build(nodes, edges);
      for (const edge of churn) compacted.removeEdge(edge.from, edge.type, edge.to);
      for (const edge of churn) compacted.addEdge(edge.from, edge.type, edge.to);
      compacted.compact();
      expect(mixed.layout().overflowEdges).toBeGreaterThan(0);
      expect(mixed.layout().tombstones).toBeGreaterThan(0);
      expect(compacted.layout()).toMatchObject({ overflowEdges: 0, tombstones: 0 });

      for (const graph of [built, incremental, mixed, compacted]) {
        expect(graph.size().edges).toBe(built.size().edges);
        for (const start of starts) {
          for (const direction of ['upstream', 'downstream'] as const) {
            for (const depth of [1, 3, 50]) {
              const result = graph.traverse(start, { direction, depth, limit: 10_000 });
              if (result === null) {
                expect(built.traverse(start, { direction, depth, limit: 1 })).toBeNull();
                continue;
              }
              const expected = referenceDepths(edges, result.starts, direction, depth);
              const got = new Map(result.nodes.map((n) => [n.urn, n.depth]));
              expect(got).toEqual(expected);
            }
          }
          const blast = graph.blastRadius(start, { stage: 'production', limit: 10_000 });
          const baseline = built.blastRadius(start, { stage: 'production', limit: 10_000 });
          expect(blast?.total).toBe(baseline?.total);
          expect(new Set(blast?.affected.map((a) => `${a.urn}:${a.path.nodes.length}`))).toEqual(new Set(baseline?.affected.map((a) => `${a.urn}:${a.path.nodes.length}`)));
        }
      }
    });
  }

  it('finds why-paths exactly as long as the plain BFS distance', () => {
    const { nodes, edges, versions } = world(3);
    const graph = LineageGraph.build(nodes, edges);
    const library = 'mk:library:pkg:pypi/p0';
    let connected = 0;
    for (const version of versions.slice(0, 40)) {
      const paths = graph.whyPaths(version, library, { maxPaths: 5, maxDepth: 50 })!;
      const distances = referenceDepths(edges, [version], 'upstream', 50);
      const nearest = Math.min(...[...distances].filter(([urn]) => urn.startsWith('mk:library:pkg:pypi/p0@')).map(([, d]) => d));
      if (paths.length === 0) expect(nearest).toBe(Infinity);
      else {
        connected += 1;
        expect(paths[0]!.edges.length).toBe(nearest);
      }
      for (let i = 1; i < paths.length; i += 1) expect(paths[i]!.edges.length).toBeGreaterThanOrEqual(paths[i - 1]!.edges.length);
      for (const path of paths) expect(new Set(path.nodes).size).toBe(path.nodes.length);
    }
    expect(connected).toBeGreaterThan(5);
  });
});
