/** The tiers a risk score falls into, least risky first; the order is the ranking. */
export const riskTiers = ['low', 'medium', 'high', 'critical'] as const;
export type RiskTier = (typeof riskTiers)[number];

/** 0 for `low` up to 3 for `critical`, so tiers compare as numbers. */
export const tierRank = (tier: RiskTier): number => riskTiers.indexOf(tier);
