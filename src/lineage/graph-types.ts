/** Every kind of node the lineage graph holds; the kind is the second part of its URN. */
export const nodeKinds = ['model', 'version', 'dataset', 'featureset', 'pipeline', 'run', 'library', 'image', 'service', 'deployment'] as const;
export type NodeKind = (typeof nodeKinds)[number];

/**
 * Edge types, stored as sentences `{from, type, to}` ("version dependsOn library").
 * Their position here is their code in the index, so only ever append.
 */
export const edgeTypes = ['trainedOn', 'derivedFrom', 'dependsOn', 'uses', 'deployedTo', 'producedBy'] as const;
export type EdgeType = (typeof edgeTypes)[number];

/** The sentences the design names, for whoever validates an edge before it is recorded. */
export const edgeSentences: Readonly<Record<EdgeType, readonly (readonly [NodeKind, NodeKind])[]>> = {
  trainedOn: [['version', 'dataset']],
  derivedFrom: [
    ['version', 'version'],
    ['dataset', 'dataset'],
  ],
  dependsOn: [['version', 'library']],
  uses: [
    ['version', 'image'],
    ['version', 'service'],
    ['version', 'featureset'],
  ],
  deployedTo: [['version', 'deployment']],
  producedBy: [
    ['version', 'run'],
    ['run', 'pipeline'],
  ],
};

export const isEdgeSentence = (from: NodeKind, type: EdgeType, to: NodeKind): boolean =>
  edgeSentences[type].some(([f, t]) => f === from && t === to);

export const isNodeKind = (value: string): value is NodeKind => (nodeKinds as readonly string[]).includes(value);
export const isEdgeType = (value: string): value is EdgeType => (edgeTypes as readonly string[]).includes(value);

export type Direction = 'upstream' | 'downstream';

export interface Edge {
  readonly from: string;
  readonly type: EdgeType;
  readonly to: string;
}

/** What filters read. `undefined` in an update leaves a field as it was; `null` (or `[]`) clears it. */
export interface NodeAttributes {
  /** Versions: concept | exploration | validation | production | retired. */
  readonly stage?: string | null;
  /** Versions: the environments whose alias points at them; deployments: their one environment. */
  readonly environments?: readonly string[];
  readonly status?: string | null;
  readonly label?: string;
}

export interface NodeRecord extends NodeAttributes {
  readonly urn: string;
}

export interface LineageNode {
  readonly urn: string;
  readonly kind: NodeKind;
  readonly stage: string | null;
  readonly environments: readonly string[];
  readonly status: string | null;
  readonly label: string | null;
}

/** Hides nodes the caller may not read: they are neither returned nor walked through. */
export type Visible = (urn: string) => boolean;

/** What the caller may see; a node is hidden when either test hides it. A hidden root reads as unknown. */
export interface Visibility {
  /** Called once per node a query meets. */
  readonly visible?: Visible;
  /**
   * Called once per namespace a query meets: hides the namespaced kinds
   * (version, model, dataset, featureset, pipeline, run) of namespaces it
   * answers false for. The cheap way to apply read permissions on a large walk.
   */
  readonly readableNamespace?: (namespace: string) => boolean;
}

export interface TraverseOptions extends Visibility {
  readonly direction: Direction | 'both';
  /** Hops from the start nodes, 1..50. */
  readonly depth: number;
  /** Which visited nodes are returned; the walk passes through the others. */
  readonly kinds?: readonly NodeKind[];
  /** Which edges are walked. */
  readonly edgeTypes?: readonly EdgeType[];
  readonly stage?: string;
  readonly environment?: string;
  readonly limit: number;
}

export interface TraversedNode {
  readonly urn: string;
  readonly kind: NodeKind;
  readonly depth: number;
  readonly direction: Direction;
  /** The BFS parent and the edge walked from it: following `via` leads back to a start node. */
  readonly via: { readonly urn: string; readonly type: EdgeType } | null;
  readonly stage?: string;
  readonly environments?: readonly string[];
}

export interface TraverseResult {
  readonly root: string;
  /** The nodes the walk began from, at depth 0: the root, or the versions of a model, or the library versions of a package. */
  readonly starts: readonly string[];
  readonly nodes: readonly TraversedNode[];
  /** Every node that matched the filters, including those past `limit`. */
  readonly total: number;
  readonly truncated: boolean;
}

/** `edges[i]` joins `nodes[i]` and `nodes[i + 1]`. */
export interface LineagePath {
  readonly nodes: readonly string[];
  readonly edges: readonly EdgeType[];
}

export interface WhyPathsOptions extends Visibility {
  readonly maxPaths: number;
  readonly maxDepth: number;
}

export interface BlastRadiusOptions extends Visibility {
  readonly stage?: string;
  readonly environment?: string;
  readonly limit: number;
}

export interface AffectedVersion {
  readonly urn: string;
  readonly model: string;
  readonly stage: string | null;
  readonly environments: readonly string[];
  /** One shortest path from a start node down to this version. */
  readonly path: LineagePath;
}

export interface BlastRadiusResult {
  readonly root: string;
  readonly affected: readonly AffectedVersion[];
  readonly total: number;
  readonly truncated: boolean;
}
