import type { RiskScore } from './score-model.js';

/** The reasons behind the `n` largest contributions, for a one-line summary; signals that added nothing are left out. */
export function topReasons(score: RiskScore, n = 3): string[] {
  return [...score.contributions]
    .filter((c) => c.points > 0)
    .sort((a, b) => b.points - a.points)
    .slice(0, Math.max(0, n))
    .map((c) => c.reason);
}
