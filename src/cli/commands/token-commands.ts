import type { Command } from 'commander';
import { roles } from '../../access/roles.js';
import type { Role } from '../../sdk/types.js';
import { contextOf } from '../context.js';
import { withExamples } from '../help-text.js';
import { collectChoice, positiveInteger } from '../option-parsers.js';

export function registerTokenCommands(program: Command): void {
  const token = withExamples(program.command('token').description('issue and revoke API tokens (admin)'), 'modelkeep token create ci-pipeline --role contributor');

  withExamples(
    token
      .command('create')
      .description('issue an API token; its secret is printed once')
      .argument('<name>', 'a label for the token, e.g. ci-pipeline')
      .option('--role <role>', `a role: ${roles.join(', ')} (repeatable; default contributor)`, collectChoice(roles))
      .option('--principal <principal>', 'who it acts as: user:… or service:… (default service:<name>)')
      .option('--expires-in-days <n>', 'expire after this many days', positiveInteger)
      .action(async (name: string, flags: { role?: Role[]; principal?: string; expiresInDays?: number }, command: Command) => {
        const ctx = contextOf(command);
        const issued = await (await ctx.client()).tokens.issue({
          name,
          ...(flags.role === undefined ? {} : { roles: flags.role }),
          ...(flags.principal === undefined ? {} : { principal: flags.principal }),
          ...(flags.expiresInDays === undefined ? {} : { expiresInDays: flags.expiresInDays }),
        });
        ctx.out.result(issued, (t) => {
          ctx.out.line(`Token ${t.id} for ${t.principal} (${t.roles.join(', ')}), ${t.expiresAt === null ? 'no expiry' : `expires ${t.expiresAt}`}.`);
          ctx.out.line('Secret (shown this once; store it now):');
          ctx.out.line(`  ${t.token}`);
        });
      }),
    'modelkeep token create ci-pipeline --role contributor --expires-in-days 90',
    'modelkeep token create alice --principal user:alice --role viewer',
  );

  withExamples(
    token
      .command('revoke')
      .description('revoke a token at once')
      .argument('<id>', 'the token id printed by `token create`')
      .action(async (id: string, _options: object, command: Command) => {
        const ctx = contextOf(command);
        await (await ctx.client()).tokens.revoke(id);
        ctx.out.result({ id, revoked: true }, () => ctx.out.line(`Revoked token ${id}.`));
      }),
    'modelkeep token revoke 3f0c9f1e-8a51-4f55-9a53-1b8f4f7d2c10',
  );
}
