import { RegistryError } from '../errors/registry-error.js';
import { blastRadius } from './blast-radius.js';
import {
  type BlastRadiusOptions,
  type BlastRadiusResult,
  type Edge,
  type EdgeType,
  type LineageNode,
  type LineagePath,
  type NodeAttributes,
  type NodeRecord,
  type TraverseOptions,
  type TraverseResult,
  type WhyPathsOptions,
  edgeTypes,
  nodeKinds,
} from './graph-types.js';
import { isPackageUrn, kindOfUrn, modelOfVersionUrn, namespaceOfUrn, packageOfLibraryUrn } from './lineage-urns.js';
import { traverse } from './traverse.js';
import { whyPaths } from './why-paths.js';

/*
 * The lineage graph in memory: URNs interned to integer ids, edges as two
 * compressed-sparse-row arrays (one per data-flow direction) built once by
 * counting sort. Changes after the build go to small per-node overflow lists
 * (additions) and tombstones in the CSR (removals), and the whole thing is
 * rebuilt when those grow past an eighth of the base: queries stay on flat
 * typed arrays, the server's per-change cost stays small.
 */

/** Marks a removed CSR edge; edge-type masks only have bits 0..5, so `1 << TOMBSTONE` never matches one. */
const TOMBSTONE = 7;
const COMPACT_AT_LEAST = 4096;
const ALL_EDGE_TYPES = (1 << edgeTypes.length) - 1;
const DEPLOYED_TO = edgeTypes.indexOf('deployedTo');

const typeCode = (type: string): number => {
  const code = (edgeTypes as readonly string[]).indexOf(type);
  if (code < 0) throw new RegistryError('invalid_request', `${type} is not an edge type (${edgeTypes.join(', ')})`);
  return code;
};

const invalidUrn = (urn: string): RegistryError =>
  new RegistryError('invalid_request', `${urn} is not a lineage URN (mk:<kind>:…)`);

/**
 * A URN built by concatenation is a tree of string pieces in V8 (about three
 * times the bytes of the flat string), and hashing it for the Map does not
 * flatten it; the index keeps a URN for the life of the server, so it keeps
 * a flat copy. Lone surrogates would not survive the round trip: those keep
 * the original.
 */
function flatCopy(urn: string): string {
  const copy = Buffer.from(urn, 'utf8').toString('utf8');
  return copy === urn ? copy : urn;
}

/** Small string tables for attribute values; code 0 is "none". */
class ValueTable<T> {
  readonly values: (T | null)[] = [null];
  private readonly codes = new Map<string, number>();

  code(key: string, value: T): number {
    let code = this.codes.get(key);
    if (code === undefined) {
      code = this.values.length;
      if (code > 0xffff) throw new Error('lineage index: more than 65535 distinct attribute values');
      this.codes.set(key, code);
      this.values.push(value);
    }
    return code;
  }

  find(key: string): number {
    return this.codes.get(key) ?? -1;
  }
}

/** Edges of one direction: node → the nodes one hop further along it. */
export class Adjacency {
  /** Packed `target * 8 + type`, per node, for edges added since the last build. */
  readonly extra = new Map<number, number[]>();

  constructor(
    readonly offsets: Int32Array,
    readonly targets: Int32Array,
    readonly types: Uint8Array,
  ) {}

  get baseNodes(): number {
    return this.offsets.length - 1;
  }

  degree(node: number): number {
    const base = node < this.baseNodes ? this.offsets[node + 1]! - this.offsets[node]! : 0;
    return base + (this.extra.get(node)?.length ?? 0);
  }

  /** Calls `visit` for each live edge of `node` whose type is in `mask`. */
  forEach(node: number, mask: number, visit: (target: number, type: number) => void): void {
    if (node < this.baseNodes) {
      const { targets, types } = this;
      const end = this.offsets[node + 1]!;
      for (let i = this.offsets[node]!; i < end; i += 1) {
        const type = types[i]!;
        if (((1 << type) & mask) !== 0) visit(targets[i]!, type);
      }
    }
    this.forEachExtra(node, mask, visit);
  }

