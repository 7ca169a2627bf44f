import { LineageGraph } from '../../src/lineage/graph-index.js';
import type { Edge, EdgeType, NodeRecord } from '../../src/lineage/graph-types.js';

/** Short names for the fixture's URNs, so expectations read as the picture below. */
export const u = {
  numpy1: 'mk:library:pkg:pypi/numpy@1.26.4',
  numpy2: 'mk:library:pkg:pypi/numpy@2.0.0',
  numpy: 'mk:library:pkg:pypi/numpy',
  pandas: 'mk:library:pkg:pypi/pandas@2.2.0',
  raw: 'mk:dataset:fraud/raw',
  tx1: 'mk:dataset:fraud/tx@1',
  tx2: 'mk:dataset:fraud/tx@2',
  image: 'mk:image:registry.local/scorer@sha256:ab12',
  run: 'mk:run:fraud/r1',
  pipeline: 'mk:pipeline:fraud/train',
  scorer1: 'mk:version:fraud/scorer@1',
  scorer2: 'mk:version:fraud/scorer@2',
  scorer3: 'mk:version:fraud/scorer@3',
  scorer: 'mk:model:fraud/scorer',
  ranker1: 'mk:version:risk/ranker@1',
  ranker: 'mk:model:risk/ranker',
  distilled1: 'mk:version:fraud/distilled@1',
  dep1: 'mk:deployment:dep-1',
  dep2: 'mk:deployment:dep-2',
} as const;

export const fixtureNodes: readonly NodeRecord[] = [
  { urn: u.scorer1, stage: 'production', environments: ['production'], status: 'published' },
  { urn: u.scorer2, stage: 'validation', environments: ['staging'], status: 'published' },
  { urn: u.scorer3, stage: 'exploration' },
  { urn: u.ranker1, stage: 'production', environments: ['production'] },
  { urn: u.dep1, environments: ['production'] },
  { urn: u.dep2, environments: ['staging'] },
];

const e = (from: string, type: EdgeType, to: string): Edge => ({ from, type, to });

/*
 *   raw ─▶ tx@1 ─▶ tx@2                 (datasets, derivedFrom)
 *   numpy@1.26.4, tx@1, image, run ─▶ scorer@1 ─▶ dep-1, ranker@1 ─▶ distilled@1
 *   pipeline ─▶ run
 *   numpy@2.0.0, pandas, tx@2 ─▶ scorer@2 ─▶ dep-2, scorer@3
 *   pandas ─▶ ranker@1
 * (arrows point downstream, the way data flows)
 */
export const fixtureEdges: readonly Edge[] = [
  e(u.scorer1, 'dependsOn', u.numpy1),
  e(u.scorer1, 'trainedOn', u.tx1),
  e(u.scorer1, 'uses', u.image),
  e(u.scorer1, 'producedBy', u.run),
  e(u.run, 'producedBy', u.pipeline),
  e(u.tx1, 'derivedFrom', u.raw),
  e(u.tx2, 'derivedFrom', u.tx1),
  e(u.scorer2, 'dependsOn', u.numpy2),
  e(u.scorer2, 'dependsOn', u.pandas),
  e(u.scorer2, 'trainedOn', u.tx2),
  e(u.scorer3, 'derivedFrom', u.scorer2),
  e(u.ranker1, 'derivedFrom', u.scorer1),
  e(u.ranker1, 'dependsOn', u.pandas),
  e(u.scorer1, 'deployedTo', u.dep1),
  e(u.scorer2, 'deployedTo', u.dep2),
  e(u.distilled1, 'derivedFrom', u.ranker1),
];

export const fixtureGraph = (): LineageGraph => LineageGraph.build(fixtureNodes, fixtureEdges);

/** urn → depth of a traversal's nodes, order-free. */
export const depths = (nodes: readonly { urn: string; depth: number }[]): Record<string, number> =>
  Object.fromEntries(nodes.map((n) => [n.urn, n.depth]));
