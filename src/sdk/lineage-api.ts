import { randomUUID } from 'node:crypto';
import type { EdgeInput, Impact, ImpactQuery, LineageGraph, LineageNodeDetail, LineagePaths, LineageQuery, NodeDescription, Urn } from './dependency-types.js';
import type { CallOptions, Transport, WriteOptions } from './transport.js';

/** A URN in a path: each segment escaped (`?` and `#` in purl qualifiers), the slashes kept. */
const urnPath = (urn: Urn): string => urn.split('/').map(encodeURIComponent).join('/');
const csv = (values: readonly string[] | undefined): string | undefined => (values === undefined || values.length === 0 ? undefined : values.join(','));

/**
 * The lineage graph: what a model version was trained on, runs with and was
 * derived from, and what depends on a dataset or library.
 *
 * Nodes are named by URN (`mk:<kind>:<path>`). A model URN stands for all its
 * versions and a library URN without a version for every version of the
 * package. Nodes of namespaces the caller may not read are left out of every
 * answer, and a start node the caller may not read is `not_found`.
 *
 * @example
 * const graph = await client.lineage.get('mk:model:fraud/scorer', { direction: 'upstream', kinds: ['dataset', 'library'] });
 * const impact = await client.lineage.impact('mk:library:pkg:pypi/torch', { stage: 'production' });
 */
export class LineageApi {
  constructor(private readonly http: Transport) {}

  /**
   * The graph around a node, walked breadth first. Each returned node has `via`, its parent on a shortest path,
   * so the answer draws as a tree; `total` counts every match and `truncated` says whether `limit` cut it.
   * @throws ModelKeepApiError `invalid_request` for a malformed URN or an unknown kind or edge type, `not_found` when nothing records or links to the node
   */
  async get(urn: Urn, query: LineageQuery = {}, options: CallOptions = {}): Promise<LineageGraph> {
    const { kinds, edgeTypes, ...rest } = query;
    return this.http.json({ method: 'GET', path: `/api/v1/lineage/${urnPath(urn)}`, query: { ...rest, kind: csv(kinds), edgeType: csv(edgeTypes) }, ...options });
  }

  /**
   * Why `from` depends on `to`: the shortest dependency paths between them (e.g. from a model to a library).
   * `connected` is false, with no paths, when none is found within `maxDepth` hops.
   * @throws ModelKeepApiError `not_found` when either node is unknown, `invalid_request` for a malformed URN
   */
  async paths(from: Urn, to: Urn, query: { maxPaths?: number; maxDepth?: number } = {}, options: CallOptions = {}): Promise<LineagePaths> {
    return this.http.json({ method: 'GET', path: '/api/v1/lineage-paths', query: { from, to, ...query }, ...options });
  }

  /**
   * The blast radius of a node (a dataset, a library, an image…): every model version downstream of it, each with
   * the path it is reached through; filter by `stage` (e.g. `production`) or `environment`.
   * @throws ModelKeepApiError `not_found` when nothing records or links to the node
   */
  async impact(urn: Urn, query: ImpactQuery = {}, options: CallOptions = {}): Promise<Impact> {
    return this.http.json({ method: 'GET', path: '/api/v1/impact', query: { urn, ...query }, ...options });
  }

  /**
   * Describes a dataset, feature set, pipeline, run, library, image or service; recording it again replaces the description.
   * Models and versions are described by the catalog, not here.
   * @throws ModelKeepApiError `invalid_request` for a model or version URN, `forbidden` without `lineage.record` in the node's namespace
   */
  async recordNode(urn: Urn, attributes: NodeDescription, reason?: string, options: CallOptions = {}): Promise<{ urn: Urn; kind: string; created: boolean }> {
    return this.http.json({ method: 'PUT', path: '/api/v1/lineage-nodes', json: { urn, attributes, ...(reason === undefined ? {} : { reason }) }, ...options });
  }

  /** One node: its description and every edge the registry holds for it, derived or declared. @throws ModelKeepApiError `not_found` */
  async getNode(urn: Urn, options: CallOptions = {}): Promise<LineageNodeDetail> {
    return this.http.json({ method: 'GET', path: '/api/v1/lineage-nodes', query: { urn }, ...options });
  }

  /**
   * Declares an edge a version's record does not say (e.g. a version `uses` a feature set).
   * @throws ModelKeepApiError `already_exists` for an edge already there, `not_found` for a version that does not exist, `invalid_request` for a sentence the graph does not allow
   */
  async addEdge(edge: EdgeInput, reason?: string, options: WriteOptions = {}): Promise<EdgeInput & { origin: 'declared' }> {
    const { idempotencyKey = randomUUID(), ...rest } = options;
    return this.http.json({ method: 'POST', path: '/api/v1/lineage-edges', json: { ...edge, ...(reason === undefined ? {} : { reason }) }, idempotencyKey, ...rest });
  }

  /** Removes a declared edge. An edge derived from a version's record changes only with that record. @throws ModelKeepApiError `invalid_state` for a derived edge, `not_found` */
  async removeEdge(edge: EdgeInput, reason?: string, options: CallOptions = {}): Promise<{ removed: true }> {
    return this.http.json({ method: 'DELETE', path: '/api/v1/lineage-edges', json: { ...edge, ...(reason === undefined ? {} : { reason }) }, ...options });
  }
}
