import { attestationCommands } from './attestation-commands.js';
import { changeCommands } from './change-commands.js';
import { deploymentCommands } from './deployment-commands.js';
import { lifecycleCommands } from './lifecycle-commands.js';
import { promotionCommands } from './promotion-commands.js';

/** Governance's writes, by name, for the writer's command table. */
export const governanceCommands = { ...attestationCommands, ...promotionCommands, ...deploymentCommands, ...lifecycleCommands, ...changeCommands };
