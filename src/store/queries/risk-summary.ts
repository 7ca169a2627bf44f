import { versionUrn } from '../../catalog/urns.js';
import type { SignalContribution } from '../../risk/score-model.js';
import { riskTiers, tierRank, type RiskTier } from '../../risk/risk-tiers.js';
import type { TierActions } from '../../risk/rubric-types.js';
import type { Db } from '../database.js';

export interface SummaryFilter {
  /** Namespaces the caller may read; undefined for all. */
  readonly only: readonly string[] | undefined;
  readonly tier?: string | undefined;
  readonly minTier?: string | undefined;
  readonly top: number;
}

export interface SummaryRow {
  readonly namespace: string;
  readonly model: string;
  readonly tier: string;
  readonly score: number | null;
  readonly reasons: readonly string[];
  readonly retrainingRequired: boolean;
  readonly computedAt: string | null;
}

const tierOrder = [...riskTiers, 'unassessed'];

/** The portfolio view: counts by tier and namespace, the riskiest models and the dependencies high-risk models share most. */
export async function riskSummary(db: Db, filter: SummaryFilter) {
  if (filter.only !== undefined && filter.only.length === 0) return emptySummary();
  let query = db
    .selectFrom('models as m')
    .leftJoin('model_risk as r', (join) => join.onRef('r.namespace', '=', 'm.namespace').onRef('r.model', '=', 'm.name'))
    .select(['m.namespace', 'm.name', 'm.risk_tier', 'r.score', 'r.contributions', 'r.actions', 'r.computed_at']);
  if (filter.only !== undefined) query = query.where('m.namespace', 'in', filter.only);
  const rows: SummaryRow[] = [];
  for (const row of await query.orderBy('m.namespace').orderBy('m.name').execute()) {
    const tier = row.risk_tier ?? 'unassessed';
    if (filter.tier !== undefined && tier !== filter.tier) continue;
    if (filter.minTier !== undefined && (tier === 'unassessed' || tierRank(tier as RiskTier) < tierRank(filter.minTier as RiskTier))) continue;
    const contributions = row.contributions === null ? [] : (JSON.parse(row.contributions) as SignalContribution[]);
    const actions = row.actions === null ? null : (JSON.parse(row.actions) as TierActions);
    rows.push({
      namespace: row.namespace,
      model: row.name,
      tier,
      score: row.score === null ? null : Number(row.score),
      reasons: contributions.filter((c) => c.points > 0).slice(0, 3).map((c) => `${c.reason} (+${c.points})`),
      retrainingRequired: actions?.retrainingRequired === true,
      computedAt: row.computed_at,
    });
  }
  const byTier = Object.fromEntries(tierOrder.map((t) => [t, rows.filter((r) => r.tier === t).length]));
  const byNamespace: Record<string, Record<string, number>> = {};
  for (const row of rows) {
    const counts = (byNamespace[row.namespace] ??= Object.fromEntries(tierOrder.map((t) => [t, 0])));
    counts[row.tier] = (counts[row.tier] ?? 0) + 1;
  }
  const riskiest = rows.filter((r) => r.score !== null).sort((a, b) => b.score! - a.score! || a.namespace.localeCompare(b.namespace) || a.model.localeCompare(b.model)).slice(0, filter.top);
  const highRisk = rows.filter((r) => r.tier === 'high' || r.tier === 'critical');
  return { models: rows.length, byTier, byNamespace, riskiest, sharedDependencies: await sharedDependencies(db, highRisk, filter.top), retrainingRequired: rows.filter((r) => r.retrainingRequired).map((r) => `${r.namespace}/${r.model}`), rows };
}

function emptySummary() {
  return { models: 0, byTier: Object.fromEntries(tierOrder.map((t) => [t, 0])), byNamespace: {}, riskiest: [], sharedDependencies: [], retrainingRequired: [], rows: [] as SummaryRow[] };
}

/** Libraries, datasets, images and services the live versions of high-risk models depend on, by how many of those models share each. */
async function sharedDependencies(db: Db, models: readonly SummaryRow[], top: number) {
  const sharers = new Map<string, { type: string; models: Set<string> }>();
  for (const model of models) {
    const versions = await db.selectFrom('versions').select('number').where('namespace', '=', model.namespace).where('model', '=', model.model).where('status', '!=', 'retired').execute();
    if (versions.length === 0) continue;
    const edges = await db.selectFrom('lineage_edges').select(['type', 'to_urn']).distinct().where('from_urn', 'in', versions.slice(0, 500).map((v) => versionUrn(model.namespace, model.model, v.number))).where('type', 'in', ['trainedOn', 'dependsOn', 'uses']).execute();
    for (const edge of edges) {
      const entry = sharers.get(edge.to_urn) ?? { type: edge.type, models: new Set<string>() };
      entry.models.add(`${model.namespace}/${model.model}`);
      sharers.set(edge.to_urn, entry);
    }
  }
  return [...sharers.entries()]
    .map(([urn, { type, models: sharedBy }]) => ({ urn, type, models: sharedBy.size, sample: [...sharedBy].sort().slice(0, 10) }))
    .sort((a, b) => b.models - a.models || a.urn.localeCompare(b.urn))
    .slice(0, top);
}

/** RFC 4180 CSV, one row per model; cells that could start a spreadsheet formula are quoted with a leading apostrophe. */
export function summaryCsv(rows: readonly SummaryRow[]): string {
  const cell = (value: unknown): string => {
    let text = value === null || value === undefined ? '' : String(value);
    if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  const lines = [['namespace', 'model', 'tier', 'score', 'retraining_required', 'computed_at', 'top_reasons'].join(',')];
  for (const r of rows) lines.push([r.namespace, r.model, r.tier, r.score, r.retrainingRequired, r.computedAt, r.reasons.join('; ')].map(cell).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
