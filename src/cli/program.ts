import { Command } from 'commander';
import { packageVersion } from '../server/package-version.js';
import { registerAccessCommands } from './commands/access/access-commands.js';
import { registerBackupCommands } from './commands/backup-commands.js';
import { registerDiffCommand } from './commands/diff-command.js';
import { registerDependencyRiskCommands } from './commands/risk/dependency-risk-commands.js';
import { registerGovernanceCommands } from './commands/governance/governance-commands.js';
import { registerLedgerCommands } from './commands/ledger-commands.js';
import { registerLoginCommands } from './commands/login-commands.js';
import { registerModelCommands } from './commands/model-commands.js';
import { registerNamespaceCommands } from './commands/namespace-commands.js';
import { registerPullCommand } from './commands/pull-command.js';
import { registerServerCommands } from './commands/server-commands.js';
import { registerTokenCommands } from './commands/token-commands.js';
import { registerVersionCommands } from './commands/version-commands.js';
import { registerVerifyCommand } from './commands/verify-command.js';
import { withExamples } from './help-text.js';

/*
 * Command modules only declare commands; what an action needs beyond the SDK
 * (the server, the push and pull machinery) is imported when it runs, so
 * `modelkeep whoami` never loads Fastify or SQLite.
 */
const groups: readonly ((program: Command) => void)[] = [
  registerServerCommands,
  registerLoginCommands,
  registerNamespaceCommands,
  registerModelCommands,
  registerVersionCommands,
  registerPullCommand,
  registerGovernanceCommands,
  registerDependencyRiskCommands,
  registerTokenCommands,
  registerAccessCommands,
  registerDiffCommand,
  registerLedgerCommands,
  registerBackupCommands,
  registerVerifyCommand,
];

/** The whole command tree. Errors are thrown, never turned into exits: that is main's job. */
export function buildProgram(): Command {
  const program = new Command('modelkeep')
    .description('ModelKeep: the AI model registry. Serve it, or push, pull and inspect models in one.')
    .version(packageVersion(), '-V, --version', 'print the version')
    .option('--json', 'print machine-readable JSON on stdout (no progress bars, no colour)')
    .helpOption('-h, --help', 'show help for a command')
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false });
  withExamples(program, 'modelkeep serve --data ./data', 'modelkeep version push fraud/scorer ./model --publish');
  for (const register of groups) register(program);
  return program;
}