  /** The overflow half of `forEach`, for walks that read the CSR arrays themselves. */
  forEachExtra(node: number, mask: number, visit: (target: number, type: number) => void): void {
    if (this.extra.size === 0) return;
    const extra = this.extra.get(node);
    if (extra === undefined) return;
    for (const packed of extra) {
      const type = packed & 7;
      if (((1 << type) & mask) !== 0) visit((packed - type) / 8, type);
    }
  }

  baseIndexOf(node: number, target: number, type: number): number {
    if (node >= this.baseNodes) return -1;
    const end = this.offsets[node + 1]!;
    for (let i = this.offsets[node]!; i < end; i += 1) if (this.targets[i] === target && this.types[i] === type) return i;
    return -1;
  }

  extraIndexOf(node: number, target: number, type: number): number {
    return this.extra.get(node)?.indexOf(target * 8 + type) ?? -1;
  }

  addExtra(node: number, target: number, type: number): void {
    const list = this.extra.get(node);
    if (list === undefined) this.extra.set(node, [target * 8 + type]);
    else list.push(target * 8 + type);
  }

  removeExtra(node: number, at: number): void {
    const list = this.extra.get(node)!;
    list[at] = list[list.length - 1]!;
    list.pop();
    if (list.length === 0) this.extra.delete(node);
  }
}

/** Edges gathered as parallel typed arrays (upstream id, downstream id, type) before the CSR build. */
class EdgeList {
  ups: Int32Array;
  downs: Int32Array;
  types: Uint8Array;
  length = 0;

  constructor(capacity: number) {
    this.ups = new Int32Array(Math.max(16, capacity));
    this.downs = new Int32Array(this.ups.length);
    this.types = new Uint8Array(this.ups.length);
  }

  push(up: number, down: number, type: number): void {
    if (this.length === this.ups.length) {
      const grow = <A extends Int32Array | Uint8Array>(a: A, make: (n: number) => A): A => {
        const next = make(a.length * 2);
        next.set(a);
        return next;
      };
      this.ups = grow(this.ups, (n) => new Int32Array(n));
      this.downs = grow(this.downs, (n) => new Int32Array(n));
      this.types = grow(this.types, (n) => new Uint8Array(n));
    }
    this.ups[this.length] = up;
    this.downs[this.length] = down;
    this.types[this.length] = type;
    this.length += 1;
  }
}

/** Counting sort's first half: where each key's run starts once sorted (length nodeCount + 1). */
function offsetsByKey(nodeCount: number, keys: Int32Array, length: number): Int32Array {
  const offsets = new Int32Array(nodeCount + 1);
  for (let i = 0; i < length; i += 1) {
    const slot = keys[i]! + 1;
    offsets[slot] = offsets[slot]! + 1;
  }
  for (let v = 0; v < nodeCount; v += 1) offsets[v + 1] = offsets[v + 1]! + offsets[v]!;
  return offsets;
}

/**
 * Both CSRs by counting sort: first upstream lists keyed by the downstream
 * node (where duplicates are dropped with a per-node mark, O(edges)), then
 * downstream lists read off them, so the staging arrays can go.
 */
