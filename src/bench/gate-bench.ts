import { defaultGatePolicy } from '../governance/default-gate-policy.js';
import { evaluateGate } from '../governance/evaluate-gate.js';
import type { GateInput, GatePolicy } from '../governance/gate-types.js';
import { modelName, namespaceName, type CatalogShape } from './catalog-shape.js';
import { type HttpClient, runCounted } from './http-load.js';
import { summarise } from './percentiles.js';

/** The default rules plus the CEL conditions a namespace typically adds. */
const POLICY: GatePolicy = {
  rules: [
    ...defaultGatePolicy.rules,
    {
      to: 'validation',
      conditions: [
        { name: 'auc', expr: 'version.metrics.auc >= 0.85' },
        { name: 'license', expr: 'version.license != "" && !version.license.contains("GPL")' },
        { name: 'no-pii', expr: '!("pii" in version.complianceFlags) || model.riskTier != "high"' },
        { name: 'pinned-image', expr: 'version.environment.image != "" && size(version.environment.libraries) > 0' },
      ],
    },
  ],
};

/** The evaluation alone, in process: the pure function promotions and `gate check` run. */
function benchEvaluations(count: number) {
  const input = (i: number): GateInput => ({
    urn: `mk:version:team/m@${i}`,
    status: 'published',
    from: 'exploration',
    to: 'production',
    tier: i % 2 === 0 ? 'high' : 'low',
    policy: POLICY,
    source: { scope: 'namespace', seq: 1 },
    subject: {
      version: { metrics: { auc: 0.8 + (i % 20) / 100 }, license: 'Apache-2.0', complianceFlags: [], environment: { image: 'r@sha256:00', libraries: ['pkg:pypi/torch@2.3.1'] } },
      model: { riskTier: 'high' },
    },
    attestations: [{ id: 'a', type: 'evaluation', verdict: 'pass', at: new Date().toISOString(), by: 'user:ci' }],
    now: new Date(),
  });
  for (let i = 0; i < 1000; i += 1) evaluateGate(input(i));
  const samples: number[] = [];
  const began = performance.now();
  for (let i = 0; i < count; i += 1) {
    const t = performance.now();
    evaluateGate(input(i));
    samples.push(performance.now() - t);
  }
  return { evaluations: count, perSec: Math.round(count / ((performance.now() - began) / 1000)), latency: summarise(samples) };
}

/** `GET …/gate?to=production` over HTTP on loaded versions: reads, policy lookup, CEL, report. */
export async function benchGates(client: HttpClient, shape: CatalogShape, quick: boolean, note: (text: string) => void) {
  const evaluation = benchEvaluations(quick ? 20_000 : 100_000);
  note(`gates: evaluation p50 ${evaluation.latency.p50Ms} ms, p99 ${evaluation.latency.p99Ms} ms`);
  let i = 0;
  const next = () => {
    i += 1;
    const path = `/api/v1/models/${namespaceName(i % shape.namespaces)}/${modelName(i % shape.modelsPerNamespace)}/versions/${1 + (i % shape.versionsPerModel)}/gate?to=production`;
    return { method: 'GET' as const, path };
  };
  const http = await runCounted(client, { clients: 4, next }, quick ? 2000 : 10_000, 200);
  note(`gates: GET …/gate p50 ${http.latency.p50Ms} ms, p99 ${http.latency.p99Ms} ms`);
  return {
    evaluation: { ...evaluation, note: 'in process: the default policy plus four CEL conditions, to production, half the versions high risk' },
    gateCheckOverHttp: { ...http.latency, opsPerSec: http.opsPerSec, errors: http.errors, note: 'GET /api/v1/models/{ns}/{name}/versions/{n}/gate?to=production on loaded versions, 4 clients' },
  };
}
