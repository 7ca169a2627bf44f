import { type Command, Option } from 'commander';
import { ModelKeepApiError } from '../../../sdk/api-error.js';
import { gateReportOf } from '../../../sdk/governance-api.js';
import type { Promotion, PromotionDetail, PromotionStatus, PromotionTarget } from '../../../sdk/governance-types.js';
import { formatVersionRef } from '../../../sdk/refs.js';
import type { VersionRef } from '../../../sdk/types.js';
import { CliError } from '../../cli-error.js';
import { contextOf } from '../../context.js';
import { withExamples } from '../../help-text.js';
import { withNextSteps } from '../../next-step.js';
import { positiveInteger, reasonArg, versionRefArg } from '../../option-parsers.js';
import type { Output } from '../../output.js';
import { promotionIdArg, toStageOption } from './governance-args.js';
import { approvalsText, checkTable, promotionHeaders, promotionRow } from './governance-format.js';

const statuses: readonly PromotionStatus[] = ['pending', 'promoted', 'refused', 'rejected', 'withdrawn', 'cancelled'];
const INBOX = 'modelkeep promotions --status pending';

/** `promote`, `promotions`, `approve`, `reject`: moving versions through stages, with approvals where the gate asks for them. */
export function registerPromotionCommands(program: Command): void {
  withExamples(
    program
      .command('promote')
      .description('ask to move a version to a later stage: promoted at once when the gate passes and needs no approval, pending when it needs approvers, refused (exit 9) when a check fails')
      .argument('<version>', 'namespace/name@number', versionRefArg)
      .addOption(toStageOption('the stage to move it to'))
      .requiredOption('--rationale <text>', 'why it is ready, for the approvers and the ledger (required)', reasonArg)
      .action(async (ref: VersionRef, flags: { to: PromotionTarget; rationale: string }, command: Command) => {
        const ctx = contextOf(command);
        const client = await ctx.client();
        const label = formatVersionRef(ref);
        const steps = {
          invalid_state: `A promotion of ${label} is already waiting: \`${INBOX}\` shows it; have it approved or rejected first.`,
          not_found: `\`modelkeep version list ${ref.namespace}/${ref.model}\` shows its versions.`,
        };
        const requested = await refusedAsCliError(ctx.out, label, withNextSteps(steps, () => client.governance.requestPromotion(ref, flags.to, flags.rationale)));
        ctx.out.result(requested, (p) => printRequested(ctx.out, p));
      }),
    'modelkeep promote fraud/scorer@3 --to validation --rationale "AUC 0.91 on the Q3 holdout"',
    'modelkeep promote fraud/scorer@3 --to production --rationale "Q3 release" --json',
  );

  withExamples(
    program
      .command('promotions')
      .description('list promotion requests, newest first; --status pending is the approvals inbox')
      .addOption(new Option('--status <status>', 'only these').choices(statuses))
      .option('--namespace <ns>', 'only this namespace')
      .option('--limit <n>', 'at most this many (1-500, default 50)', positiveInteger)
      .action(async (flags: { status?: PromotionStatus; namespace?: string; limit?: number }, command: Command) => {
        const ctx = contextOf(command);
        const page = await (await ctx.client()).governance.promotions(flags);
        ctx.out.result(page, (r) => {
          ctx.out.table(promotionHeaders, r.items.map(promotionRow), flags.status === undefined ? 'No promotion requests.' : `No ${flags.status} promotion requests.`);
          if (r.nextCursor !== null) ctx.out.note('More requests are older than these; narrow with --namespace or --status, or raise --limit.');
        });
      }),
    INBOX,
    'modelkeep promotions --namespace fraud --json',
  );

  withExamples(
    program
      .command('approve')
      .description('co-sign a pending promotion; the last approval needed promotes it (not for its requester or the authors of the version)')
      .argument('<id>', `the request id (\`${INBOX}\` lists them)`, promotionIdArg)
      .requiredOption('--rationale <text>', 'why you approve, for the ledger (required)', reasonArg)
      .action(async (id: string, flags: { rationale: string }, command: Command) => {
        const ctx = contextOf(command);
        const client = await ctx.client();
        const approved = await refusedApproval(id, withNextSteps(decisionSteps(id), () => client.governance.approvePromotion(id, flags.rationale)));
        const detail: PromotionDetail = approved.status === 'pending' ? await client.governance.promotion(id) : { ...approved, stillNeeded: [] };
        ctx.out.result(detail, (p) =>
          ctx.out.line(
            p.status === 'promoted'
              ? `Approved: ${p.version} is promoted to ${p.to}.`
              : `Approved promotion ${p.id} of ${p.version} to ${p.to}; it still needs ${approvalsText(p.stillNeeded)}.`,
          ),
        );
      }),
    'modelkeep approve 0b7e8c1a-2d3f-4e5a-9b6c-7d8e9f0a1b2c --rationale "evidence reviewed; bias findings mitigated"',
  );

  withExamples(
    program
      .command('reject')
      .description('reject a pending promotion, saying why')
      .argument('<id>', `the request id (\`${INBOX}\` lists them)`, promotionIdArg)
      .requiredOption('--reason <text>', 'why, for the requester and the ledger (required)', reasonArg)
      .action(async (id: string, flags: { reason: string }, command: Command) => {
        const ctx = contextOf(command);
        const client = await ctx.client();
        const rejected = await withNextSteps(decisionSteps(id), () => client.governance.rejectPromotion(id, flags.reason));
        ctx.out.result(rejected, (p) => ctx.out.line(`Rejected promotion ${p.id} of ${p.version} to ${p.to}; it stays at ${p.from}.`));
      }),
    'modelkeep reject 0b7e8c1a-2d3f-4e5a-9b6c-7d8e9f0a1b2c --reason "the red-team findings are not mitigated"',
  );

  withExamples(
    program
      .command('withdraw')
      .description('take back your own pending promotion request, saying why')
      .argument('<id>', `the request id (\`${INBOX}\` lists them)`, promotionIdArg)
      .requiredOption('--reason <text>', 'why, for the approvers and the ledger (required)', reasonArg)
      .action(async (id: string, flags: { reason: string }, command: Command) => {
        const ctx = contextOf(command);
        const client = await ctx.client();
        const withdrawn = await withNextSteps(decisionSteps(id), () => client.governance.withdrawPromotion(id, flags.reason));
        ctx.out.result(withdrawn, (p) => ctx.out.line(`Withdrew promotion ${p.id} of ${p.version} to ${p.to}; it stays at ${p.from}.`));
      }),
    'modelkeep withdraw 0b7e8c1a-2d3f-4e5a-9b6c-7d8e9f0a1b2c --reason "asked before the A/B test finished"',
  );
}