function buildAdjacency(nodeCount: number, list: EdgeList): { up: Adjacency; down: Adjacency; edges: number } {
  const { ups, downs, types, length } = list;
  const upOffsets = offsetsByKey(nodeCount, downs, length);
  const cursor = upOffsets.slice(0, nodeCount);
  let upTargets = new Int32Array(length);
  let upTypes = new Uint8Array(length);
  for (let i = 0; i < length; i += 1) {
    const at = cursor[downs[i]!]!;
    cursor[downs[i]!] = at + 1;
    upTargets[at] = ups[i]!;
    upTypes[at] = types[i]!;
  }
  // Drop repeated (up, down, type): the same edge recorded twice is one edge.
  const markOwner = cursor.fill(-1);
  const markTypes = new Uint8Array(nodeCount);
  let write = 0;
  for (let v = 0; v < nodeCount; v += 1) {
    const begin = upOffsets[v]!;
    const end = upOffsets[v + 1]!;
    upOffsets[v] = write;
    for (let i = begin; i < end; i += 1) {
      const u = upTargets[i]!;
      const bit = 1 << upTypes[i]!;
      if (markOwner[u] !== v) {
        markOwner[u] = v;
        markTypes[u] = 0;
      }
      if ((markTypes[u]! & bit) !== 0) continue;
      markTypes[u] = markTypes[u]! | bit;
      upTargets[write] = u;
      upTypes[write] = upTypes[i]!;
      write += 1;
    }
  }
  upOffsets[nodeCount] = write;
  if (write < length) {
    upTargets = upTargets.slice(0, write);
    upTypes = upTypes.slice(0, write);
  }
  const downOffsets = offsetsByKey(nodeCount, upTargets, write);
  const downCursor = downOffsets.slice(0, nodeCount);
  const downTargets = new Int32Array(write);
  const downTypes = new Uint8Array(write);
  for (let v = 0; v < nodeCount; v += 1) {
    const end = upOffsets[v + 1]!;
    for (let i = upOffsets[v]!; i < end; i += 1) {
      const u = upTargets[i]!;
      const at = downCursor[u]!;
      downCursor[u] = at + 1;
      downTargets[at] = v;
      downTypes[at] = upTypes[i]!;
    }
  }
  return {
    up: new Adjacency(upOffsets, upTargets, upTypes),
    down: new Adjacency(downOffsets, downTargets, downTypes),
    edges: write,
  };
}

const emptyAdjacency = (): Adjacency => new Adjacency(new Int32Array(1), new Int32Array(0), new Uint8Array(0));

function grown<A extends Uint8Array | Uint16Array>(array: A, size: number, make: (n: number) => A): A {
  if (size <= array.length) return array;
  const next = make(Math.max(size, array.length * 2));
  next.set(array);
  return next;
}

export interface LineageGraphBuilder {
  node(record: NodeRecord): void;
  edge(edge: Edge): void;
  /** Builds the CSR arrays; the graph takes changes through setNode/addEdge/removeEdge from then on. */
  finish(): LineageGraph;
}

export class LineageGraph {
  private readonly urns: string[] = [];
  private readonly ids = new Map<string, number>();
  private kinds = new Uint8Array(64);
  private stages = new Uint16Array(64);
  private statuses = new Uint16Array(64);
  private envSets = new Uint16Array(64);
  /** Code of the namespace in a namespaced kind's URN (0 for the shared kinds), so read checks run per namespace. */
  private namespaces = new Uint16Array(64);
  private readonly namespaceTable = new ValueTable<string>();
  private readonly labels = new Map<number, string>();
  private readonly stageTable = new ValueTable<string>();
  private readonly statusTable = new ValueTable<string>();
  private readonly envSetTable = new ValueTable<readonly string[]>();
  /** Model URN → its versions' ids; a model URN starts a query from all of them. */
  private readonly modelVersions = new Map<string, number[]>();
  /** Package purl (no version) → its library nodes' ids; a versionless library URN starts from all of them. */
  private readonly packageLibraries = new Map<string, number[]>();
  /** `down`: upstream → downstream neighbours (where data goes); `up`: the reverse. */
  private downAdj = emptyAdjacency();
  private upAdj = emptyAdjacency();
  private edgeCount = 0;
  private baseEdges = 0;
  private overflowEdges = 0;
  private tombstones = 0;

  /** Bulk load, e.g. from `lineage_nodes` and `lineage_edges` at start-up; edges may name nodes not listed. */
  static build(nodes: Iterable<NodeRecord>, edges: Iterable<Edge>): LineageGraph {
    const builder = LineageGraph.builder(Array.isArray(edges) ? edges.length : undefined);
    for (const node of nodes) builder.node(node);
    for (const edge of edges) builder.edge(edge);
    return builder.finish();
  }

