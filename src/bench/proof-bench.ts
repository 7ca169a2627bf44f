import { seededRandom } from './catalog-shape.js';
import { type HttpClient, type LoadResult, runCounted } from './http-load.js';
import type { ReadSettings } from './read-bench.js';

export interface ProofFigures {
  readonly treeSize: number;
  /** GET /api/v1/ledger/proofs/inclusion?seq=<random>&treeSize=<size> */
  readonly inclusion: LoadResult;
  /** GET /api/v1/ledger/proofs/consistency?from=<random>&to=<size> */
  readonly consistency: LoadResult;
}

/** Inclusion and consistency proofs against the tree of `treeSize` entries, drawn uniformly over it. */
export async function benchProofs(client: HttpClient, treeSize: number, settings: ReadSettings, note: (text: string) => void): Promise<ProofFigures> {
  const random = seededRandom(5);
  const below = (n: number) => Math.floor(random() * n);
  const run = (path: () => string) => runCounted(client, { clients: settings.clients, next: () => ({ method: 'GET', path: path() }) }, settings.requestsPerQuery, settings.warmupPerQuery);
  const inclusion = await run(() => `/api/v1/ledger/proofs/inclusion?seq=${below(treeSize)}&treeSize=${treeSize}`);
  note(`proofs at ${treeSize}: inclusion p50 ${inclusion.latency.p50Ms} ms, p99 ${inclusion.latency.p99Ms} ms, ${inclusion.opsPerSec}/s, ${inclusion.errors} errors`);
  const consistency = await run(() => `/api/v1/ledger/proofs/consistency?from=${1 + below(treeSize - 1)}&to=${treeSize}`);
  note(`proofs at ${treeSize}: consistency p50 ${consistency.latency.p50Ms} ms, p99 ${consistency.latency.p99Ms} ms, ${consistency.opsPerSec}/s, ${consistency.errors} errors`);
  return { treeSize, inclusion, consistency };
}
