import { reachedStage } from './stages.js';

export interface PastDeployment {
  readonly number: number;
  readonly health: string;
  readonly status: string;
  readonly stage: string;
}

/**
 * Where an alias goes back to: the most recent version deployed to the
 * environment before, other than the one leaving, that is still fit to serve
 * there (published, not quarantined or retired, at the stage the environment
 * requires) and that no deployment system reported as failed, removed or running
 * another artifact.
 */
export function lastHealthy(history: readonly PastDeployment[], leaving: number, requiredStage: string): number | null {
  for (const past of history) {
    if (past.number === leaving) continue;
    if (past.status !== 'published' || !reachedStage(past.stage, requiredStage)) continue;
    if (past.health === 'failed' || past.health === 'removed' || past.health === 'mismatch') continue;
    return past.number;
  }
  return null;
}
