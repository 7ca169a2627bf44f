import { Argument, type Command, InvalidArgumentError, Option } from 'commander';
import { roles } from '../../../access/roles.js';
import type { Elevation, ElevationStatus } from '../../../sdk/access-types.js';
import { ModelKeepApiError } from '../../../sdk/api-error.js';
import type { Role } from '../../../sdk/types.js';
import { CliError } from '../../cli-error.js';
import { contextOf } from '../../context.js';
import { formatTime } from '../../format.js';
import { withExamples } from '../../help-text.js';
import { withNextSteps } from '../../next-step.js';
import { positiveInteger, reasonArg, uuidArg } from '../../option-parsers.js';
import { formatDuration, namespaceCell, timeCell, where } from './access-format.js';

const MAX_MINUTES = 7 * 24 * 60;
const statuses: readonly ElevationStatus[] = ['pending', 'approved', 'denied'];

/** `access elevate`, `elevations`, `approve` and `deny`: a role for a bounded time, approved by someone else. */
export function registerElevationCommands(access: Command): void {
  withExamples(
    access
      .command('elevate')
      .description('ask for a role for a bounded time; a security admin other than you approves it (use an unscoped token)')
      .addArgument(new Argument('<role>', 'the role you need').choices(roles))
      .option('--namespace <ns>', 'only in this namespace (default: the whole registry)')
      .requiredOption('--minutes <n>', `how long, from approval (required; at most ${MAX_MINUTES}, 7 days)`, minutesArg)
      .requiredOption('--justification <text>', 'why you need it, for the approver and the ledger (required)', reasonArg)
      .action(async (role: Role, flags: { namespace?: string; minutes: number; justification: string }, command: Command) => {
        const ctx = contextOf(command);
        const client = await ctx.client();
        const steps = { not_found: 'Check the namespace with `modelkeep namespace list`.' };
        const { id } = await withNextSteps(steps, () =>
          client.access.requestElevation({
            role,
            durationMinutes: flags.minutes,
            justification: flags.justification,
            ...(flags.namespace === undefined ? {} : { namespace: flags.namespace }),
          }),
        );
        const requested = { id, role, namespace: flags.namespace ?? null, durationMinutes: flags.minutes, status: 'pending' as const };
        ctx.out.result(requested, (r) => {
          ctx.out.line(`Asked for ${r.role} ${where(r.namespace)} for ${formatDuration(r.durationMinutes * 60)} (request ${r.id}).`);
          ctx.out.line(`A security admin other than you approves it: modelkeep access approve ${r.id} --reason TEXT`);
        });
      }),
    'modelkeep access elevate maintainer --namespace fraud --minutes 60 --justification "roll back the broken scorer (INC-1234)"',
  );

  withExamples(
    access
      .command('elevations')
      .description("list elevation requests, newest first: your own, or everyone's you may approve")
      .addOption(new Option('--status <status>', 'only these').choices(statuses))
      .option('--limit <n>', 'at most this many (1-500, default 50)', positiveInteger)
      .action(async (flags: { status?: ElevationStatus; limit?: number }, command: Command) => {
        const ctx = contextOf(command);
        const items = await (await ctx.client()).access.elevations(flags);
        ctx.out.result({ items }, (r) =>
          ctx.out.table(
            ['ID', 'REQUESTER', 'ROLE', 'NAMESPACE', 'FOR', 'STATUS', 'REQUESTED', 'DECIDED BY', 'UNTIL', 'JUSTIFICATION'],
            r.items.map((e) => [e.id, e.requester, e.role, namespaceCell(e.namespace), formatDuration(e.durationSeconds), e.status, formatTime(e.requestedAt), e.decidedBy ?? '-', timeCell(e.expiresAt, '-'), e.justification]),
            flags.status === undefined ? 'No elevation requests.' : `No ${flags.status} elevation requests.`,
          ),
        );
      }),
    'modelkeep access elevations --status pending',
    'modelkeep access elevations --json',
  );

  for (const [verb, description] of [
    ['approve', 'approve an elevation request: the role is granted from now for the time asked, then lapses'],
    ['deny', 'deny an elevation request, saying why'],
  ] as const) {
    withExamples(
      access
        .command(verb)
        .description(description)
        .argument('<id>', 'the request id (`modelkeep access elevations --status pending` lists them)', uuidArg('elevation request', 'modelkeep access elevations --status pending'))
        .requiredOption('--reason <text>', 'why, for the requester and the ledger (required)', reasonArg)
        .action(async (id: string, flags: { reason: string }, command: Command) => {
          const ctx = contextOf(command);
          const client = await ctx.client();
          const steps = {
            not_found: '`modelkeep access elevations --status pending` lists the requests you may decide.',
            invalid_state: '`modelkeep access elevations` shows who decided it and when.',
          };
          const decided = await notSelf(withNextSteps(steps, () => (verb === 'approve' ? client.access.approveElevation(id, flags.reason) : client.access.denyElevation(id, flags.reason))));
          ctx.out.result(decided, (e) => ctx.out.line(describeDecision(e)));
        }),
      `modelkeep access ${verb} 0b7e8c1a-2d3f-4e5a-9b6c-7d8e9f0a1b2c --reason "${verb === 'approve' ? 'INC-1234 rollback, on call' : 'use the runbook instead'}"`,
    );
  }
}

function minutesArg(text: string): number {
  const minutes = positiveInteger(text);
  if (minutes > MAX_MINUTES) throw new InvalidArgumentError(`${minutes} minutes is longer than 7 days (${MAX_MINUTES} minutes); ask for less, or for a standing grant (\`modelkeep access grant\`) if the need lasts.`);
  return minutes;
}

function describeDecision(e: Elevation): string {
  const what = `${e.requester}'s request for ${e.role} ${where(e.namespace)}`;
  return e.status === 'approved' ? `Approved ${what}: it holds until ${timeCell(e.expiresAt, '?')}.` : `Denied ${what}.`;
}

/** Deciding one's own request is refused by a separation-of-duties policy; say who can decide instead. */
async function notSelf(decision: Promise<Elevation>): Promise<Elevation> {
  try {
    return await decision;
  } catch (error) {
    if (!(error instanceof ModelKeepApiError) || error.code !== 'forbidden' || error.extensions.policy !== 'sod:no-self-elevation') throw error;
    throw new CliError('forbidden', error.detail, { hint: 'Another security admin must decide it; they see it with `modelkeep access elevations --status pending`.', extensions: { ...error.problem }, cause: error });
  }
}
