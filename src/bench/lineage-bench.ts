import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { LineageGraph } from '../lineage/graph-index.js';
import { type Edge, type EdgeType, type NodeRecord, edgeTypes } from '../lineage/graph-types.js';
import { namespaceOfUrn } from '../lineage/lineage-urns.js';
import { round, summarise } from './percentiles.js';

/*
 * The lineage index at registry scale, in process: a synthetic graph of about
 * 1,000,000 nodes and 5,000,000 edges shaped like a real one (Zipf-popular
 * libraries, so numpy sits under most versions; dataset version chains;
 * fine-tunes; deployments of production versions), loaded with the bulk
 * builder the server uses at start-up, then queried.
 */

const TARGETS = { downstreamP99Ms: 100 } as const;

interface Shape {
  readonly namespaces: number;
  readonly models: number;
  readonly versionsPerModel: number;
  readonly datasetSeries: number;
  readonly datasetVersionsPerSeries: number;
  readonly featuresets: number;
  readonly images: number;
  readonly libraries: number;
  readonly packages: number;
  readonly pipelines: number;
  readonly services: number;
  readonly deployments: number;
  /** Mean dependsOn edges per version: a Python environment pins a couple of dozen packages. */
  readonly librariesPerVersion: number;
}

const FULL: Shape = {
  namespaces: 50,
  models: 15_000,
  versionsPerModel: 10,
  datasetSeries: 40_000,
  datasetVersionsPerSeries: 10,
  featuresets: 100_000,
  images: 100_000,
  libraries: 20_000,
  packages: 3_000,
  pipelines: 10_000,
  services: 1_000,
  deployments: 69_000,
  librariesPerVersion: 24.5,
};
const scaled = (shape: Shape, by: number): Shape => ({
  ...shape,
  ...Object.fromEntries(
    (['models', 'datasetSeries', 'featuresets', 'images', 'libraries', 'packages', 'pipelines', 'services', 'deployments'] as const).map((key) => [key, Math.round(shape[key] * by)]),
  ),
});

/** The packages that head the popularity ranking; the first is the one the target is about. */
const TOP_PACKAGES = ['numpy', 'pandas', 'scipy', 'scikit-learn', 'torch', 'requests', 'pyyaml', 'protobuf', 'tqdm', 'pyarrow'];
/** Ranks below this are each drawn independently; the long tail by a Zipf draw. */
const HEAD = 30;

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Edges as indexes into the URN table until the build reads them, so the generator holds no objects. */
class EdgeBuffer {
  from = new Int32Array(1 << 20);
  to = new Int32Array(1 << 20);
  type = new Uint8Array(1 << 20);
  length = 0;

  add(from: number, type: EdgeType, to: number): void {
    if (this.length === this.from.length) {
      const grow = <A extends Int32Array | Uint8Array>(a: A, b: A): A => (b.set(a), b);
      this.from = grow(this.from, new Int32Array(this.length * 2));
      this.to = grow(this.to, new Int32Array(this.length * 2));
      this.type = grow(this.type, new Uint8Array(this.length * 2));
    }
    this.from[this.length] = from;
    this.to[this.length] = to;
    this.type[this.length] = edgeTypes.indexOf(type);
    this.length += 1;
  }
}

interface Synthetic {
  readonly urns: string[];
  readonly attributes: Map<number, NodeRecord>;
  readonly edges: EdgeBuffer;
  readonly popularPackage: string;
  /** A model with a production version, for the why-paths query. */
  readonly productionModel: string;
  readonly sampleVersion: string;
}

