import type { AffectedVersion, BlastRadiusResult, EdgeType, LineagePath, NodeKind, TraverseResult, TraversedNode } from '../lineage/graph-types.js';

/*
 * The lineage graph's answers: traversals, paths, blast radius, node
 * descriptions. Traversal results are the index's own types; the shapes
 * routes assemble inline are restated: keep them in step with
 * src/http/routes/risk/lineage-routes.ts.
 */

export type { AffectedVersion, EdgeType, LineagePath, NodeKind, TraversedNode };

/** A lineage URN, `mk:<kind>:<path>`: `mk:version:fraud/scorer@3`, `mk:library:pkg:pypi/numpy@1.26.4`, `mk:dataset:fraud/transactions@2024-06`. */
export type Urn = string;

export interface LineageQuery {
  /** `upstream`: what the node depends on; `downstream`: what depends on it; default both. */
  readonly direction?: 'upstream' | 'downstream' | 'both';
  /** Hops from the start, 1..50; default 3. */
  readonly depth?: number;
  /** Only nodes of these kinds are returned (the walk still passes through the others). */
  readonly kinds?: readonly NodeKind[];
  /** Only these edges are walked. */
  readonly edgeTypes?: readonly EdgeType[];
  /** Only versions at this stage (e.g. `production`) are returned. */
  readonly stage?: string;
  /** Only versions running in this environment are returned. */
  readonly environment?: string;
  /** At most this many nodes, 1..10 000; default 500. `total` counts every match. */
  readonly limit?: number;
}

/** The graph around a node; each node's `via` names its parent on a shortest path, so the answer draws as a tree. */
export type LineageGraph = TraverseResult;

/** `GET /api/v1/lineage-paths`: the shortest dependency paths from one node to another. */
export interface LineagePaths {
  readonly from: Urn;
  readonly to: Urn;
  readonly connected: boolean;
  readonly paths: LineagePath[];
}

export interface ImpactQuery {
  readonly stage?: string;
  readonly environment?: string;
  readonly limit?: number;
}

/** The blast radius of a node: the model versions downstream of it, each with the path it is reached through. */
export type Impact = BlastRadiusResult & {
  readonly urn: Urn;
  readonly filters: { readonly stage: string | null; readonly environment: string | null };
  /** How many distinct models the affected versions belong to. */
  readonly models: number;
};

/** What a dataset, feature set, pipeline, run, library, image or service is; recording a node again replaces its description. */
export interface NodeDescription {
  readonly name?: string;
  readonly description?: string;
  readonly owner?: string;
  readonly sensitivity?: 'low' | 'medium' | 'high';
  readonly pii?: boolean;
  /** An SPDX expression. */
  readonly license?: string;
  /** Labels from the data-usage agreement: non-commercial, research-only, no-derivatives, share-alike, internal-only, no-redistribution… */
  readonly usageTerms?: readonly string[];
  readonly agreement?: string;
  readonly digest?: string;
  readonly endpoint?: string;
  readonly extra?: Readonly<Record<string, unknown>>;
}

export type EdgeOrigin = 'declared' | { readonly derivedFrom: Urn };

/** `GET /api/v1/lineage-nodes`: a node's description and the edges the tables hold for it. */
export interface LineageNodeDetail {
  readonly urn: Urn;
  readonly kind: NodeKind;
  readonly described: boolean;
  readonly attributes: NodeDescription;
  readonly updatedAt: string | null;
  readonly updatedBy: string | null;
  readonly outgoing: { readonly type: EdgeType; readonly to: Urn; readonly origin: EdgeOrigin }[];
  readonly incoming: { readonly type: EdgeType; readonly from: Urn; readonly origin: EdgeOrigin }[];
}

/** An edge as a sentence: `from` `type` `to` ("a version uses a feature set"). */
export interface EdgeInput {
  readonly from: Urn;
  readonly type: EdgeType;
  readonly to: Urn;
}
