import { Option, type Command } from 'commander';
import { formatModelRef } from '../../../sdk/refs.js';
import type { IncidentKind, IncidentSeverity } from '../../../sdk/dependency-types.js';
import type { ModelRef } from '../../../sdk/types.js';
import { contextOf } from '../../context.js';
import { formatTime, plural } from '../../format.js';
import { withExamples } from '../../help-text.js';
import { withNextSteps } from '../../next-step.js';
import { modelRefArg, reasonArg, versionRefArg } from '../../option-parsers.js';

/** `fraud/scorer`, or `fraud/scorer@3` for one version. */
function modelOrVersionArg(text: string): { model: ModelRef; version?: number } {
  if (!text.includes('@')) return { model: modelRefArg(text) };
  const ref = versionRefArg(text);
  return { model: { namespace: ref.namespace, name: ref.model }, version: ref.number };
}

const modelNotFound = { not_found: '`modelkeep model list` shows the models, `modelkeep version list NS/NAME` their versions.' };

/** `health`, `incident open|resolve` and `incidents`: what is wrong with a model's record, and what went wrong with the model. */
export function registerIncidentCommands(program: Command): void {
  withExamples(
    program
      .command('health')
      .description("check a model's record: what is missing or broken (no owner, no license, a dataset link to nothing, a stale evaluation…), each with how to fix it")
      .argument('<model>', 'namespace/name', modelRefArg)
      .addHelpText('after', '\nExits 0 whether the record is healthy or not (no exit code means "unhealthy record"); scripts read `healthy`, `errors` and `warnings` from --json.')
      .action(async (ref: ModelRef, _flags: object, command: Command) => {
        const ctx = contextOf(command);
        const client = await ctx.client();
        const health = await withNextSteps(modelNotFound, () => client.risk.health(ref));
        ctx.out.result(health, (h) => {
          if (h.healthy) {
            ctx.out.line(`${h.model}: healthy, nothing is missing or broken.`);
            return;
          }
          ctx.out.line(`${h.model}: ${plural(h.errors, 'error')}, ${plural(h.warnings, 'warning')}.`);
          ctx.out.line();
          ctx.out.table(['SEVERITY', 'ISSUE', 'WHAT IS WRONG', 'HOW TO FIX IT'], h.issues.map((i) => [i.severity, i.code, i.message, i.fix]));
        });
      }),
    'modelkeep health fraud/scorer',
    'modelkeep health fraud/scorer --json',
  );

  const incident = withExamples(
    program.command('incident').description('open an incident or a drift alert on a model, or resolve one; open ones raise its risk score'),
    'modelkeep incident open fraud/scorer --kind drift --severity high --summary "PSI 0.31 on amount since May 2"',
  );

  withExamples(
    incident
      .command('open')
      .description('open an incident or a drift alert on a model, or on one of its versions')
      .argument('<target>', 'namespace/name, or namespace/name@number for one version (a --version option would clash with the global --version)', modelOrVersionArg)
      .addOption(new Option('--kind <kind>', 'incident or drift (required)').choices(['incident', 'drift']).makeOptionMandatory())
      .addOption(new Option('--severity <severity>', 'how bad (required)').choices(['low', 'medium', 'high', 'critical']).makeOptionMandatory())
      .requiredOption('--summary <text>', 'what happened (required)')
      .action(async (target: { model: ModelRef; version?: number }, flags: { kind: IncidentKind; severity: IncidentSeverity; summary: string }, command: Command) => {
        const ctx = contextOf(command);
        const client = await ctx.client();
        const opened = await withNextSteps(modelNotFound, () =>
          client.risk.openIncident(target.model, { kind: flags.kind, severity: flags.severity, summary: flags.summary, ...(target.version === undefined ? {} : { version: target.version }) }),
        );
        const label = `${formatModelRef(target.model)}${target.version === undefined ? '' : `@${target.version}`}`;
        ctx.out.result(opened, (o) => ctx.out.line(`Opened ${o.kind} ${o.id} (${o.severity}) on ${label}; resolve it with \`modelkeep incident resolve ${o.id} --resolution TEXT\`.`));
      }),
    'modelkeep incident open fraud/scorer@3 --kind incident --severity critical --summary "approves every transaction above 10k"',
    'modelkeep incident open fraud/scorer --kind drift --severity medium --summary "PSI 0.18 on merchant category"',
  );

  withExamples(
    incident
      .command('resolve')
      .description('resolve an incident, saying how')
      .argument('<id>', 'the incident id, as `modelkeep incidents NS/NAME` lists it')
      .requiredOption('--resolution <text>', 'how it was resolved, kept in the ledger (required)', reasonArg)
      .action(async (id: string, flags: { resolution: string }, command: Command) => {
        const ctx = contextOf(command);
        const client = await ctx.client();
        const resolved = await withNextSteps({ not_found: '`modelkeep incidents NS/NAME` lists a model’s incidents.', invalid_state: 'It is resolved already: `modelkeep incidents NS/NAME` shows how.' }, () =>
          client.risk.resolveIncident(id, flags.resolution),
        );
        ctx.out.result(resolved, (r) => ctx.out.line(`Resolved incident ${r.id}.`));
      }),
    'modelkeep incident resolve inc_0b7f… --resolution "rolled back to @2; threshold fixed in @4"',
  );

  withExamples(
    program
      .command('incidents')
      .description("list a model's incidents and drift alerts, newest first")
      .argument('<model>', 'namespace/name', modelRefArg)
      .addOption(new Option('--status <status>', 'only open or only resolved ones').choices(['open', 'resolved']))
      .action(async (ref: ModelRef, flags: { status?: 'open' | 'resolved' }, command: Command) => {
        const ctx = contextOf(command);
        const client = await ctx.client();
        const items = await withNextSteps(modelNotFound, () => client.risk.incidents(ref, flags.status === undefined ? {} : { status: flags.status }));
        ctx.out.result({ items }, (r) =>
          ctx.out.table(
            ['ID', 'KIND', 'SEVERITY', 'STATUS', 'VERSION', 'OPENED', 'SUMMARY'],
            r.items.map((i) => [i.id, i.kind, i.severity, i.status === 'resolved' ? `resolved ${formatTime(i.resolvedAt!)}` : 'open', i.version === null ? '-' : String(i.version), `${formatTime(i.openedAt)} by ${i.openedBy}`, i.summary]),
            `${formatModelRef(ref)} has no ${flags.status === undefined ? '' : `${flags.status} `}incidents.`,
          ),
        );
      }),
    'modelkeep incidents fraud/scorer --status open',
  );
}