function synthesise(shape: Shape, seed = 20250601): Synthetic {
  const random = mulberry32(seed);
  const pick = (n: number): number => Math.floor(random() * n);
  /** Skewed towards the end: recent dataset and library versions are used most. */
  const recent = (n: number): number => Math.min(n - 1, Math.floor(n * (1 - random() ** 3)));
  const urns: string[] = [];
  const attributes = new Map<number, NodeRecord>();
  const edges = new EdgeBuffer();
  // Flat strings, as rows read from SQLite are: a template literal's result is a tree of pieces.
  const add = (urn: string): number => urns.push(Buffer.from(urn, 'latin1').toString('latin1')) - 1;
  const range = (count: number, urn: (i: number) => string): number => {
    const first = urns.length;
    for (let i = 0; i < count; i += 1) add(urn(i));
    return first;
  };
  const ns = (i: number): string => `team-${i % shape.namespaces}`;
  const hex = (i: number): string => (Math.imul(i + 1, 2654435761) >>> 0).toString(16).padStart(8, '0').repeat(8);

  // Libraries: package r has versions in proportion to r^-0.4 (popular packages release more).
  const packageNames = Array.from({ length: shape.packages }, (_, r) => `pkg:pypi/${TOP_PACKAGES[r] ?? `package-${r}`}`);
  const weights = packageNames.map((_, r) => (r + 1) ** -0.4);
  const weightSum = weights.reduce((a, b) => a + b, 0);
  const libraryFirst: number[] = [];
  const libraryCount: number[] = [];
  packageNames.forEach((name, r) => {
    const count = Math.max(1, Math.round((shape.libraries * weights[r]!) / weightSum));
    libraryFirst.push(range(count, (v) => `mk:library:${name}@${1 + Math.floor(v / 10)}.${v % 10}.0`));
    libraryCount.push(count);
  });
  // Head packages are drawn one by one (numpy in ~90% of versions); the tail by Zipf(1) over the rest.
  const headChance = Array.from({ length: Math.min(HEAD, shape.packages) }, (_, r) => 0.9 / (r + 1) ** 0.7);
  const headMean = headChance.reduce((a, b) => a + b, 0);
  const tailCdf = new Float64Array(Math.max(0, shape.packages - HEAD));
  for (let i = 0, sum = 0; i < tailCdf.length; i += 1) tailCdf[i] = sum += 1 / (HEAD + i + 1);
  const tailRank = (): number => {
    const x = random() * tailCdf[tailCdf.length - 1]!;
    let lo = 0;
    let hi = tailCdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (tailCdf[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return HEAD + lo;
  };

  const datasets = range(shape.datasetSeries * shape.datasetVersionsPerSeries, (i) => {
    const series = Math.floor(i / shape.datasetVersionsPerSeries);
    return `mk:dataset:${ns(series)}/dataset-${series}@v${(i % shape.datasetVersionsPerSeries) + 1}`;
  });
  for (let s = 0; s < shape.datasetSeries; s += 1) {
    for (let v = 1; v < shape.datasetVersionsPerSeries; v += 1) {
      const at = datasets + s * shape.datasetVersionsPerSeries + v;
      edges.add(at, 'derivedFrom', at - 1);
      if (random() < 0.05) edges.add(at, 'derivedFrom', datasets + pick(shape.datasetSeries * shape.datasetVersionsPerSeries));
    }
  }
  const featuresets = range(shape.featuresets, (i) => `mk:featureset:${ns(i)}/features-${i}`);
  const images = range(shape.images, (i) => `mk:image:registry.example/${ns(i)}/image-${i}@sha256:${hex(i)}`);
  const services = range(shape.services, (i) => `mk:service:service-${i}`);
  const pipelines = range(shape.pipelines, (i) => `mk:pipeline:${ns(i)}/pipeline-${i}`);

  const versionCount = shape.models * shape.versionsPerModel;
  const stages = ['concept', 'exploration', 'exploration', 'exploration', 'exploration', 'exploration', 'validation', 'validation', 'retired', 'retired', 'production'];
  const production: number[] = [];
  const validation: number[] = [];
  const versions = urns.length;
  const runs = versions + versionCount;
  for (let i = 0; i < versionCount; i += 1) {
    const model = Math.floor(i / shape.versionsPerModel);
    const id = add(`mk:version:${ns(model)}/model-${model}@${(i % shape.versionsPerModel) + 1}`);
    const stage = stages[pick(stages.length)]!;
    if (stage === 'production') production.push(id);
    if (stage === 'validation') validation.push(id);
    const environments = stage === 'production' ? ['production'] : stage === 'validation' ? ['staging'] : [];
    attributes.set(id, { urn: urns[id]!, stage, environments, status: stage === 'concept' ? 'draft' : 'published' });
  }
  range(versionCount, (i) => `mk:run:${ns(Math.floor(i / shape.versionsPerModel))}/run-${i}`);
  const chosen = new Set<number>();
  for (let i = 0; i < versionCount; i += 1) {
    const version = versions + i;
    chosen.clear();
    headChance.forEach((chance, r) => void (random() < chance && chosen.add(r)));
    const tail = Math.round((shape.librariesPerVersion - headMean) * (0.5 + random()));
    for (let k = 0; k < tail && tailCdf.length > 0; k += 1) chosen.add(tailRank());
    for (const r of chosen) edges.add(version, 'dependsOn', libraryFirst[r]! + recent(libraryCount[r]!));
    const series = pick(shape.datasetSeries);
    edges.add(version, 'trainedOn', datasets + series * shape.datasetVersionsPerSeries + recent(shape.datasetVersionsPerSeries));
    edges.add(version, 'trainedOn', datasets + pick(shape.datasetSeries * shape.datasetVersionsPerSeries));
    edges.add(version, 'uses', images + pick(shape.images));
    if (random() < 0.5) edges.add(version, 'uses', featuresets + pick(shape.featuresets));
    if (random() < 0.1) edges.add(version, 'uses', services + pick(shape.services));
    edges.add(version, 'producedBy', runs + i);
    edges.add(runs + i, 'producedBy', pipelines + pick(shape.pipelines));
    // Fine-tunes: usually of the model's previous version, now and then of another model's.
    if (i % shape.versionsPerModel > 0 && random() < 0.3) edges.add(version, 'derivedFrom', version - 1);
    else if (random() < 0.02) edges.add(version, 'derivedFrom', versions + pick(versionCount));
  }
  range(shape.deployments, (i) => `mk:deployment:deployment-${i}`);
  for (let i = 0; i < shape.deployments; i += 1) {
    const id = urns.length - shape.deployments + i;
    const toProduction = random() < 0.7 && production.length > 0;
    const version = toProduction ? production[pick(production.length)]! : validation[pick(validation.length)]!;
    edges.add(version, 'deployedTo', id);
    attributes.set(id, { urn: urns[id]!, environments: [toProduction ? 'production' : 'staging'] });
  }
  const productionVersion = urns[production[0]!]!;
  return {
    urns,
    attributes,
    edges,
    popularPackage: `mk:library:${packageNames[0]!}`,
    productionModel: `mk:model:${productionVersion.slice('mk:version:'.length, productionVersion.lastIndexOf('@'))}`,
    sampleVersion: productionVersion,
  };
}

function* nodeRecords(synthetic: Synthetic): Iterable<NodeRecord> {
  for (let id = 0; id < synthetic.urns.length; id += 1) yield synthetic.attributes.get(id) ?? { urn: synthetic.urns[id]! };
}

function* edgeRecords(synthetic: Synthetic): Iterable<Edge> {
  const { urns, edges } = synthetic;
  for (let i = 0; i < edges.length; i += 1) yield { from: urns[edges.from[i]!]!, type: edgeTypes[edges.type[i]!]!, to: urns[edges.to[i]!]! };
}

/**
 * Full collections, so memory figures are what the graph keeps and not
 * garbage waiting: array buffers are freed by a sweeper after the
 * collection, so it is given time and a second collection.
 */
async function collectGarbage(): Promise<void> {
  let gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  for (let round = 0; round < 3; round += 1) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const heapAndExternal = (): { heap: number; external: number } => {
  const usage = process.memoryUsage();
  return { heap: usage.heapUsed, external: usage.external };
};

function measure<T>(runs: number, warmup: number, query: () => T, size: (result: T) => number) {
  let reached = 0;
  for (let i = 0; i < warmup; i += 1) reached = size(query());
  const samples: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const began = performance.now();
    const result = query();
    samples.push(performance.now() - began);
    reached = size(result);
  }
  return { ...summarise(samples), reached };
}

function benchIncremental(graph: LineageGraph, popularPackage: string, count: number) {
  const added: [string, string][] = [];
  for (let i = 0; i < count; i += 1) added.push([`mk:version:bench-live/model-${i}@1`, `${popularPackage}@1.0.0`]);
  let began = performance.now();
  for (const [from, to] of added) graph.addEdge(from, 'dependsOn', to);
  const addMs = performance.now() - began;
  began = performance.now();
  for (const [from, to] of added) graph.removeEdge(from, 'dependsOn', to);
  const removeMs = performance.now() - began;
  began = performance.now();
  graph.compact();
  const compactMs = performance.now() - began;
  return {
    addEdgesPerSec: Math.round(count / (addMs / 1000)),
    removeEdgesPerSec: Math.round(count / (removeMs / 1000)),
    compactMs: round(compactMs, 1),
    note: `${count} dependsOn edges onto the most popular library added then removed (the removal scans the short side); compact() rebuilds the CSR as the index does by itself once overflow + tombstones pass 1/8 of the edges`,
  };
}

export async function benchLineage({ quick, note }: { quick: boolean; note?: (text: string) => void }): Promise<Record<string, unknown>> {
  const shape = quick ? scaled(FULL, 0.05) : FULL;
  const runs = 200;
  const warmup = quick ? 10 : 20;
  await collectGarbage();
  const before = heapAndExternal();
  let began = performance.now();
  let synthetic: Synthetic | undefined = synthesise(shape);
  const generateMs = performance.now() - began;
  const { popularPackage, productionModel, sampleVersion } = synthetic;
  began = performance.now();
  const graph = LineageGraph.build(nodeRecords(synthetic), edgeRecords(synthetic));
  const buildMs = performance.now() - began;
  synthetic = undefined;
  await collectGarbage();
  const after = heapAndExternal();
  const heapBytes = after.heap - before.heap;
  const externalBytes = after.external - before.external;
  const graphBytes = heapBytes + externalBytes;
  const { nodes, edges } = graph.size();
  note?.(`lineage: ${nodes} nodes, ${edges} edges built in ${round(buildMs / 1000, 1)} s, ${round(graphBytes / edges, 1)} bytes per edge`);

  const readable = new Set(Array.from({ length: shape.namespaces - 5 }, (_, i) => `team-${i}`));
  const visible = (urn: string): boolean => {
    const namespace = namespaceOfUrn(urn);
    return namespace === null || readable.has(namespace);
  };
  const total = (result: { total: number } | null): number => result?.total ?? -1;
  const downstream = measure(runs, warmup, () => graph.traverse(popularPackage, { direction: 'downstream', depth: 10, limit: 100 }), total);
  const downstreamReadable = measure(runs, warmup, () => graph.traverse(popularPackage, { direction: 'downstream', depth: 10, limit: 100, readableNamespace: (ns) => readable.has(ns) }), total);
  const downstreamVisible = measure(runs, warmup, () => graph.traverse(popularPackage, { direction: 'downstream', depth: 10, limit: 100, visible }), total);
  const blast = measure(runs, warmup, () => graph.blastRadius(popularPackage, { stage: 'production', limit: 100 }), total);
  const why = measure(runs, warmup, () => graph.whyPaths(productionModel, popularPackage, { maxPaths: 10, maxDepth: 10 }), (paths) => paths?.length ?? -1);
  const shortestWhy = graph.whyPaths(productionModel, popularPackage, { maxPaths: 1, maxDepth: 10 })?.[0];
  const oneHopUp = measure(runs, warmup, () => graph.traverse(sampleVersion, { direction: 'upstream', depth: 1, limit: 100 }), total);
  const oneHopDown = measure(runs, warmup, () => graph.traverse(popularPackage, { direction: 'downstream', depth: 1, limit: 100 }), total);
  note?.(`lineage: downstream of ${popularPackage} p50 ${downstream.p50Ms} ms, p99 ${downstream.p99Ms} ms (target ${TARGETS.downstreamP99Ms}), ${downstream.reached} nodes`);
  const incremental = benchIncremental(graph, popularPackage, quick ? 10_000 : 50_000);

  return {
    graph: {
      nodes,
      edges,
      shape,
      generateMs: round(generateMs, 1),
      buildMs: round(buildMs, 1),
      heapMiB: round(heapBytes / 1024 ** 2, 1),
      externalMiB: round(externalBytes / 1024 ** 2, 1),
      heapAndExternalMiB: round(graphBytes / 1024 ** 2, 1),
      bytesPerEdge: round(graphBytes / edges, 1),
      note: 'buildMs: LineageGraph.build over iterables of {urn}/{from,type,to} records (what the server does from lineage_nodes/lineage_edges, less the SQL reads); memory: heapUsed (URN strings, the URN→id Map, indexes) and external (CSR and attribute typed arrays) after full GCs, minus the same before generating',
    },
    queries: {
      popularPackage,
      downstream: { ...downstream, note: `traverse(${popularPackage}, downstream, depth 10, limit 100): every version of the package as a start; reached = total nodes matched` },
      downstreamReadableNamespaces: { ...downstreamReadable, note: 'the same for a reader of 45 of the 50 namespaces, as readableNamespace (asked once per namespace)' },
      downstreamVisibleCallback: { ...downstreamVisible, note: 'the same reader as a visible(urn) callback (namespaceOfUrn + Set lookup per node met)' },
      blastRadiusProduction: { ...blast, note: 'blastRadius(package, stage production, limit 100): every depth, one shortest path each' },
      whyPaths: { ...why, from: productionModel, shortest: shortestWhy ?? null, note: 'whyPaths(model, package, maxPaths 10, maxDepth 10); reached = paths found' },
      oneHopUpstreamOfVersion: { ...oneHopUp, from: sampleVersion },
      oneHopDownstreamOfPackage: oneHopDown,
    },
    incremental,
    targets: TARGETS,
    measured: { downstreamP99Ms: downstream.p99Ms, downstreamReadableNamespacesP99Ms: downstreamReadable.p99Ms, downstreamVisibleCallbackP99Ms: downstreamVisible.p99Ms },
    meetsTarget: downstream.p99Ms <= TARGETS.downstreamP99Ms,
  };
}
