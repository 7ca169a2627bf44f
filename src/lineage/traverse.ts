import { RegistryError } from '../errors/registry-error.js';
import type { LineageGraph } from './graph-index.js';
import {
  type Direction,
  type EdgeType,
  type LineagePath,
  type NodeKind,
  type TraverseOptions,
  type TraverseResult,
  type TraversedNode,
  type Visibility,
  edgeTypes,
  nodeKinds,
} from './graph-types.js';

export const MAX_DEPTH = 50;

const DOWN = 1;
const UP = 2;
const VISIBILITY_KNOWN = 4;
const HIDDEN = 8;

export function requireCount(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RegistryError('invalid_request', `${name} must be a whole number from ${min} to ${max}, not ${value}`);
  }
}

function maskOf(what: string, names: readonly string[] | undefined, all: readonly string[]): number {
  if (names === undefined) return (1 << all.length) - 1;
  let mask = 0;
  for (const name of names) {
    const bit = all.indexOf(name);
    if (bit < 0) throw new RegistryError('invalid_request', `${name} is not ${what} (${all.join(', ')})`);
    mask |= 1 << bit;
  }
  return mask;
}

export const edgeTypeMask = (types: readonly EdgeType[] | undefined): number => maskOf('an edge type', types, edgeTypes);
export const kindMask = (kinds: readonly NodeKind[] | undefined): number => maskOf('a node kind', kinds, nodeKinds);

/** Whether an id is hidden from the caller, decided once per namespace and once per node; undefined when nothing is. */
export type HiddenTest = ((id: number) => boolean) | undefined;

export function hiddenTest(graph: LineageGraph, { visible, readableNamespace }: Visibility): HiddenTest {
  if (visible === undefined && readableNamespace === undefined) return undefined;
  // 0: not asked yet, 1: readable, 2: hidden.
  const byNamespace = new Uint8Array(graph.namespaceCount);
  return (id) => {
    const namespace = graph.namespaceCodeOf(id);
    if (readableNamespace !== undefined && namespace !== 0) {
      if (byNamespace[namespace] === 0) byNamespace[namespace] = readableNamespace(graph.namespaceName(namespace)) ? 1 : 2;
      if (byNamespace[namespace] === 2) return true;
    }
    return visible !== undefined && !visible(graph.urnOf(id));
  };
}

/** The start ids the caller may see; null (not found) when there are none, so hidden roots look like unknown ones. */
export function visibleStarts(graph: LineageGraph, urn: string, hidden: HiddenTest): number[] | null {
  const ids = graph.startIds(urn);
  if (ids === null || hidden === undefined) return ids;
  const shown = ids.filter((id) => !hidden(id));
  return shown.length === 0 ? null : shown;
}

/**
 * A breadth-first walk kept as parallel typed arrays: entry i reached node
 * `nodes[i]` at `depths[i]` from entry `parents[i]` (-1 for a start) over an
 * edge of type `types[i]`, walking `dirs[i]` (DOWN or UP). Starts are entered
 * in both directions for a `both` walk, so entries come out in depth order
 * across the two. The arrays (and the per-node `seen` marks) are reused by
 * the graph's next walk once `release` is called: a popular library's walk
 * fills megabytes, and allocating them per query would keep the collector
 * sweeping the million-string heap.
 */
export class Walk {
  nodes: Int32Array;
  parents: Int32Array;
  depths: Int32Array;
  types: Uint8Array;
  dirs: Uint8Array;
  seen: Uint8Array;
  length = 0;

  constructor(private readonly graph: LineageGraph, capacity: number) {
    this.nodes = new Int32Array(capacity);
    this.parents = new Int32Array(capacity);
    this.depths = new Int32Array(capacity);
    this.types = new Uint8Array(capacity);
    this.dirs = new Uint8Array(capacity);
    this.seen = new Uint8Array(graph.nodeCount);
  }

  /** A walk's arrays, the spare ones if no other walk holds them. */
  static take(graph: LineageGraph): Walk {
    const walk = spare.get(graph);
    if (walk === undefined) return new Walk(graph, 1024);
    spare.delete(graph);
    walk.length = 0;
    if (walk.seen.length < graph.nodeCount) walk.seen = new Uint8Array(graph.nodeCount + (graph.nodeCount >>> 4));
    else walk.seen.fill(0);
    return walk;
  }

  /** Hands the arrays back for the next walk; this walk's entries must not be read after. */
  release(): void {
    if (!spare.has(this.graph)) spare.set(this.graph, this);
  }

  push(node: number, parent: number, depth: number, type: number, dir: number): number {
    if (this.length === this.nodes.length) this.grow();
    const at = this.length;
    this.nodes[at] = node;
    this.parents[at] = parent;
    this.depths[at] = depth;
    this.types[at] = type;
    this.dirs[at] = dir;
    this.length = at + 1;
    return at;
  }

  direction(at: number): Direction {
    return this.dirs[at] === UP ? 'upstream' : 'downstream';
  }

  via(at: number): { urn: string; type: EdgeType } | null {
    const parent = this.parents[at]!;
    return parent < 0 ? null : { urn: this.graph.urnOf(this.nodes[parent]!), type: edgeTypes[this.types[at]!]! };
  }

  /** From the start node the walk came from to entry `at`. */
  pathTo(at: number): LineagePath {
    const nodes: string[] = [];
    const edges: EdgeType[] = [];
    for (let i = at; i >= 0; i = this.parents[i]!) {
      nodes.push(this.graph.urnOf(this.nodes[i]!));
      if (this.parents[i]! >= 0) edges.push(edgeTypes[this.types[i]!]!);
    }
    return { nodes: nodes.reverse(), edges: edges.reverse() };
  }