function decisionSteps(id: string) {
  return {
    not_found: `\`${INBOX}\` lists the requests you may decide.`,
    invalid_state: `\`modelkeep promotions\` shows what became of ${id}.`,
  };
}

function printRequested(out: Output, p: Promotion): void {
  if (p.status === 'promoted') {
    out.line(`Promoted ${p.version} from ${p.from} to ${p.to} (request ${p.id}).`);
    return;
  }
  out.line(`Promotion ${p.id} of ${p.version} to ${p.to} is pending: it needs ${approvalsText(p.report.approvals)}.`);
  out.line(`Someone other than you and the version's authors approves it: modelkeep approve ${p.id} --rationale TEXT`);
}

/**
 * A refused request is recorded with its report: print the failing checks
 * (human output) and exit 9 with the server's problem, report included.
 */
async function refusedAsCliError(out: Output, label: string, call: Promise<Promotion>): Promise<Promotion> {
  try {
    return await call;
  } catch (error) {
    const report = gateReportOf(error);
    if (report === undefined || !(error instanceof ModelKeepApiError)) throw error;
    if (!out.json) {
      out.line(`Refused: ${label} cannot move to ${report.to}${typeof error.problem.request === 'string' ? ` (request ${error.problem.request}, recorded with its report)` : ''}.`);
      out.line();
      out.line(checkTable(report.checks.filter((c) => !c.passed)));
    }
    throw new CliError('gate_failed', error.detail, {
      hint: `Add what each failed check asks for (\`modelkeep attest ${label} …\`), or correct the record (\`modelkeep change request ${label} …\`); \`modelkeep gate check ${label} --to ${report.to}\` shows where it stands.`,
      extensions: { ...error.problem },
      cause: error,
    });
  }
}

/** An approval refused by separation of duties, by roles that do not count, or by a gate that no longer passes: say who can act instead. */
async function refusedApproval(id: string, call: Promise<Promotion>): Promise<Promotion> {
  try {
    return await call;
  } catch (error) {
    if (!(error instanceof ModelKeepApiError)) throw error;
    let hint: string | undefined;
    if (error.code === 'forbidden' && error.extensions.policy === 'sod:no-self-approval') {
      hint = `Someone other than the requester and the version's authors must approve it; approvers see it with \`${INBOX}\`.`;
    } else if (error.code === 'forbidden' && Array.isArray(error.extensions.missing)) {
      hint = 'Ask someone holding the missing role in the namespace to approve it (`modelkeep access bindings --namespace NS` lists who).';
    } else if (error.code === 'gate_failed') {
      hint = `Fix what the failed checks ask for, or reject the request (\`modelkeep reject ${id} --reason TEXT\`).`;
    }
    if (hint === undefined) throw error;
    throw new CliError(error.code as 'forbidden' | 'gate_failed', error.detail, { hint, extensions: { ...error.problem }, cause: error });
  }
}