  /**
   * The bulk load fed one record at a time, for rows streamed from the
   * database: edges wait in typed arrays (9 bytes each), not as objects,
   * until `finish` builds the CSR arrays. Nodes may come before or after the
   * edges that name them.
   */
  static builder(expectedEdges?: number): LineageGraphBuilder {
    const graph = new LineageGraph();
    const list = new EdgeList(expectedEdges ?? 1 << 16);
    // Tables list a node's edges together, so the last `from` saves most of one of the two lookups.
    let lastFrom: string | undefined;
    let lastFromId = -1;
    let finished = false;
    return {
      node: (record) => graph.setNode(record.urn, record),
      edge: ({ from, type, to }) => {
        if (finished) throw new Error('lineage builder: edge after finish');
        const code = typeCode(type);
        if (from !== lastFrom) {
          lastFromId = graph.ids.get(from) ?? graph.intern(from);
          lastFrom = from;
        }
        const toId = graph.ids.get(to) ?? graph.intern(to);
        if (type === 'deployedTo') list.push(lastFromId, toId, code);
        else list.push(toId, lastFromId, code);
      },
      finish: () => {
        if (!finished) graph.install(list);
        finished = true;
        return graph;
      },
    };
  }

  setNode(urn: string, attrs: NodeAttributes = {}): void {
    const id = this.intern(urn);
    if (attrs.stage !== undefined) this.stages[id] = attrs.stage === null ? 0 : this.stageTable.code(attrs.stage, attrs.stage);
    if (attrs.status !== undefined) this.statuses[id] = attrs.status === null ? 0 : this.statusTable.code(attrs.status, attrs.status);
    if (attrs.environments !== undefined) this.envSets[id] = this.envSetCode(attrs.environments);
    if (attrs.label !== undefined) this.labels.set(id, attrs.label);
  }

  /** Records `from type to`, creating unknown ends from their URN's kind; false when it was already there. */
  addEdge(from: string, type: EdgeType, to: string): boolean {
    const [up, down, code] = this.orient(from, type, to, true)!;
    if (this.findEdge(up, down, code) !== null) return false;
    this.downAdj.addExtra(up, down, code);
    this.upAdj.addExtra(down, up, code);
    this.edgeCount += 1;
    this.overflowEdges += 1;
    this.compactIfLarge();
    return true;
  }

  /** False when there was no such edge. */
  removeEdge(from: string, type: EdgeType, to: string): boolean {
    const oriented = this.orient(from, type, to, false);
    if (oriented === null) return false;
    const [up, down, code] = oriented;
    const found = this.findEdge(up, down, code);
    if (found === null) return false;
    if (found === 'extra') {
      this.downAdj.removeExtra(up, this.downAdj.extraIndexOf(up, down, code));
      this.upAdj.removeExtra(down, this.upAdj.extraIndexOf(down, up, code));
      this.overflowEdges -= 1;
    } else {
      this.downAdj.types[this.downAdj.baseIndexOf(up, down, code)] = TOMBSTONE;
      this.upAdj.types[this.upAdj.baseIndexOf(down, up, code)] = TOMBSTONE;
      this.tombstones += 1;
      this.compactIfLarge();
    }
    this.edgeCount -= 1;
    return true;
  }

  hasNode(urn: string): boolean {
    return this.ids.has(urn);
  }

  node(urn: string): LineageNode | null {
    const id = this.ids.get(urn);
    return id === undefined ? null : this.describe(id);
  }

  /** The edges recorded with `urn` as their `from` (a version's own sentences), as stored. */
  outgoing(urn: string): Edge[] {
    return this.sentences(urn, 'from');
  }

  /** The edges recorded with `urn` as their `to`. */
  incoming(urn: string): Edge[] {
    return this.sentences(urn, 'to');
  }

  size(): { nodes: number; edges: number } {
    return { nodes: this.urns.length, edges: this.edgeCount };
  }

  /** How much of the index lives outside the CSR arrays (for tests and the bench). */
  layout(): { baseEdges: number; overflowEdges: number; tombstones: number } {
    return { baseEdges: this.baseEdges, overflowEdges: this.overflowEdges, tombstones: this.tombstones };
  }

