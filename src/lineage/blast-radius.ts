import type { LineageGraph } from './graph-index.js';
import { type AffectedVersion, type BlastRadiusOptions, type BlastRadiusResult, nodeKinds } from './graph-types.js';
import { modelOfVersionUrn } from './lineage-urns.js';
import { edgeTypeMask, hiddenTest, requireCount, visibleStarts, walk } from './traverse.js';

const VERSION = nodeKinds.indexOf('version');

/**
 * The model versions downstream of a node at any depth ("which production
 * models use dataset D or library L"), nearest first, each with the shortest
 * path that reaches it: breadth-first order makes the BFS tree's path a
 * shortest one.
 */
export function blastRadius(graph: LineageGraph, start: string, options: BlastRadiusOptions): BlastRadiusResult | null {
  requireCount('limit', options.limit, 0, Number.MAX_SAFE_INTEGER);
  const hidden = hiddenTest(graph, options);
  const starts = visibleStarts(graph, start, hidden);
  if (starts === null) return null;
  const stage = options.stage === undefined ? null : graph.stageCode(options.stage);
  const environments = options.environment === undefined ? null : graph.environmentMatches(options.environment);
  const kept: number[] = [];
  let total = 0;
  // The seen-set bounds the walk, so "any depth" needs no depth limit to end on cycles.
  const walked = walk(graph, starts, { directions: ['downstream'], edgeMask: edgeTypeMask(undefined), maxDepth: Number.MAX_SAFE_INTEGER, hidden }, (entry, id) => {
    if (graph.kindCodeOf(id) !== VERSION) return;
    if (stage !== null && graph.stageCodeOf(id) !== stage) return;
    if (environments !== null && environments[graph.envSetOf(id)] !== 1) return;
    total += 1;
    if (kept.length < options.limit) kept.push(entry);
  });
  const affected = kept.map((entry): AffectedVersion => {
    const id = walked.nodes[entry]!;
    const urn = graph.urnOf(id);
    return { urn, model: modelOfVersionUrn(urn)!, stage: graph.stageName(id), environments: graph.environmentsOf(id), path: walked.pathTo(entry) };
  });
  walked.release();
  return { root: start, affected, total, truncated: total > affected.length };
}
