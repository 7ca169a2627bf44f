import type { Command } from 'commander';
import type { GovernanceRecord } from '../../../sdk/governance-types.js';
import { formatVersionRef } from '../../../sdk/refs.js';
import type { VersionRef } from '../../../sdk/types.js';
import { contextOf } from '../../context.js';
import { formatTime, plural } from '../../format.js';
import { withExamples } from '../../help-text.js';
import { withNextSteps } from '../../next-step.js';
import { reasonArg, versionRefArg } from '../../option-parsers.js';
import type { Output } from '../../output.js';
import { promotionHeaders, promotionRow, rollbackText } from './governance-format.js';

const stepsFor = (ref: VersionRef) => ({
  not_found: `\`modelkeep version list ${ref.namespace}/${ref.model}\` shows its versions.`,
  invalid_state: `\`modelkeep governance ${formatVersionRef(ref)}\` shows its status, where it runs and what is pending.`,
});

/** `quarantine`, `release`, `retire` and `governance`: a version's status after publication, and its whole record. */
export function registerLifecycleCommands(program: Command): void {
  withExamples(
    program
      .command('quarantine')
      .description('pull a version: no promotion or deployment, downloads for investigators only, and every environment running it rolls back to its last healthy version, in one step')
      .argument('<version>', 'namespace/name@number', versionRefArg)
      .requiredOption('--reason <text>', 'why, kept in the ledger (required)', reasonArg)
      .action(async (ref: VersionRef, flags: { reason: string }, command: Command) => {
        const ctx = contextOf(command);
        const client = await ctx.client();
        const done = await withNextSteps(stepsFor(ref), () => client.governance.quarantine(ref, flags.reason));
        ctx.out.result(done, (q) => {
          ctx.out.line(`Quarantined ${q.version}.`);
          if (q.rollbacks.length === 0) ctx.out.line('It ran nowhere: nothing was rolled back.');
          else {
            ctx.out.line(`Rolled back ${plural(q.rollbacks.length, 'environment')}:`);
            for (const r of q.rollbacks) ctx.out.line(`  ${rollbackText(r)}`);
          }
          if (q.cancelledPromotions.length > 0) ctx.out.line(`Cancelled pending promotion${q.cancelledPromotions.length === 1 ? '' : 's'} ${q.cancelledPromotions.join(', ')}.`);
          ctx.out.line(`Once the investigation clears it: modelkeep release ${q.version} --reason TEXT`);
        });
      }),
    'modelkeep quarantine fraud/scorer@3 --reason "training data leak (SEC-88)"',
  );

  withExamples(
    program
      .command('release')
      .description('lift a quarantine once the investigation clears the version (it is not redeployed anywhere)')
      .argument('<version>', 'namespace/name@number', versionRefArg)
      .requiredOption('--reason <text>', 'why, kept in the ledger (required)', reasonArg)
      .action(async (ref: VersionRef, flags: { reason: string }, command: Command) => {
        const ctx = contextOf(command);
        const client = await ctx.client();
        const done = await withNextSteps(stepsFor(ref), () => client.governance.release(ref, flags.reason));
        ctx.out.result(done, (r) => ctx.out.line(`Released ${r.version}: it is ${r.status} again; deploy it where it should run (\`modelkeep deploy ${r.version} --env ENV\`).`));
      }),
    'modelkeep release fraud/scorer@3 --reason "SEC-88: the leak was in another pipeline"',
  );

  withExamples(
    program
      .command('retire')
      .description('retire a version for good: it never serves again, its record stays (refused while an environment runs it)')
      .argument('<version>', 'namespace/name@number', versionRefArg)
      .requiredOption('--reason <text>', 'why, kept in the ledger (required)', reasonArg)
      .action(async (ref: VersionRef, flags: { reason: string }, command: Command) => {
        const ctx = contextOf(command);
        const client = await ctx.client();
        const done = await withNextSteps(stepsFor(ref), () => client.governance.retire(ref, flags.reason));
        ctx.out.result(done, (r) => ctx.out.line(`Retired ${r.version}.`));
      }),
    'modelkeep retire fraud/scorer@1 --reason "superseded by @3 everywhere"',
  );

  withExamples(
    program
      .command('governance')
      .description("show a version's whole governance record: stage and status, attestations, promotions, where it runs, deployments, notes, change requests and amendments")
      .argument('<version>', 'namespace/name@number', versionRefArg)
      .action(async (ref: VersionRef, _flags: object, command: Command) => {
        const ctx = contextOf(command);
        const client = await ctx.client();
        const record = await withNextSteps(stepsFor(ref), () => client.governance.governance(ref));
        ctx.out.result(record, (r) => printRecord(ctx.out, r));
      }),
    'modelkeep governance fraud/scorer@3',
    'modelkeep governance fraud/scorer@3 --json',
  );
}

function section(out: Output, title: string): void {
  out.line();
  out.line(`${title}:`);
}

function printRecord(out: Output, r: GovernanceRecord): void {
  out.line(`${r.version}: ${r.status}, stage ${r.stage}.`);
  out.line(r.servingIn.length === 0 ? 'Runs nowhere.' : `Runs in ${r.servingIn.map((s) => `${s.environment} (since ${formatTime(s.since)})`).join(', ')}.`);

  section(out, 'Attestations');
  out.table(
    ['TYPE', 'VERDICT', 'BY', 'RECORDED', 'CURRENT', 'SUMMARY'],
    r.attestations.map((a) => [a.type, a.verdict, a.createdBy, formatTime(a.createdAt), a.supersededBy === null ? 'yes' : 'superseded', a.summary]),
    '  none',
  );
  section(out, 'Promotions');
  out.table(promotionHeaders, r.promotions.map(promotionRow), '  none');
  section(out, 'Deployments');
  out.table(['ID', 'ENVIRONMENT', 'KIND', 'HEALTH', 'BY', 'AT'], r.deployments.map((d) => [d.id, d.environment, d.kind, d.health, d.by, formatTime(d.at)]), '  none');
  section(out, 'Notes');
  out.table(['KIND', 'BY', 'AT', 'REASON'], r.notes.map((n) => [n.kind, n.by, formatTime(n.at), n.reason]), '  none');
  section(out, 'Change requests');
  out.table(['ID', 'TEMPLATE', 'STATUS', 'REQUESTED BY', 'RATIONALE'], r.changes.map((c) => [c.id, c.template, c.status, c.requestedBy, c.rationale]), '  none');
  section(out, 'Amendments');
  if (r.amendments.length === 0) out.line('  none');
  for (const a of r.amendments) {
    out.line(`  ${formatTime(a.at)} by ${a.by} (change ${a.requestId}):`);
    for (const [field, { from, to }] of Object.entries(a.changes)) out.line(`    ${field}: ${JSON.stringify(from)} → ${JSON.stringify(to)}`);
  }
}
