import { type Command, Option } from 'commander';
import { changeTemplates } from '../../../governance/entry-payloads.js';
import type { ChangeRequest, ChangeStatus, ChangeTemplate } from '../../../sdk/governance-types.js';
import { ModelKeepApiError } from '../../../sdk/api-error.js';
import { formatVersionRef } from '../../../sdk/refs.js';
import type { VersionRef } from '../../../sdk/types.js';
import { CliError, usageError } from '../../cli-error.js';
import { contextOf } from '../../context.js';
import { formatTime } from '../../format.js';
import { withExamples } from '../../help-text.js';
import { withNextSteps } from '../../next-step.js';
import { positiveInteger, reasonArg, versionRefArg } from '../../option-parsers.js';
import type { Output } from '../../output.js';
import { changeIdArg, collectSetting, readJsonObjectArg } from './governance-args.js';

const statuses: readonly ChangeStatus[] = ['pending', 'approved', 'rejected', 'withdrawn'];
const QUEUE = 'modelkeep change list --status pending';

interface RequestFlags {
  readonly template: ChangeTemplate;
  readonly rationale: string;
  readonly impact: string;
  readonly set?: Record<string, unknown>;
  readonly changes?: string;
}

/** `change request|list|show|approve|reject`: changes to published versions, asked for and approved by someone else. */
export function registerChangeCommands(program: Command): void {
  const change = withExamples(
    program.command('change').description('ask for a correction, deprecation or retraining of a published version, and approve or reject such requests'),
    `modelkeep change request fraud/scorer@3 --template correction --set license='"MIT"' --rationale "the license was mistyped" --impact "none: metadata only"`,
  );

  withExamples(
    change
      .command('request')
      .description('ask for a change to a published version; someone other than you approves it (a correction is then applied as an amendment that keeps the old values)')
      .argument('<version>', 'namespace/name@number', versionRefArg)
      .addOption(new Option('--template <template>', 'correction (metadata), deprecation, or retrain (required)').choices(changeTemplates).makeOptionMandatory())
      .option('--set <field=json>', 'a corrected metadata field and its new value as JSON, e.g. license=\'"MIT"\' (repeatable; correction only)', collectSetting)
      .option('--changes <file|json>', 'the corrected fields as one JSON object, inline or in a file (- for stdin); --set adds to it')
      .requiredOption('--rationale <text>', 'why, for the approver and the ledger (required)', reasonArg)
      .requiredOption('--impact <text>', 'who and what the change affects (required)', reasonArg)
      .action(async (ref: VersionRef, flags: RequestFlags, command: Command) => {
        const ctx = contextOf(command);
        const fromFile = flags.changes === undefined ? {} : await readJsonObjectArg(flags.changes, 'the changes', `'{"license": "MIT"}'`);
        const changes = { ...fromFile, ...flags.set };
        const hasChanges = Object.keys(changes).length > 0;
        if (flags.template === 'correction' && !hasChanges) throw usageError('A correction needs the fields it corrects: give --set field=JSON or --changes FILE.', `e.g. --set license='"MIT"'`);
        if (flags.template !== 'correction' && hasChanges) throw usageError(`A ${flags.template} request carries no metadata changes; ask for a correction to change fields.`);
        const client = await ctx.client();
        const label = formatVersionRef(ref);
        const steps = {
          invalid_state: `Only published versions take change requests; change a draft directly (\`modelkeep governance ${label}\` shows its status).`,
          not_found: `\`modelkeep version list ${ref.namespace}/${ref.model}\` shows its versions.`,
        };
        const input = { template: flags.template, rationale: flags.rationale, impact: flags.impact, ...(hasChanges ? { changes } : {}) };
        const requested = await withNextSteps(steps, () => client.governance.requestChange(ref, input));
        ctx.out.result(requested, (c) => {
          ctx.out.line(`Requested a ${c.template} of ${c.version}: change ${c.id}, pending.`);
          ctx.out.line(`Someone other than you approves it: modelkeep change approve ${c.id} --rationale TEXT`);
        });
      }),
    `modelkeep change request fraud/scorer@3 --template correction --set license='"MIT"' --rationale "the license was mistyped" --impact "none: metadata only"`,
    'modelkeep change request fraud/scorer@2 --template deprecation --rationale "superseded by @3" --impact "consumers of @2 must move by Q4"',
  );

  withExamples(
    change
      .command('list')
      .description('list change requests, newest first; --status pending is the queue')
      .addOption(new Option('--status <status>', 'only these').choices(statuses))
      .addOption(new Option('--template <template>', 'only these').choices(changeTemplates))
      .option('--namespace <ns>', 'only this namespace')
      .option('--limit <n>', 'at most this many (1-500, default 50)', positiveInteger)
      .action(async (flags: { status?: ChangeStatus; template?: ChangeTemplate; namespace?: string; limit?: number }, command: Command) => {
        const ctx = contextOf(command);
        const page = await (await ctx.client()).governance.changes(flags);
        ctx.out.result(page, (r) => {
          ctx.out.table(
            ['ID', 'VERSION', 'TEMPLATE', 'STATUS', 'REQUESTED BY', 'REQUESTED', 'RATIONALE'],
            r.items.map((c) => [c.id, c.version, c.template, c.status, c.requestedBy, formatTime(c.requestedAt), c.rationale]),
            flags.status === undefined ? 'No change requests.' : `No ${flags.status} change requests.`,
          );
          if (r.nextCursor !== null) ctx.out.note('More requests are older than these; narrow with --namespace or --status, or raise --limit.');
        });
      }),
    QUEUE,
    'modelkeep change list --namespace fraud --json',
  );

  withExamples(
    change
      .command('show')
      .description('show one change request')
      .argument('<id>', `the request id (\`${QUEUE}\` lists them)`, changeIdArg)
      .action(async (id: string, _flags: object, command: Command) => {
        const ctx = contextOf(command);
        const client = await ctx.client();
        const found = await withNextSteps({ not_found: `\`${QUEUE}\` lists the requests.` }, () => client.governance.change(id));
        ctx.out.result(found, (c) => printChange(ctx.out, c));
      }),
    'modelkeep change show 0b7e8c1a-2d3f-4e5a-9b6c-7d8e9f0a1b2c',
  );

  for (const [verb, flag, description] of [
    ['approve', 'rationale', 'approve a change request (not your own); it is applied at once'],
    ['reject', 'reason', 'reject a change request, saying why'],
    ['withdraw', 'reason', 'take back your own pending change request, saying why'],
  ] as const) {
    withExamples(
      change
        .command(verb)
        .description(description)
        .argument('<id>', `the request id (\`${QUEUE}\` lists them)`, changeIdArg)
        .requiredOption(`--${flag} <text>`, `why, for the requester and the ledger (required)`, reasonArg)
        .action(async (id: string, flags: { rationale?: string; reason?: string }, command: Command) => {
          const ctx = contextOf(command);
          const client = await ctx.client();
          const why = (flags.rationale ?? flags.reason)!;
          const steps = { not_found: `\`${QUEUE}\` lists the requests you may decide.`, invalid_state: `\`modelkeep change show ${id}\` shows who decided it, or why it no longer applies.` };
          const decide = { approve: () => client.governance.approveChange(id, why), reject: () => client.governance.rejectChange(id, why), withdraw: () => client.governance.withdrawChange(id, why) }[verb];
          const decided = await (verb === 'withdraw' ? withNextSteps(steps, decide) : notOwn(withNextSteps(steps, decide)));
          ctx.out.result(decided, (c) => ctx.out.line(decisionLine(c)));
        }),
      `modelkeep change ${verb} 0b7e8c1a-2d3f-4e5a-9b6c-7d8e9f0a1b2c --${flag} "${{ approve: 'checked against the training run', reject: 'the license was right', withdraw: 'asked by mistake' }[verb]}"`,
    );
  }
}

