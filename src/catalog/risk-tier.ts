import type { RiskProfile, RiskTier } from './schemas.js';

const order: readonly RiskTier[] = ['low', 'medium', 'high'];

/**
 * The tier a model is filed under: its highest risk dimension. A stand-in
 * until the configurable rubric replaces it; null when nothing was assessed.
 */
export function riskTierOf(profile: RiskProfile | null | undefined): RiskTier | null {
  if (!profile) return null;
  const levels = [profile.sensitivity, profile.regulatoryImpact, profile.customerExposure].filter(
    (level): level is RiskTier => level !== undefined,
  );
  if (levels.length === 0) return null;
  return levels.reduce((a, b) => (order.indexOf(b) > order.indexOf(a) ? b : a));
}