  private grow(): void {
    const size = this.nodes.length * 2;
    const copy = <A extends Int32Array | Uint8Array>(from: A, to: A): A => (to.set(from), to);
    this.nodes = copy(this.nodes, new Int32Array(size));
    this.parents = copy(this.parents, new Int32Array(size));
    this.depths = copy(this.depths, new Int32Array(size));
    this.types = copy(this.types, new Uint8Array(size));
    this.dirs = copy(this.dirs, new Uint8Array(size));
  }
}

const spare = new WeakMap<LineageGraph, Walk>();

export interface WalkOptions {
  readonly directions: readonly Direction[];
  readonly edgeMask: number;
  readonly maxDepth: number;
  readonly hidden: HiddenTest;
}

/**
 * Walks from `starts` and calls `reached(entry, node, first)` for every node
 * entered beyond the starts; `first` is false when the node was already
 * entered in the other direction. Hidden nodes are never entered, so never
 * walked through. The caller must `release()` the walk when done with it.
 */
export function walk(graph: LineageGraph, starts: readonly number[], options: WalkOptions, reached: (entry: number, node: number, first: boolean) => void): Walk {
  const queue = Walk.take(graph);
  try {
    fill(graph, queue, starts, options, reached);
    return queue;
  } catch (error) {
    queue.release();
    throw error;
  }
}

function fill(graph: LineageGraph, queue: Walk, starts: readonly number[], options: WalkOptions, reached: (entry: number, node: number, first: boolean) => void): void {
  const { edgeMask, maxDepth, hidden } = options;
  const seen = queue.seen;
  for (const direction of options.directions) {
    const flag = direction === 'upstream' ? UP : DOWN;
    for (const id of starts) {
      seen[id] = seen[id]! | flag | VISIBILITY_KNOWN;
      queue.push(id, -1, 0, 0, flag);
    }
  }
  let current = 0;
  let flag = DOWN;
  let depth = 0;
  const visit = (target: number, type: number): void => {
    let bits = seen[target]!;
    if ((bits & flag) !== 0) return;
    if ((bits & VISIBILITY_KNOWN) === 0) {
      bits |= VISIBILITY_KNOWN | (hidden !== undefined && hidden(target) ? HIDDEN : 0);
      seen[target] = bits;
    }
    if ((bits & HIDDEN) !== 0) return;
    seen[target] = bits | flag;
    reached(queue.push(target, current, depth, type, flag), target, (bits & (DOWN | UP)) === 0);
  };
  const down = graph.adjacency('downstream');
  const up = graph.adjacency('upstream');
  for (; current < queue.length; current += 1) {
    depth = queue.depths[current]! + 1;
    if (depth > maxDepth) continue;
    flag = queue.dirs[current]!;
    const adjacency = flag === UP ? up : down;
    const node = queue.nodes[current]!;
    // The CSR loop is written out here (not adjacency.forEach): this is the hot path of every query.
    if (node < adjacency.baseNodes) {
      const { offsets, targets, types } = adjacency;
      const end = offsets[node + 1]!;
      for (let i = offsets[node]!; i < end; i += 1) {
        const type = types[i]!;
        if (((1 << type) & edgeMask) !== 0) visit(targets[i]!, type);
      }
    }
    adjacency.forEachExtra(node, edgeMask, visit);
  }
}

/** BFS up, down or both from a node (or a model's versions, or a package's library versions). */
export function traverse(graph: LineageGraph, start: string, options: TraverseOptions): TraverseResult | null {
  requireCount('depth', options.depth, 1, MAX_DEPTH);
  requireCount('limit', options.limit, 0, Number.MAX_SAFE_INTEGER);
  const hidden = hiddenTest(graph, options);
  const starts = visibleStarts(graph, start, hidden);
  if (starts === null) return null;
  const kinds = kindMask(options.kinds);
  const stage = options.stage === undefined ? null : graph.stageCode(options.stage);
  const environments = options.environment === undefined ? null : graph.environmentMatches(options.environment);
  const directions: readonly Direction[] = options.direction === 'both' ? ['upstream', 'downstream'] : [options.direction];
  const kept: number[] = [];
  let total = 0;
  const walked = walk(graph, starts, { directions, edgeMask: edgeTypeMask(options.edgeTypes), maxDepth: options.depth, hidden }, (entry, id, first) => {
    if (!first) return;
    if (((1 << graph.kindCodeOf(id)) & kinds) === 0) return;
    if (stage !== null && graph.stageCodeOf(id) !== stage) return;
    if (environments !== null && environments[graph.envSetOf(id)] !== 1) return;
    total += 1;
    if (kept.length < options.limit) kept.push(entry);
  });
  const nodes = kept.map((entry): TraversedNode => describeEntry(graph, walked, entry));
  walked.release();
  return { root: start, starts: starts.map((id) => graph.urnOf(id)), nodes, total, truncated: total > nodes.length };
}

function describeEntry(graph: LineageGraph, walked: Walk, entry: number): TraversedNode {
  const id = walked.nodes[entry]!;
  const stage = graph.stageName(id);
  const environments = graph.environmentsOf(id);
  return {
    urn: graph.urnOf(id),
    kind: nodeKinds[graph.kindCodeOf(id)]!,
    depth: walked.depths[entry]!,
    direction: walked.direction(entry),
    via: walked.via(entry),
    ...(stage === null ? {} : { stage }),
    ...(environments.length === 0 ? {} : { environments }),
  };
}
