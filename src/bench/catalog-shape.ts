import type { CreateModel, RegisterVersion } from '../catalog/schemas.js';

/*
 * The synthetic catalog the bench loads and queries, written once so the
 * loader and the query generator agree on names, tags and licenses.
 */

export interface CatalogShape {
  readonly namespaces: number;
  readonly modelsPerNamespace: number;
  readonly versionsPerModel: number;
  /** Every n-th version is published; the rest stay drafts. */
  readonly publishEvery: number;
}

export const namespaceName = (n: number): string => `team-${String(n).padStart(2, '0')}`;
export const modelName = (m: number): string => `model-${String(m).padStart(3, '0')}`;

export const TAGS = ['nlp', 'vision', 'tabular', 'speech', 'llm', 'fraud', 'churn', 'ranking', 'forecast', 'embedding', 'baseline', 'candidate', 'distilled', 'quantized', 'experimental', 'finetuned'] as const;
export const LICENSES = ['Apache-2.0', 'MIT', 'BSD-3-Clause', 'LicenseRef-internal', 'CC-BY-4.0', 'Apache-2.0 OR MIT'] as const;
export const WORDS = [
  'gradient', 'boosted', 'transformer', 'classifier', 'regression', 'retail', 'customer', 'credit', 'risk', 'sentiment', 'review', 'image',
  'segmentation', 'detector', 'anomaly', 'payments', 'search', 'recommendation', 'translation', 'summarizer', 'speech', 'keyword', 'forecast',
  'demand', 'inventory', 'pricing', 'churn', 'propensity', 'embedding', 'similarity', 'document', 'invoice', 'ocr', 'vision', 'language',
] as const;
const FRAMEWORKS = [
  { name: 'pytorch', version: '2.3.1' },
  { name: 'xgboost', version: '2.0.3' },
  { name: 'tensorflow', version: '2.16.1' },
  { name: 'scikit-learn', version: '1.5.0' },
] as const;

/** A small deterministic PRNG (mulberry32), so two runs load the same catalog. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

function pickSome<T>(random: () => number, items: readonly T[], count: number): T[] {
  const chosen = new Set<T>();
  while (chosen.size < count) chosen.add(pick(random, items));
  return [...chosen];
}

export function modelCommand(random: () => number, namespace: string, name: string): CreateModel {
  return {
    namespace,
    name,
    description: `${pickSome(random, WORDS, 5).join(' ')} model`,
    owners: [`group:${namespace}`, `${name}-owner@example.com`],
    domain: pick(random, ['retail', 'finance', 'support', 'marketing']),
    tags: pickSome(random, TAGS, 2),
  };
}

export interface BlobRef {
  readonly sha256: string;
  readonly size: number;
}

/** A version as a training pipeline would register it: a few files and the usual provenance. */
export function versionCommand(random: () => number, blobs: readonly BlobRef[], label: string): RegisterVersion {
  const weights = pick(random, blobs);
  const config = pick(random, blobs.filter((b) => b !== weights));
  const started = new Date(Date.UTC(2024, 0, 1) + Math.floor(random() * 300) * 86_400_000);
  const ended = new Date(started.getTime() + 3_600_000 * (1 + Math.floor(random() * 20)));
  const commit = Math.floor(random() * 0xffffffff).toString(16).padStart(8, '0');
  return {
    manifest: [
      { path: 'model.safetensors', sha256: weights.sha256, size: weights.size },
      { path: 'config.json', sha256: config.sha256, size: config.size },
    ],
    description: `${label}: ${pickSome(random, WORDS, 4).join(' ')}`,
    format: 'safetensors',
    framework: { ...pick(random, FRAMEWORKS) },
    license: pick(random, LICENSES),
    metrics: { accuracy: round4(0.7 + random() * 0.29), f1: round4(0.6 + random() * 0.35), 'loss/val': round4(random()), 'latency_ms/p95': round4(5 + random() * 50) },
    tags: pickSome(random, TAGS, 2 + Math.floor(random() * 2)),
    trainingRun: {
      id: `run-${commit}`,
      pipeline: 'train-nightly',
      codeCommit: { repository: 'git.example.com/ml/models', commit },
      params: { learningRate: round4(random() / 100), epochs: 1 + Math.floor(random() * 30), batchSize: pick(random, [32, 64, 128, 256]), optimizer: pick(random, ['adamw', 'sgd', 'lion']), mixedPrecision: random() < 0.5 },
      startedAt: started.toISOString(),
      endedAt: ended.toISOString(),
    },
    datasets: [{ urn: 'mk:dataset:shared/customer-events@2024-06', role: 'train' }],
    environment: {
      libraries: ['pkg:pypi/torch@2.3.1', 'pkg:pypi/numpy@1.26.4', 'pkg:pypi/transformers@4.41.2', 'pkg:pypi/safetensors@0.4.3'],
      hardware: { accelerator: 'nvidia-a100', count: 8 },
    },
  };
}

const round4 = (value: number): number => Math.round(value * 10_000) / 10_000;
