import type { Command } from 'commander';
import { formatVersionRef } from '../../../sdk/refs.js';
import type { GateReport, PromotionTarget } from '../../../sdk/governance-types.js';
import type { VersionRef } from '../../../sdk/types.js';
import { CliError } from '../../cli-error.js';
import { contextOf } from '../../context.js';
import { plural } from '../../format.js';
import { withExamples } from '../../help-text.js';
import { withNextSteps } from '../../next-step.js';
import { versionRefArg } from '../../option-parsers.js';
import { toStageOption } from './governance-args.js';
import { approvalsText, printReport } from './governance-format.js';
import { registerGatePolicyCommands } from './gate-policy-commands.js';

const EXIT_CODES = `
Exit codes:
  0  every automatic check passes (with --require-approvals: and no approval is needed)
  9  a check fails (gate_failed); with --require-approvals, also when approvals are still needed
  3  the version does not exist
  5  not logged in, or not allowed to read the version
  2  the command line is wrong, e.g. no --to

With --json the report is printed either way; when the gate fails it also
carries the problem's code, detail and exit.`;

/** `modelkeep gate …`: promotion gates, checked ahead of a request, and their policies. */
export function registerGateCommands(program: Command): void {
  const gate = withExamples(
    program.command('gate').description('check a version against its promotion gate, and show or set gate policies'),
    'modelkeep gate check fraud/scorer@3 --to validation',
    'modelkeep gate policy show fraud',
  );

  withExamples(
    gate
      .command('check')
      .description('evaluate the promotion gate without asking for anything: each check with why, then the approvals a request would still need')
      .argument('<version>', 'namespace/name@number', versionRefArg)
      .addOption(toStageOption('the stage the version would move to'))
      .option('--require-approvals', 'also fail when human approvals would still be needed (for pipelines that want a fully automatic pass)')
      .addHelpText('after', EXIT_CODES)
      .action(async (ref: VersionRef, flags: { to: PromotionTarget; requireApprovals?: boolean }, command: Command) => {
        const ctx = contextOf(command);
        const client = await ctx.client();
        const label = formatVersionRef(ref);
        const report = await withNextSteps({ not_found: `\`modelkeep version list ${ref.namespace}/${ref.model}\` shows its versions.` }, () => client.governance.gateCheck(ref, flags.to));
        const refusal = refusalOf(label, report, flags.requireApprovals === true);
        if (refusal === undefined) {
          ctx.out.result(report, (r) => printReport(ctx.out, label, r));
          return;
        }
        // With --json the problem printed for the error carries the whole report, so stdout stays one JSON document.
        if (!ctx.json) printReport(ctx.out, label, report);
        throw refusal;
      }),
    'modelkeep gate check fraud/scorer@3 --to validation',
    'modelkeep gate check fraud/scorer@3 --to production --require-approvals --json',
  );

  registerGatePolicyCommands(gate);
}

/** Why the check exits 9, or undefined when it passes. */
function refusalOf(label: string, report: GateReport, requireApprovals: boolean): CliError | undefined {
  const failed = report.checks.filter((c) => !c.passed);
  if (failed.length > 0) {
    return new CliError('gate_failed', `${label} does not pass the gate to ${report.to}: ${failed.length} of ${plural(report.checks.length, 'check')} failed (${[...new Set(failed.map((c) => c.name))].join(', ')})`, {
      hint: `Add what each failed check asks for (\`modelkeep attest ${label} …\`), or correct the record (\`modelkeep change request ${label} …\`); then check again.`,
      extensions: { ...report },
    });
  }
  if (requireApprovals && report.approvals.length > 0) {
    return new CliError('gate_failed', `${label} passes every automatic check to ${report.to} but still needs approvals: ${approvalsText(report.approvals)}`, {
      hint: `Request it (\`modelkeep promote ${label} --to ${report.to} --rationale TEXT\`) and have it approved, or check without --require-approvals.`,
      extensions: { ...report },
    });
  }
  return undefined;
}
