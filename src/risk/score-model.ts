import type { RiskFacts } from './risk-facts.js';
import { type RiskTier, tierRank } from './risk-tiers.js';
import { type Rubric, type RiskSignal, riskSignals, type SignalSettings, type TierActions } from './rubric-types.js';
import { signalReaders } from './signals.js';

/*
 * score = 100 × Σ(weight · value) / Σ weight, shown with one decimal. Each
 * signal's points are its share of that, rounded so the points add up to the
 * shown score exactly: an explanation whose parts do not sum to the whole
 * invites the question of where the rest went.
 */

export { type RiskTier, riskTiers, tierRank } from './risk-tiers.js';
export type { TierActions } from './rubric-types.js';

export interface SignalContribution {
  readonly signal: string;
  readonly weight: number;
  readonly value: number;
  readonly points: number;
  readonly reason: string;
}

export interface RiskScore {
  /** 0–100, one decimal. */
  readonly score: number;
  readonly tier: RiskTier;
  /** Every scored signal, most points first. */
  readonly contributions: readonly SignalContribution[];
  readonly actions: TierActions;
}

export function scoreModel(facts: RiskFacts, rubric: Rubric): RiskScore {
  const readings = riskSignals.flatMap((signal) => {
    const settings = rubric.signals[signal];
    if (settings === undefined) return [];
    const { value, reason } = read(signal, facts, settings);
    // Three decimals keep float noise (0.7000000000000001) out of the explanation.
    return [{ signal, weight: settings.weight, value: Number(Math.min(1, Math.max(0, value)).toFixed(3)), reason }];
  });
  const totalWeight = readings.reduce((sum, r) => sum + r.weight, 0);
  const exact = readings.map((r) => (totalWeight === 0 ? 0 : (100 * r.weight * r.value) / totalWeight));
  const tenths = apportionTenths(exact);
  const score = tenths.reduce((a, b) => a + b, 0) / 10;
  const contributions = readings
    .map((r, i) => ({ ...r, points: tenths[i]! / 10 }))
    // Ties keep the rubric's signal order (the sort is stable), so the order is reproducible.
    .sort((a, b) => b.points - a.points || b.weight - a.weight);
  const tier = tierOf(score, rubric.tiers);
  return { score, tier, contributions, actions: rubric.actions[tier] };
}

/** The tier a score falls in; each threshold is the lowest score of its tier. */
export function tierOf(score: number, thresholds: Rubric['tiers']): RiskTier {
  if (score >= thresholds.critical) return 'critical';
  if (score >= thresholds.high) return 'high';
  if (score >= thresholds.medium) return 'medium';
  return 'low';
}

/** True when `next` reaches the rubric's alert tier and `previous` was below it, or there was no previous score. */
export function tierRosePastThreshold(previous: RiskTier | null, next: RiskTier, rubric: Rubric): boolean {
  if (rubric.alerts === null) return false;
  const threshold = tierRank(rubric.alerts.tierAtLeast);
  return tierRank(next) >= threshold && (previous === null || tierRank(previous) < threshold);
}

const read = <K extends RiskSignal>(signal: K, facts: RiskFacts, settings: SignalSettings[K]) => signalReaders[signal](facts, settings);

/**
 * Rounds each share to tenths so they sum to the rounded total (largest
 * remainder): floor every share, then give the missing tenths to the shares
 * that lost the most.
 */
function apportionTenths(shares: readonly number[]): number[] {
  const units = shares.map((s) => s * 10);
  const floors = units.map((u) => Math.floor(u + 1e-9));
  let missing = Math.round(units.reduce((a, b) => a + b, 0)) - floors.reduce((a, b) => a + b, 0);
  const byRemainder = units.map((u, i) => ({ i, remainder: u - floors[i]! })).sort((a, b) => b.remainder - a.remainder);
  for (const { i } of byRemainder) {
    if (missing <= 0) break;
    floors[i]! += 1;
    missing -= 1;
  }
  return floors;
}
