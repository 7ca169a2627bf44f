import type { Stage } from '../catalog/schemas.js';

/** The forward order of the lifecycle; `retired` is terminal and ranks after everything. */
const order: readonly Stage[] = ['concept', 'exploration', 'validation', 'production', 'retired'];

export const stageRank = (stage: string): number => order.indexOf(stage as Stage);

/** True when `stage` is at or past `required` (a production version may serve in staging). */
export const reachedStage = (stage: string, required: string): boolean => stage !== 'retired' && stageRank(stage) >= stageRank(required);
