import { modelName, namespaceName } from './catalog-shape.js';
import { type HttpClient, runCounted } from './http-load.js';

/*
 * The lineage routes over HTTP on the loaded catalog, where every version
 * depends on the same few libraries (catalog-shape.ts): a downstream query
 * from numpy reaches every version, the worst case for a popular library.
 * It measures the route: the catch-up with the ledger, the walk, the JSON.
 */
export async function benchLineageOverHttp(client: HttpClient, quick: boolean, note: (text: string) => void) {
  const phase = async (path: string) => {
    const result = await runCounted(client, { clients: 4, next: () => ({ method: 'GET' as const, path }) }, quick ? 200 : 1000, 20);
    return { ...result.latency, opsPerSec: result.opsPerSec, errors: result.errors, path };
  };
  const downstream = await phase('/api/v1/lineage/mk:library:pkg:pypi/numpy?direction=downstream&depth=3&limit=100');
  note(`lineage over HTTP: downstream from numpy p50 ${downstream.p50Ms} ms, p99 ${downstream.p99Ms} ms`);
  const impact = await phase('/api/v1/impact?urn=mk:library:pkg:pypi/numpy&limit=100');
  note(`lineage over HTTP: impact of numpy p50 ${impact.p50Ms} ms, p99 ${impact.p99Ms} ms`);
  const oneVersion = await phase(`/api/v1/lineage/mk:version:${namespaceName(0)}/${modelName(0)}@1?direction=upstream&depth=2`);
  return { note: 'the loaded catalog: every version depends on numpy, so a downstream query reaches all of them; 4 clients, limit 100', downstreamFromPopularLibrary: downstream, impactOfPopularLibrary: impact, upstreamOfOneVersion: oneVersion };
}
