import type { LineageGraph } from './graph-index.js';
import { type EdgeType, type LineagePath, type WhyPathsOptions, edgeTypes } from './graph-types.js';
import { MAX_DEPTH, edgeTypeMask, hiddenTest, requireCount, visibleStarts, walk } from './traverse.js';

export const MAX_PATHS = 1000;
/** Partial paths examined before giving up on more: a guard against dense graphs where simple paths explode. */
const MAX_EXPANSIONS = 200_000;
const ALL_EDGES = edgeTypeMask(undefined);

/** A path being grown back from a `to` node towards a `from` node, sharing its tail with its siblings. */
interface Partial {
  readonly node: number;
  /** The edge between this node and `next`. */
  readonly type: number;
  /** The node one step further upstream, towards `to`. */
  readonly next: Partial | null;
  readonly length: number;
}

/**
 * How `from` depends on `to` ("why does model M pull in library L"): up to
 * `maxPaths` simple paths walking upstream from `from` to `to`, shortest
 * first. A BFS upstream from `from` gives every node it reaches its exact
 * distance from `from`; paths are then grown back from `to`, downstream,
 * best-first by length so far plus that distance, so each one completed is
 * no longer than any still open and almost every expansion leads to an
 * answer. The BFS starts on `from`'s side because a version's ancestry is
 * small while a popular library's dependents are a large share of the graph.
 */
export function whyPaths(graph: LineageGraph, from: string, to: string, options: WhyPathsOptions): LineagePath[] | null {
  requireCount('maxPaths', options.maxPaths, 1, MAX_PATHS);
  requireCount('maxDepth', options.maxDepth, 1, MAX_DEPTH);
  const hidden = hiddenTest(graph, options);
  const sources = visibleStarts(graph, from, hidden);
  const targets = visibleStarts(graph, to, hidden);
  if (sources === null || targets === null) return null;

  // distance[v] - 1 = hops upstream from the nearest source to v; 0 = not reachable within maxDepth.
  const distance = new Map<number, number>();
  const walked = walk(graph, sources, { directions: ['upstream'], edgeMask: ALL_EDGES, maxDepth: options.maxDepth, hidden }, () => {});
  // Entries come in depth order and each node once, so its entry's depth is its distance.
  for (let entry = 0; entry < walked.length; entry += 1) distance.set(walked.nodes[entry]!, walked.depths[entry]! + 1);
  walked.release();

  const buckets: Partial[][] = Array.from({ length: options.maxDepth + 1 }, () => []);
  for (const id of targets) {
    const rest = distance.get(id);
    if (rest !== undefined) buckets[rest - 1]!.push({ node: id, type: 0, next: null, length: 0 });
  }
  const paths: LineagePath[] = [];
  const downstream = graph.adjacency('downstream');
  let expansions = 0;
  for (let bound = 0; bound < buckets.length && paths.length < options.maxPaths; bound += 1) {
    const open = buckets[bound]!;
    while (open.length > 0 && paths.length < options.maxPaths && expansions < MAX_EXPANSIONS) {
      const partial = open.pop()!;
      expansions += 1;
      // A `from` node ends a path, yet the path may also go on to another `from` node (scorer@3 through scorer@2).
      if (distance.get(partial.node) === 1) paths.push(spell(graph, partial));
      downstream.forEach(partial.node, ALL_EDGES, (previous, type) => {
        const rest = distance.get(previous);
        if (rest === undefined || partial.length + rest > options.maxDepth || onPath(partial, previous)) return;
        buckets[partial.length + rest]!.push({ node: previous, type, next: partial, length: partial.length + 1 });
      });
    }
  }
  return paths;
}

function onPath(partial: Partial | null, node: number): boolean {
  for (let p = partial; p !== null; p = p.next) if (p.node === node) return true;
  return false;
}

/** The chain already runs from the `from` end to the `to` end. */
function spell(graph: LineageGraph, partial: Partial): LineagePath {
  const nodes: string[] = [];
  const edges: EdgeType[] = [];
  for (let p: Partial | null = partial; p !== null; p = p.next) {
    nodes.push(graph.urnOf(p.node));
    if (p.next !== null) edges.push(edgeTypes[p.type]!);
  }
  return { nodes, edges };
}
