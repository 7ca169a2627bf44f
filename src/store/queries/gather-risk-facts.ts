import { checkCompatibility, type LicenseConflict } from '../../licenses/check-compatibility.js';
import { evaluateLicense } from '../../licenses/evaluate-license.js';
import type { LicensePolicy } from '../../licenses/license-policy-schema.js';
import { versionUrn } from '../../catalog/urns.js';
import type { DescribedAttributes } from '../../lineage/entry-payloads.js';
import type { FindingSeverity, Level, RiskFacts } from '../../risk/risk-facts.js';
import { chunks } from '../chunks.js';
import type { Db } from '../database.js';

/*
 * Everything the rubric reads about one model, from the projections: its
 * profile, the datasets and libraries its live (not retired) versions
 * record, their current evaluation and bias attestations, vulnerability
 * findings, deprecations, license conflicts, validation time and open
 * incidents.
 */

type Slice = { name: string; metrics: Record<string, number>; edgeCase?: boolean };
type Finding = { severity: FindingSeverity; mitigated?: boolean };

export interface ModelKey {
  readonly namespace: string;
  readonly model: string;
}

export interface LicenseFacts {
  readonly license: string | null;
  readonly conflicts: readonly LicenseConflict[];
}

/** A model's newest live versions are what it serves and trains with; a model with thousands of drafts is scored by these. */
export const LIVE_VERSIONS_READ = 100;


async function datasetNodes(db: Db, urns: readonly string[]): Promise<Map<string, DescribedAttributes>> {
  const nodes = new Map<string, DescribedAttributes>();
  for (const part of chunks(urns)) {
    const rows = await db.selectFrom('lineage_nodes').select(['urn', 'attributes']).where('urn', 'in', part).execute();
    for (const row of rows) nodes.set(row.urn, JSON.parse(row.attributes) as DescribedAttributes);
  }
  return nodes;
}

/** A version's license (by default the model's newest live version) against the policy and the datasets that version was trained on. */
export async function licenseFactsOf(db: Db, key: ModelKey, policy: LicensePolicy, number?: number): Promise<LicenseFacts> {
  let query = db.selectFrom('versions').select(['number', 'license']).where('namespace', '=', key.namespace).where('model', '=', key.model);
  query = number === undefined ? query.where('status', '!=', 'retired') : query.where('number', '=', number);
  const latest = await query.orderBy('number', 'desc').executeTakeFirst();
  if (latest === undefined) return { license: null, conflicts: [] };
  const urn = versionUrn(key.namespace, key.model, latest.number);
  const datasetUrns = (await db.selectFrom('lineage_edges').select('to_urn').distinct().where('from_urn', '=', urn).where('type', '=', 'trainedOn').execute()).map((r) => r.to_urn);
  const nodes = await datasetNodes(db, datasetUrns);
  const datasets = datasetUrns.map((d) => ({ urn: d, license: nodes.get(d)?.license ?? null, usageTerms: nodes.get(d)?.usageTerms ?? [] }));
  const conflicts: LicenseConflict[] = [...checkCompatibility({ license: latest.license }, datasets)];
  const verdict = evaluateLicense(latest.license, policy);
  if (verdict.status === 'denied' || verdict.status === 'invalid') {
    conflicts.unshift({ dataset: urn, severity: 'conflict', reason: `the model's license ${latest.license ?? ''} is ${verdict.status} by the license policy: ${verdict.reasons.join('; ')}` });
  } else if (verdict.status === 'missing' || verdict.status === 'unknown') {
    conflicts.unshift({ dataset: urn, severity: 'warning', reason: `the model's license is ${verdict.status}: ${verdict.reasons.join('; ')}` });
  }
  return { license: latest.license, conflicts };
}

