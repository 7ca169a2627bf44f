import type { Command } from 'commander';
import { withExamples } from '../../help-text.js';
import { registerElevationCommands } from './elevation-commands.js';
import { registerGrantCommands } from './grant-commands.js';
import { registerPolicyCommands } from './policy-commands.js';
import { registerReviewCommands } from './review-commands.js';

/** `modelkeep access …`: who may do what. */
export function registerAccessCommands(program: Command): void {
  const access = withExamples(
    program.command('access').description('grant and revoke roles, manage groups and policies, ask for and approve elevations, review access'),
    'modelkeep access grant user:alice maintainer --namespace fraud --reason "joins the fraud team"',
    'modelkeep access review',
  );
  registerGrantCommands(access);
  registerPolicyCommands(access);
  registerElevationCommands(access);
  registerReviewCommands(access);
}
