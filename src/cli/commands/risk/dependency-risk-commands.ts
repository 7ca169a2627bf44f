import type { Command } from 'commander';
import { registerAdvisoryCommands } from './advisory-commands.js';
import { registerAlertCommands } from './alert-commands.js';
import { registerIncidentCommands } from './incident-commands.js';
import { registerLineageCommands } from './lineage-commands.js';
import { registerRiskCommands } from './risk-commands.js';

/**
 * Dependencies and risk, from the graph outwards: lineage (`lineage`, `why`,
 * `impact`), what is wrong with dependencies (`advisories`, `library`,
 * `findings`), what it adds up to (`risk`, `license-policy`, `health`,
 * incidents), and who hears about it (`webhook`, `events`).
 */
export function registerDependencyRiskCommands(program: Command): void {
  registerLineageCommands(program);
  registerAdvisoryCommands(program);
  registerRiskCommands(program);
  registerIncidentCommands(program);
  registerAlertCommands(program);
}