export async function gatherRiskFacts(db: Db, key: ModelKey, now: string, policy: LicensePolicy): Promise<RiskFacts> {
  const model = await db.selectFrom('models').select(['risk_profile']).where('namespace', '=', key.namespace).where('name', '=', key.model).executeTakeFirstOrThrow();
  const versions = await db
    .selectFrom('versions')
    .select(['id', 'number'])
    .where('namespace', '=', key.namespace)
    .where('model', '=', key.model)
    .where('status', '!=', 'retired')
    .orderBy('number', 'desc')
    .limit(LIVE_VERSIONS_READ)
    .execute();
  const urns = versions.map((v) => versionUrn(key.namespace, key.model, v.number));
  const ids = versions.map((v) => Number(v.id));

  const edges: { to_urn: string; type: string }[] = [];
  for (const part of chunks(urns)) {
    edges.push(...(await db.selectFrom('lineage_edges').select(['to_urn', 'type']).where('from_urn', 'in', part).where('type', 'in', ['trainedOn', 'dependsOn']).execute()));
  }
  const datasetUrns = [...new Set(edges.filter((e) => e.type === 'trainedOn').map((e) => e.to_urn))];
  const libraryUrns = [...new Set(edges.filter((e) => e.type === 'dependsOn').map((e) => e.to_urn))];
  const nodes = await datasetNodes(db, datasetUrns);
  const datasets = datasetUrns.map((urn) => ({ urn, sensitivity: (nodes.get(urn)?.sensitivity ?? null) as Level | null, pii: nodes.get(urn)?.pii ?? null }));

  const attestations = ids.length === 0 ? [] : await db
    .selectFrom('attestations')
    .select(['type', 'verdict', 'details', 'created_at', 'seq'])
    .where('version_id', 'in', ids)
    .where('superseded_by', 'is', null)
    .where('type', 'in', ['evaluation', 'bias_assessment'])
    .orderBy('seq', 'desc')
    .execute();
  const evaluation = attestations.find((a) => a.type === 'evaluation');
  const slices = evaluation === undefined ? [] : ((JSON.parse(evaluation.details) as { slices?: Slice[] }).slices ?? []);
  const bias = attestations.find((a) => a.type === 'bias_assessment');
  const biasFindings = bias === undefined ? [] : ((JSON.parse(bias.details) as { findings?: Finding[] }).findings ?? []);

  const vulnerabilities: RiskFacts['vulnerabilities'][number][] = [];
  const deprecated: string[] = [];
  for (const part of chunks(libraryUrns)) {
    const rows = await db.selectFrom('vulnerability_findings').select(['advisory_id', 'library_urn', 'severity']).where('library_urn', 'in', part).orderBy('advisory_id').execute();
    for (const row of rows) vulnerabilities.push({ advisory: row.advisory_id, library: row.library_urn, severity: row.severity as FindingSeverity | 'unknown' });
    const libraries = await db.selectFrom('libraries').select(['urn', 'purl', 'package']).where('urn', 'in', part).execute();
    const targets = [...new Set(libraries.flatMap((l) => [l.purl, l.package]))];
    const marked = targets.length === 0 ? new Set<string>() : new Set((await db.selectFrom('library_deprecations').select('target').where('target', 'in', targets).execute()).map((r) => r.target));
    for (const library of libraries) if (marked.has(library.purl) || marked.has(library.package)) deprecated.push(library.urn);
  }

  const { conflicts } = await licenseFactsOf(db, key, policy);

  const passed = attestations.filter((a) => a.type === 'evaluation' && a.verdict !== 'fail').map((a) => a.created_at);
  const promoted = ids.length === 0 ? undefined : await db
    .selectFrom('promotion_requests')
    .select((eb) => eb.fn.max('decided_at').as('at'))
    .where('version_id', 'in', ids)
    .where('status', '=', 'promoted')
    .where('to_stage', 'in', ['validation', 'production'])
    .executeTakeFirst();
  const times = [...passed, ...(promoted?.at ? [promoted.at] : [])].sort();
  const incidents = await db.selectFrom('incidents').select(['id', 'kind', 'severity']).where('namespace', '=', key.namespace).where('model', '=', key.model).where('status', '=', 'open').orderBy('seq').execute();

  return {
    now,
    profile: model.risk_profile === null ? {} : (JSON.parse(model.risk_profile) as RiskFacts['profile']),
    datasets,
    edgeCaseSlices: slices.filter((s) => s.edgeCase === true).map((s) => ({ name: s.name, metrics: s.metrics })),
    overallSlices: slices.filter((s) => s.edgeCase !== true).map((s) => ({ name: s.name, metrics: s.metrics })),
    bias: { verdict: (bias?.verdict ?? null) as RiskFacts['bias']['verdict'], findings: biasFindings.map((f) => ({ severity: f.severity, mitigated: f.mitigated === true })) },
    vulnerabilities,
    deprecatedLibraries: deprecated.sort(),
    licenseConflicts: conflicts,
    lastValidatedAt: times.at(-1) ?? null,
    openIncidents: incidents.map((i) => ({ id: i.id, kind: i.kind as 'incident' | 'drift', severity: i.severity as FindingSeverity })),
  };
}