  /** Folds overflow lists and tombstones back into fresh CSR arrays. */
  compact(): void {
    const list = new EdgeList(this.edgeCount);
    const nodeCount = this.urns.length;
    for (let v = 0; v < nodeCount; v += 1) this.upAdj.forEach(v, ALL_EDGE_TYPES, (u, type) => list.push(u, v, type));
    this.install(list);
  }

  traverse(start: string, options: TraverseOptions): TraverseResult | null {
    return traverse(this, start, options);
  }

  whyPaths(from: string, to: string, options: WhyPathsOptions): LineagePath[] | null {
    return whyPaths(this, from, to, options);
  }

  blastRadius(start: string, options: BlastRadiusOptions): BlastRadiusResult | null {
    return blastRadius(this, start, options);
  }

  // ---- read side for the query modules (ids are only meaningful within one synchronous query) ----

  get nodeCount(): number {
    return this.urns.length;
  }

  adjacency(direction: 'upstream' | 'downstream'): Adjacency {
    return direction === 'downstream' ? this.downAdj : this.upAdj;
  }

  urnOf(id: number): string {
    return this.urns[id]!;
  }

  kindCodeOf(id: number): number {
    return this.kinds[id]!;
  }

  namespaceCodeOf(id: number): number {
    return this.namespaces[id]!;
  }

  get namespaceCount(): number {
    return this.namespaceTable.values.length;
  }

  namespaceName(code: number): string {
    return this.namespaceTable.values[code]!;
  }

  stageCodeOf(id: number): number {
    return this.stages[id]!;
  }

  envSetOf(id: number): number {
    return this.envSets[id]!;
  }

  /** The code a stage filter compares with; -1 when no node has that stage. */
  stageCode(stage: string): number {
    return this.stageTable.find(stage);
  }

  /** For each environment-set code, 1 when the set holds `environment`. */
  environmentMatches(environment: string): Uint8Array {
    const sets = this.envSetTable.values;
    const matches = new Uint8Array(sets.length);
    for (let code = 1; code < sets.length; code += 1) matches[code] = sets[code]!.includes(environment) ? 1 : 0;
    return matches;
  }

  stageName(id: number): string | null {
    return this.stageTable.values[this.stages[id]!] ?? null;
  }

  environmentsOf(id: number): readonly string[] {
    return this.envSetTable.values[this.envSets[id]!] ?? [];
  }

  /**
   * The ids a query starts from: the node itself, plus every version of a
   * model URN or every library node of a versionless library URN. Null when
   * none exists.
   */
  startIds(urn: string): number[] | null {
    const kind = kindOfUrn(urn);
    if (kind === null) return null;
    const own = this.ids.get(urn);
    let members: readonly number[] = [];
    if (kind === 'model') members = this.modelVersions.get(urn) ?? [];
    else if (kind === 'library' && isPackageUrn(urn)) members = this.packageLibraries.get(packageOfLibraryUrn(urn)!) ?? [];
    const ids = own === undefined || members.includes(own) ? [...members] : [own, ...members];
    return ids.length === 0 ? null : ids;
  }

  describe(id: number): LineageNode {
    return {
      urn: this.urns[id]!,
      kind: nodeKinds[this.kinds[id]!]!,
      stage: this.stageName(id),
      environments: this.environmentsOf(id),
      status: this.statusTable.values[this.statuses[id]!] ?? null,
      label: this.labels.get(id) ?? null,
    };
  }

  // ---- internals ----

  /**
   * A sentence's `from` is its downstream end, except for `deployedTo`, where
   * it is the upstream one: so `from` sentences are the up-list without
   * deployedTo plus the down-list's deployedTo, and `to` the mirror image.
   */
  private sentences(urn: string, end: 'from' | 'to'): Edge[] {
    const id = this.ids.get(urn);
    if (id === undefined) return [];
    const edges: Edge[] = [];
    const deployedTo = 1 << DEPLOYED_TO;
    const [others, deployments] = end === 'from' ? [this.upAdj, this.downAdj] : [this.downAdj, this.upAdj];
    const record = (other: number, type: number): void => {
      const otherUrn = this.urns[other]!;
      const edgeType = edgeTypes[type]!;
      edges.push(end === 'from' ? { from: urn, type: edgeType, to: otherUrn } : { from: otherUrn, type: edgeType, to: urn });
    };
    others.forEach(id, ALL_EDGE_TYPES & ~deployedTo, record);
    deployments.forEach(id, deployedTo, record);
    return edges;
  }

