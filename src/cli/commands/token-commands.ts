import type { Command } from 'commander';
import { roles } from '../../access/roles.js';
import type { ApiToken, IssuedToken } from '../../sdk/access-types.js';
import type { Role } from '../../sdk/types.js';
import { contextOf } from '../context.js';
import { formatTime } from '../format.js';
import { withExamples } from '../help-text.js';
import { withNextSteps } from '../next-step.js';
import { collect, collectChoice, nonNegativeInteger, positiveInteger, principalArg, uuidArg } from '../option-parsers.js';
import type { Output } from '../output.js';
import { scopeText, timeCell } from './access/access-format.js';

const tokenId = uuidArg('token', 'modelkeep token list');

/** Rotating and revoking name a token that must exist and still work. */
const existingToken = {
  not_found: '`modelkeep token list` shows the tokens you may manage, with their ids.',
  invalid_state: 'A revoked token stays revoked; issue a new one with `modelkeep token create NAME`.',
} as const;

interface CreateFlags {
  readonly role?: Role[];
  readonly namespace?: string[];
  readonly principal?: string;
  readonly expiresInDays?: number;
}

export function registerTokenCommands(program: Command): void {
  const token = withExamples(
    program.command('token').description('issue, list, rotate and revoke API tokens (your own; anyone\'s with token.manage)'),
    'modelkeep token create laptop',
    'modelkeep token create ci-pipeline --principal service:ci --role contributor --namespace fraud',
  );

  withExamples(
    token
      .command('create')
      .description("issue an API token, scoped to some of its holder's roles and namespaces if you like; its secret is printed once")
      .argument('<name>', 'a label for the token, e.g. ci-pipeline')
      .option('--principal <principal>', 'who it acts as: user:… or service:… (default: you); they must already hold a grant', principalArg('user', 'service'))
      .option('--role <role>', `use only this of the holder's roles: ${roles.join(', ')} (repeatable; default: all of them)`, collectChoice(roles))
      .option('--namespace <ns>', 'act only in this namespace (repeatable; default: all)', collect)
      .option('--expires-in-days <n>', 'lifetime (default 7 days for users, 30 for service accounts; at most 90 / 365)', positiveInteger)
      .action(async (name: string, flags: CreateFlags, command: Command) => {
        const ctx = contextOf(command);
        const issued = await (await ctx.client()).tokens.issue({
          name,
          ...(flags.principal === undefined ? {} : { principal: flags.principal }),
          ...(flags.role === undefined ? {} : { roles: flags.role }),
          ...(flags.namespace === undefined ? {} : { namespaces: [...new Set(flags.namespace)] }),
          ...(flags.expiresInDays === undefined ? {} : { expiresInDays: flags.expiresInDays }),
        });
        ctx.out.result(issued, (t) => printIssued(ctx.out, `Token ${t.id} (${t.name})`, t, flags.principal === undefined ? 'all your roles' : undefined));
      }),
    'modelkeep token create laptop',
    'modelkeep token create ci-pipeline --principal service:ci --role contributor --namespace fraud --expires-in-days 90',
    'modelkeep token create dashboards --role viewer --json',
  );

  withExamples(
    token
      .command('list')
      .description('list tokens with their scope, expiry and last use: yours, or with token.manage everyone\'s')
      .option('--principal <principal>', 'only the tokens of this user:… or service:…', principalArg('user', 'service'))
      .action(async (flags: { principal?: string }, command: Command) => {
        const ctx = contextOf(command);
        const items = await (await ctx.client()).tokens.list(flags.principal === undefined ? {} : { principal: flags.principal });
        ctx.out.result({ items }, (r) =>
          ctx.out.table(
            ['ID', 'NAME', 'PRINCIPAL', 'ROLES', 'NAMESPACES', 'STATE', 'EXPIRES', 'LAST USED'],
            r.items.map((t) => [t.id, t.name, t.principal, scopeText(t.roles, 'all'), scopeText(t.namespaces, 'all'), stateOf(t), timeCell(t.expiresAt, 'never'), timeCell(t.lastUsedAt, 'never')]),
            'No tokens.',
          ),
        );
      }),
    'modelkeep token list',
    'modelkeep token list --principal service:ci --json',
  );

  withExamples(
    token
      .command('rotate')
      .description('issue a new secret for a token (same holder and scope); the old secret stops at once or after a grace period')
      .argument('<id>', 'the token id (`modelkeep token list` shows them)', tokenId)
      .option('--grace-seconds <n>', 'keep the old secret working this long, e.g. while a deployment reloads (default 0, at most 86400)', nonNegativeInteger)
      .option('--expires-in-days <n>', 'lifetime of the new secret (default 7 days for users, 30 for service accounts)', positiveInteger)
      .action(async (id: string, flags: { graceSeconds?: number; expiresInDays?: number }, command: Command) => {
        const ctx = contextOf(command);
        const client = await ctx.client();
        const issued = await withNextSteps(existingToken, () =>
          client.tokens.rotate(id, {
            ...(flags.graceSeconds === undefined ? {} : { graceSeconds: flags.graceSeconds }),
            ...(flags.expiresInDays === undefined ? {} : { expiresInDays: flags.expiresInDays }),
          }),
        );
        const grace = flags.graceSeconds ?? 0;
        ctx.out.result({ ...issued, replaces: id, oldSecretStops: grace === 0 ? 'now' : `in ${grace} seconds` }, (t) => {
          printIssued(ctx.out, `Rotated token ${id}: new token ${t.id} (${t.name})`, t);
          ctx.out.line(grace === 0 ? 'The old secret no longer works.' : `The old secret keeps working for ${grace} seconds.`);
        });
      }),
    'modelkeep token rotate 3f0c9f1e-8a51-4f55-9a53-1b8f4f7d2c10',
    'modelkeep token rotate 3f0c9f1e-8a51-4f55-9a53-1b8f4f7d2c10 --grace-seconds 600 --json',
  );

  withExamples(
    token
      .command('revoke')
      .description('revoke a token at once')
      .argument('<id>', 'the token id (`modelkeep token list` shows them)', tokenId)
      .action(async (id: string, _options: object, command: Command) => {
        const ctx = contextOf(command);
        const client = await ctx.client();
        await withNextSteps(existingToken, () => client.tokens.revoke(id));
        ctx.out.result({ id, revoked: true }, () => ctx.out.line(`Revoked token ${id}.`));
      }),
    'modelkeep token revoke 3f0c9f1e-8a51-4f55-9a53-1b8f4f7d2c10',
  );
}

/** `allRoles`: how to say "unscoped" when the holder is the caller. */
function printIssued(out: Output, title: string, t: IssuedToken, allRoles = `all of ${t.principal}'s roles`): void {
  out.line(`${title} for ${t.principal}, expires ${formatTime(t.expiresAt)}.`);
  out.line(`  roles:      ${scopeText(t.roles, allRoles)}`);
  out.line(`  namespaces: ${scopeText(t.namespaces, 'all')}`);
  out.line('Secret (shown this once; store it now):');
  out.line(`  ${t.token}`);
}

function stateOf(t: ApiToken): string {
  if (t.revokedAt != null) return 'revoked';
  if (t.expiresAt !== null && Date.parse(t.expiresAt) <= Date.now()) return 'expired';
  return 'active';
}
