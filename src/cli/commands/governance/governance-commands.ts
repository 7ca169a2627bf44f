import type { Command } from 'commander';
import { registerAttestationCommands } from './attestation-commands.js';
import { registerChangeCommands } from './change-commands.js';
import { registerDeploymentCommands } from './deployment-commands.js';
import { registerGateCommands } from './gate-commands.js';
import { registerLifecycleCommands } from './lifecycle-commands.js';
import { registerPromotionCommands } from './promotion-commands.js';

/**
 * Governance after publication, in the order a version meets it: evidence
 * (`attest`), gates, promotions and approvals, deployments, quarantine and
 * retirement, change requests.
 */
export function registerGovernanceCommands(program: Command): void {
  registerAttestationCommands(program);
  registerGateCommands(program);
  registerPromotionCommands(program);
  registerDeploymentCommands(program);
  registerLifecycleCommands(program);
  registerChangeCommands(program);
}
