import type { LineageGraph } from './graph-index.js';
import { type EdgeType, type LineagePath, type WhyPathsOptions, edgeTypes } from './graph-types.js';
import { MAX_DEPTH, edgeTypeMask, hiddenTest, requireCount, visibleStarts, walk } from './traverse.js';

export const MAX_PATHS = 1000;
/** Partial paths examined before giving up on more: a guard against dense graphs where simple paths explode. */
const MAX_EXPANSIONS = 200_000;
const ALL_EDGES = edgeTypeMask(undefined);

/** A path being grown from a `from` node, sharing its prefix with its siblings. */
interface Partial {
  readonly node: number;
  readonly type: number;
  readonly prev: Partial | null;
  readonly length: number;
}

/**
 * How `from` depends on `to` ("why does model M pull in library L"): up to
 * `maxPaths` simple paths walking upstream from `from` to `to`, shortest
 * first. A first BFS from `to`'s side gives every node its exact distance
 * to `to`; paths are then grown best-first by length-so-far plus that
 * distance, so each one popped complete is no longer than any still open and
 * almost every expansion leads to an answer.
 */
export function whyPaths(graph: LineageGraph, from: string, to: string, options: WhyPathsOptions): LineagePath[] | null {
  requireCount('maxPaths', options.maxPaths, 1, MAX_PATHS);
  requireCount('maxDepth', options.maxDepth, 1, MAX_DEPTH);
  const hidden = hiddenTest(graph, options);
  const sources = visibleStarts(graph, from, hidden);
  const targets = visibleStarts(graph, to, hidden);
  if (sources === null || targets === null) return null;

  // distance[v] - 1 = hops from v upstream to the nearest target; 0 = cannot reach one within maxDepth.
  const distance = new Uint8Array(graph.nodeCount);
  const walked = walk(graph, targets, { directions: ['downstream'], edgeMask: ALL_EDGES, maxDepth: options.maxDepth, hidden }, () => {});
  // Entries come in depth order and each node once, so its entry's depth is its distance.
  for (let entry = 0; entry < walked.length; entry += 1) distance[walked.nodes[entry]!] = walked.depths[entry]! + 1;

  const buckets: Partial[][] = Array.from({ length: options.maxDepth + 1 }, () => []);
  for (const id of sources) if (distance[id]! > 0) buckets[distance[id]! - 1]!.push({ node: id, type: 0, prev: null, length: 0 });
  const paths: LineagePath[] = [];
  const upstream = graph.adjacency('upstream');
  let expansions = 0;
  for (let bound = 0; bound < buckets.length && paths.length < options.maxPaths; bound += 1) {
    const open = buckets[bound]!;
    while (open.length > 0 && paths.length < options.maxPaths && expansions < MAX_EXPANSIONS) {
      const partial = open.pop()!;
      expansions += 1;
      if (distance[partial.node] === 1) {
        paths.push(spell(graph, partial));
        continue;
      }
      upstream.forEach(partial.node, ALL_EDGES, (next, type) => {
        const rest = distance[next]!;
        if (rest === 0 || partial.length + rest > options.maxDepth || onPath(partial, next)) return;
        buckets[partial.length + rest]!.push({ node: next, type, prev: partial, length: partial.length + 1 });
      });
    }
  }
  return paths;
}

function onPath(partial: Partial | null, node: number): boolean {
  for (let p = partial; p !== null; p = p.prev) if (p.node === node) return true;
  return false;
}

function spell(graph: LineageGraph, partial: Partial): LineagePath {
  const nodes: string[] = [];
  const edges: EdgeType[] = [];
  for (let p: Partial | null = partial; p !== null; p = p.prev) {
    nodes.push(graph.urnOf(p.node));
    if (p.prev !== null) edges.push(edgeTypes[p.type]!);
  }
  return { nodes: nodes.reverse(), edges: edges.reverse() };
}
