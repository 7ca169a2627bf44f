import type { RiskProfile, RiskTier } from './schemas.js';

type Level = NonNullable<RiskProfile['sensitivity']>;
const order: readonly Level[] = ['low', 'medium', 'high'];

/**
 * The tier a model is filed under before the risk rubric has scored it: its
 * highest declared risk dimension; null when nothing was assessed. Once
 * scored, the rubric's tier (which can also be `critical`) replaces it.
 */
export function riskTierOf(profile: RiskProfile | null | undefined): RiskTier | null {
  if (!profile) return null;
  const levels = [profile.sensitivity, profile.regulatoryImpact, profile.customerExposure].filter((level): level is Level => level !== undefined);
  if (levels.length === 0) return null;
  return levels.reduce((a, b) => (order.indexOf(b) > order.indexOf(a) ? b : a));
}