  private intern(urn: string): number {
    const known = this.ids.get(urn);
    if (known !== undefined) return known;
    const kind = kindOfUrn(urn);
    if (kind === null) throw invalidUrn(urn);
    const id = this.urns.length;
    const stored = flatCopy(urn);
    this.urns.push(stored);
    this.ids.set(stored, id);
    const size = id + 1;
    this.kinds = grown(this.kinds, size, (n) => new Uint8Array(n));
    this.stages = grown(this.stages, size, (n) => new Uint16Array(n));
    this.statuses = grown(this.statuses, size, (n) => new Uint16Array(n));
    this.envSets = grown(this.envSets, size, (n) => new Uint16Array(n));
    this.namespaces = grown(this.namespaces, size, (n) => new Uint16Array(n));
    this.kinds[id] = nodeKinds.indexOf(kind);
    const namespace = namespaceOfUrn(urn);
    if (namespace !== null) this.namespaces[id] = this.namespaceTable.code(namespace, namespace);
    if (kind === 'version') this.indexUnder(this.modelVersions, modelOfVersionUrn(urn)!, id);
    else if (kind === 'library') this.indexUnder(this.packageLibraries, packageOfLibraryUrn(urn)!, id);
    return id;
  }

  private indexUnder(index: Map<string, number[]>, key: string, id: number): void {
    const list = index.get(key);
    if (list === undefined) index.set(key, [id]);
    else list.push(id);
  }

  private envSetCode(environments: readonly string[]): number {
    if (environments.length === 0) return 0;
    const sorted = [...new Set(environments)].sort();
    return this.envSetTable.code(sorted.join('\n'), sorted);
  }

  /** [upstream id, downstream id, type code]; only `deployedTo` points downstream. Null if `create` is off and an end is unknown. */
  private orient(from: string, type: string, to: string, create: boolean): [number, number, number] | null {
    const code = typeCode(type);
    let f = this.ids.get(from);
    let t = this.ids.get(to);
    if (create) {
      // Both ends checked before either is created, so a refused edge leaves no stray node behind.
      if (f === undefined && kindOfUrn(from) === null) throw invalidUrn(from);
      if (t === undefined && kindOfUrn(to) === null) throw invalidUrn(to);
      f ??= this.intern(from);
      t ??= this.intern(to);
    }
    if (f === undefined || t === undefined) return null;
    return type === 'deployedTo' ? [f, t, code] : [t, f, code];
  }

  /**
   * Whether the live edge up → down is in the overflow lists or the CSR.
   * Looks from the end with fewer edges: a popular library has a huge list,
   * its dependent a short one.
   */
  private findEdge(up: number, down: number, code: number): 'extra' | 'base' | null {
    const [adjacency, node, target] =
      this.upAdj.degree(down) <= this.downAdj.degree(up) ? [this.upAdj, down, up] : [this.downAdj, up, down];
    if (adjacency.extraIndexOf(node, target, code) >= 0) return 'extra';
    return adjacency.baseIndexOf(node, target, code) >= 0 ? 'base' : null;
  }

  private compactIfLarge(): void {
    if (this.overflowEdges + this.tombstones > Math.max(COMPACT_AT_LEAST, this.baseEdges >>> 3)) this.compact();
  }

  private install(list: EdgeList): void {
    const { up, down, edges } = buildAdjacency(this.urns.length, list);
    this.upAdj = up;
    this.downAdj = down;
    this.edgeCount = edges;
    this.baseEdges = edges;
    this.overflowEdges = 0;
    this.tombstones = 0;
  }
}