function decisionLine(c: ChangeRequest): string {
  const which = `${c.template} ${c.id} of ${c.version}`;
  if (c.status === 'approved') return `Approved ${which}; it is applied.`;
  if (c.status === 'withdrawn') return `Withdrew ${which}.`;
  return `Rejected ${which}.`;
}

function printChange(out: Output, c: ChangeRequest): void {
  out.line(`Change ${c.id}: a ${c.template} of ${c.version}, ${c.status}.`);
  out.line(`Requested ${formatTime(c.requestedAt)} by ${c.requestedBy}: ${c.rationale}`);
  out.line(`Impact: ${c.impact}`);
  for (const [field, value] of Object.entries(c.changes)) out.line(`  ${field} → ${JSON.stringify(value)}`);
  if (c.decidedBy !== null) out.line(`${{ approved: 'Approved', rejected: 'Rejected', withdrawn: 'Withdrawn' }[c.status as 'approved'] ?? c.status} ${c.decidedAt === null ? '' : `${formatTime(c.decidedAt)} `}by ${c.decidedBy}: ${c.decisionReason ?? ''}`);
}

/** Deciding one's own request is refused by separation of duties; say who can decide instead. */
async function notOwn(decision: Promise<ChangeRequest>): Promise<ChangeRequest> {
  try {
    return await decision;
  } catch (error) {
    if (!(error instanceof ModelKeepApiError) || error.code !== 'forbidden' || error.extensions.policy !== 'sod:no-self-approval') throw error;
    throw new CliError('forbidden', error.detail, { hint: `Someone other than the requester and the version's authors must decide it; approvers see it with \`${QUEUE}\`.`, extensions: { ...error.problem }, cause: error });
  }
}
