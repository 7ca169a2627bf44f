import { type CatalogShape, LICENSES, TAGS, WORDS, modelName, namespaceName, pick, seededRandom } from './catalog-shape.js';
import { type Answer, type Call, type HttpClient, type LoadResult, runCounted } from './http-load.js';

export interface ReadSettings {
  readonly clients: number;
  readonly requestsPerQuery: number;
  readonly warmupPerQuery: number;
}

/** Which reads are searches, for the search target; getVersion is a key lookup. */
export const SEARCH_QUERIES = ['versionsByNamespaceAndStatus', 'versionsByTag', 'versionsByLicense', 'versionsByModel', 'modelsFullText'] as const;
/** Ledger proofs over the loaded ledger (one entry per version, model and namespace, plus publications). */
export const PROOF_QUERIES = ['inclusionProof', 'consistencyProof'] as const;
export type ReadQuery = 'getVersion' | (typeof SEARCH_QUERIES)[number] | (typeof PROOF_QUERIES)[number];

const itemsIn = (answer: Answer): number => (JSON.parse(answer.body.toString('utf8')) as { items: unknown[] }).items.length;

/** The reads to measure, each drawing its parameters at random from the loaded catalog. */
function readPlans(shape: CatalogShape): Record<ReadQuery, { next: () => Call; measure?: (answer: Answer) => number }> {
  const random = seededRandom(99);
  const namespace = () => namespaceName(Math.floor(random() * shape.namespaces));
  const model = () => modelName(Math.floor(random() * shape.modelsPerNamespace));
  const get = (path: string): Call => ({ method: 'GET', path });
  const ledgerFloor = shape.namespaces * shape.modelsPerNamespace * shape.versionsPerModel;
  return {
    getVersion: { next: () => get(`/api/v1/models/${namespace()}/${model()}/versions/${1 + Math.floor(random() * shape.versionsPerModel)}`) },
    versionsByNamespaceAndStatus: { next: () => get(`/api/v1/versions?namespace=${namespace()}&status=published&limit=50`), measure: itemsIn },
    versionsByTag: { next: () => get(`/api/v1/versions?tag=${encodeURIComponent(pick(random, TAGS))}&limit=50`), measure: itemsIn },
    versionsByLicense: { next: () => get(`/api/v1/versions?license=${encodeURIComponent(pick(random, LICENSES))}&limit=50`), measure: itemsIn },
    versionsByModel: { next: () => get(`/api/v1/versions?model=${namespace()}/${model()}&limit=50`), measure: itemsIn },
    modelsFullText: { next: () => get(`/api/v1/models?q=${encodeURIComponent(pick(random, WORDS))}&limit=50`), measure: itemsIn },
    // The loaded ledger holds at least one entry per version; proofs are drawn within that prefix.
    inclusionProof: { next: () => get(`/api/v1/ledger/proofs/inclusion?seq=${Math.floor(random() * ledgerFloor)}&treeSize=${ledgerFloor}`) },
    consistencyProof: { next: () => get(`/api/v1/ledger/proofs/consistency?from=${1 + Math.floor(random() * (ledgerFloor - 1))}&to=${ledgerFloor}`) },
  };
}

/** Each read in turn, a fixed number of times, over a few keep-alive connections. */
export async function benchReads(client: HttpClient, shape: CatalogShape, settings: ReadSettings, note: (text: string) => void): Promise<Record<ReadQuery, LoadResult>> {
  const results: Partial<Record<ReadQuery, LoadResult>> = {};
  for (const [query, plan] of Object.entries(readPlans(shape)) as [ReadQuery, ReturnType<typeof readPlans>[ReadQuery]][]) {
    const result = await runCounted(
      client,
      { clients: settings.clients, next: plan.next, ...(plan.measure === undefined ? {} : { measure: plan.measure }) },
      settings.requestsPerQuery,
      settings.warmupPerQuery,
    );
    note(`reads: ${query} p50 ${result.latency.p50Ms} ms, p99 ${result.latency.p99Ms} ms, ${result.opsPerSec}/s, ${result.errors} errors`);
    results[query] = result;
  }
  return results as Record<ReadQuery, LoadResult>;
}
