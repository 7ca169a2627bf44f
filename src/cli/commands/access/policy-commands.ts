import { readFile } from 'node:fs/promises';
import { InvalidArgumentError, type Command } from 'commander';
import { ModelKeepApiError } from '../../../sdk/api-error.js';
import { CliError } from '../../cli-error.js';
import { contextOf } from '../../context.js';
import { formatTime } from '../../format.js';
import { withExamples } from '../../help-text.js';
import { withNextSteps } from '../../next-step.js';
import { reasonArg } from '../../option-parsers.js';

/** The server's rule for policy ids, checked here so a typo fails before the file is read. */
const POLICY_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

function policyIdArg(text: string): string {
  if (!POLICY_ID.test(text)) throw new InvalidArgumentError(`${JSON.stringify(text)} is not a policy id: lower-case letters, digits and dashes, e.g. freeze-prod-deploys.`);
  return text;
}

/** `access policy list|set|remove`: Cedar policies added beside the built-in ones. */
export function registerPolicyCommands(access: Command): void {
  const policy = withExamples(
    access.command('policy').description('list, add or remove Cedar authorization policies (beside the built-in role and separation-of-duties ones)'),
    'modelkeep access policy set freeze-prod --file ./freeze.cedar --description "No deploys during the freeze" --reason "change freeze"',
  );

  withExamples(
    policy
      .command('list')
      .description('list the policies admins added, with their text')
      .action(async (_options: object, command: Command) => {
        const ctx = contextOf(command);
        const items = await (await ctx.client()).access.policies();
        ctx.out.result({ items }, (r) => {
          if (r.items.length === 0) ctx.out.line('No added policies; only the built-in ones apply.');
          for (const p of r.items) {
            ctx.out.line(`${p.id}: ${p.description || '(no description)'} (set ${formatTime(p.updatedAt)} by ${p.updatedBy})`);
            for (const line of p.text.trim().split('\n')) ctx.out.line(`  ${line}`);
          }
        });
      }),
    'modelkeep access policy list',
    'modelkeep access policy list --json',
  );

  withExamples(
    policy
      .command('set')
      .description('add a Cedar policy, or replace the one with this id; it applies at once')
      .argument('<id>', 'lower-case letters, digits and dashes, e.g. freeze-prod', policyIdArg)
      .requiredOption('--file <path>', 'the Cedar policy text (required)')
      .requiredOption('--description <text>', 'what it is for, in a sentence (required)')
      .requiredOption('--reason <text>', 'why, kept in the ledger (required)', reasonArg)
      .action(async (id: string, flags: { file: string; description: string; reason: string }, command: Command) => {
        const ctx = contextOf(command);
        const text = await readPolicyFile(flags.file);
        try {
          await (await ctx.client()).access.setPolicy(id, { text, description: flags.description, reason: flags.reason });
        } catch (error) {
          if (!(error instanceof ModelKeepApiError) || error.code !== 'invalid_request') throw error;
          const hint = `Fix ${flags.file}, then run this again. Cedar's syntax: https://docs.cedarpolicy.com/policies/syntax-policy.html; actions are named as \`modelkeep access roles\` lists them, e.g. Action::"version.deploy".`;
          throw new CliError('invalid_request', error.detail, { hint, extensions: { ...error.problem }, cause: error });
        }
        ctx.out.result({ id, set: true }, () => ctx.out.line(`Set policy ${id}; it applies from now.`));
      }),
    'modelkeep access policy set freeze-prod --file ./freeze.cedar --description "No deploys during the freeze" --reason "change freeze"',
  );

  withExamples(
    policy
      .command('remove')
      .description('remove an added policy')
      .argument('<id>', 'the policy id (`modelkeep access policy list` shows them)', policyIdArg)
      .action(async (id: string, _options: object, command: Command) => {
        const ctx = contextOf(command);
        const client = await ctx.client();
        await withNextSteps({ not_found: '`modelkeep access policy list` shows the ids of added policies; the built-in ones cannot be removed.' }, () => client.access.removePolicy(id));
        ctx.out.result({ id, removed: true }, () => ctx.out.line(`Removed policy ${id}.`));
      }),
    'modelkeep access policy remove freeze-prod',
  );
}

async function readPolicyFile(path: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new CliError('invalid_request', `Cannot read the policy file ${path}: ${(error as Error).message}`, { hint: 'Give the path of a file holding Cedar text with --file.', cause: error });
  }
  if (text.trim() === '') throw new CliError('invalid_request', `The policy file ${path} is empty`, { hint: 'Write a Cedar policy in it, e.g. forbid(principal, action == Action::"version.deploy", resource);' });
  return text;
}
