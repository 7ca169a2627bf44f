import { Argument, type Command } from 'commander';
import { roles } from '../../../access/roles.js';
import type { Action } from '../../../sdk/access-types.js';
import type { Role } from '../../../sdk/types.js';
import { contextOf } from '../../context.js';
import { formatTime } from '../../format.js';
import { withExamples } from '../../help-text.js';
import { withNextSteps } from '../../next-step.js';
import { futureTimeArg, PRINCIPAL_HELP, principalArg, reasonArg } from '../../option-parsers.js';
import { namespaceCell, timeCell, where } from './access-format.js';

/** `access roles`, `grant`, `revoke`, `bindings` and `group add|remove`. */
export function registerGrantCommands(access: Command): void {
  withExamples(
    access
      .command('roles')
      .description('show the roles, what each is for, and which roles allow each action')
      .action(async (_options: object, command: Command) => {
        const ctx = contextOf(command);
        const matrix = await (await ctx.client()).access.roles();
        ctx.out.result(matrix, (m) => {
          ctx.out.table(['ROLE', 'FOR'], m.roles.map((r) => [r.role, r.description]));
          ctx.out.line();
          const allowedBy = (action: Action) => m.roles.filter((r) => r.actions.includes(action)).map((r) => r.role);
          ctx.out.table(['ACTION', 'ALLOWS YOU TO', 'ROLES'], m.actions.map((a) => [a.action, a.description, allowedBy(a.action).join(', ')]));
        });
      }),
    'modelkeep access roles',
    'modelkeep access roles --json',
  );

  withExamples(
    access
      .command('grant')
      .description('grant a role to a user, service account or group, globally or in one namespace')
      .argument('<principal>', `who: ${PRINCIPAL_HELP}`, principalArg('user', 'service', 'group'))
      .addArgument(new Argument('<role>', 'the role (`modelkeep access roles` explains each)').choices(roles))
      .option('--namespace <ns>', 'only in this namespace (default: the whole registry)')
      .option('--expires-at <time>', 'when the grant lapses, ISO 8601, e.g. 2026-12-31T18:00:00Z (default: never)', futureTimeArg)
      .requiredOption('--reason <text>', 'why, kept in the ledger (required)', reasonArg)
      .action(async (principal: string, role: Role, flags: { namespace?: string; expiresAt?: string; reason: string }, command: Command) => {
        const ctx = contextOf(command);
        const client = await ctx.client();
        const steps = {
          not_found: `Create the namespace first (\`modelkeep namespace create ${flags.namespace ?? 'NS'}\`), or check its name with \`modelkeep namespace list\`.`,
          already_exists: 'Nothing to do if that grant is as you want it; to change its expiry, `modelkeep access revoke BINDING_ID` it first, then grant again.',
        };
        const { id } = await withNextSteps(steps, () =>
          client.access.grant({
            principal,
            role,
            reason: flags.reason,
            ...(flags.namespace === undefined ? {} : { namespace: flags.namespace }),
            ...(flags.expiresAt === undefined ? {} : { expiresAt: flags.expiresAt }),
          }),
        );
        const granted = { id, principal, role, namespace: flags.namespace ?? null, expiresAt: flags.expiresAt ?? null };
        ctx.out.result(granted, (g) => {
          ctx.out.line(`Granted ${g.role} ${where(g.namespace)} to ${g.principal}${g.expiresAt === null ? '' : ` until ${formatTime(g.expiresAt)}`} (binding ${g.id}).`);
          if (!g.principal.startsWith('group:')) ctx.out.note(`${g.principal} can now be issued a token: modelkeep token create NAME --principal ${g.principal}`);
        });
      }),
    'modelkeep access grant user:alice maintainer --namespace fraud --reason "joins the fraud team"',
    'modelkeep access grant group:auditors auditor --expires-at 2026-12-31T00:00:00Z --reason "annual audit"',
    'modelkeep access grant service:ci contributor --namespace fraud --reason "CI pushes models"',
  );

  withExamples(
    access
      .command('revoke')
      .description('revoke a role binding: it stops counting at once')
      .argument('<bindingId>', 'the binding id (`modelkeep access bindings` shows them)')
      .option('--reason <text>', 'why, kept in the ledger', reasonArg)
      .action(async (id: string, flags: { reason?: string }, command: Command) => {
        const ctx = contextOf(command);
        const client = await ctx.client();
        await withNextSteps({ not_found: '`modelkeep access bindings` lists binding ids (filter with --principal or --namespace).' }, () =>
          client.access.revokeBinding(id, flags.reason === undefined ? {} : { reason: flags.reason }),
        );
        ctx.out.result({ id, revoked: true }, () => ctx.out.line(`Revoked binding ${id}.`));
      }),
    'modelkeep access revoke 7d1c2a4e-5b8f-4c1d-9e3a-2f6b8c0d1e2f --reason "left the team"',
  );

  withExamples(
    access
      .command('bindings')
      .description('list role bindings, as granted (a group is one row; `access review` expands it to its members)')
      .option('--principal <principal>', `only this one: ${PRINCIPAL_HELP}`, principalArg('user', 'service', 'group'))
      .option('--namespace <ns>', 'only grants in this namespace')
      .action(async (flags: { principal?: string; namespace?: string }, command: Command) => {
        const ctx = contextOf(command);
        const items = await (await ctx.client()).access.bindings(flags);
        ctx.out.result({ items }, (r) =>
          ctx.out.table(
            ['ID', 'PRINCIPAL', 'ROLE', 'NAMESPACE', 'VIA', 'EXPIRES', 'GRANTED BY', 'REASON'],
            r.items.map((b) => [b.id, b.principal, b.role, namespaceCell(b.namespace), b.via, timeCell(b.expiresAt, 'never'), b.createdBy, b.reason]),
            'No bindings match.',
          ),
        );
      }),
    'modelkeep access bindings --principal user:alice',
    'modelkeep access bindings --namespace fraud --json',
  );

  const group = withExamples(access.command('group').description("add or remove group members (members take on the group's grants)"), 'modelkeep access group add group:ml-admins user:alice');
  for (const [verb, description] of [
    ['add', "add a user or service account to a group: it takes on the group's grants"],
    ['remove', "remove a member from a group: the group's grants stop counting for it"],
  ] as const) {
    withExamples(
      group
        .command(verb)
        .description(description)
        .argument('<group>', 'the group, e.g. group:ml-admins', principalArg('group'))
        .argument('<member>', 'user:… or service:…', principalArg('user', 'service'))
        .action(async (groupId: string, member: string, _options: object, command: Command) => {
          const ctx = contextOf(command);
          const client = await ctx.client();
          await withNextSteps({ not_found: '`modelkeep access review` lists the members of each group that holds a grant (rows THROUGH it).', already_exists: 'Nothing to do: it is a member already.' }, () =>
            verb === 'add' ? client.access.addMember(groupId, member) : client.access.removeMember(groupId, member),
          );
          ctx.out.result(verb === 'add' ? { group: groupId, member, added: true } : { group: groupId, member, removed: true }, () => ctx.out.line(verb === 'add' ? `Added ${member} to ${groupId}.` : `Removed ${member} from ${groupId}.`));
        }),
      `modelkeep access group ${verb} group:ml-admins user:alice`,
    );
  }
}
