import { type Command, Option } from 'commander';
import { reportedStatuses } from '../../../governance/entry-payloads.js';
import type { CreateEnvironment, Deployment, ReportedStatus } from '../../../sdk/governance-types.js';
import { formatModelRef, formatVersionRef } from '../../../sdk/refs.js';
import type { ModelRef, VersionRef } from '../../../sdk/types.js';
import { contextOf } from '../../context.js';
import { formatTime, shortDigest } from '../../format.js';
import { withExamples } from '../../help-text.js';
import { withNextSteps } from '../../next-step.js';
import { modelRefArg, positiveInteger, reasonArg, versionRefArg } from '../../option-parsers.js';
import { rollbackText } from './governance-format.js';

/** The stages an environment can require; retired versions never serve. */
const requirableStages: readonly CreateEnvironment['requiredStage'][] = ['concept', 'exploration', 'validation', 'production'];
const ENV_LIST = 'modelkeep env list';
const noEnvironment = { not_found: `\`${ENV_LIST}\` shows the environments; an admin creates one with \`modelkeep env create NAME --requires STAGE\`.` };

/** Deploying and reporting name an environment and a version: either may be the one missing. */
const notFound = (ref: VersionRef): string => `\`${ENV_LIST}\` shows the environments, \`modelkeep version list ${ref.namespace}/${ref.model}\` the versions.`;

const deploymentRow = (d: Deployment): string[] => [d.id, d.version, d.kind, d.previous ?? '-', d.health, d.by, formatTime(d.at), d.reason ?? '-'];

/** `env …`, `deploy`, `deployments`, `rollback` and `deployment report`: which version each environment runs. */
export function registerDeploymentCommands(program: Command): void {
  const env = withExamples(program.command('env').description('create, list and show deployment environments'), 'modelkeep env create production --requires production');

  withExamples(
    env
      .command('create')
      .description('create an environment, and the stage a version must reach to be deployed there (needs a global admin)')
      .argument('<name>', 'lower-case name, e.g. staging')
      .addOption(new Option('--requires <stage>', 'the stage versions must have reached (required)').choices(requirableStages).makeOptionMandatory())
      .option('--description <text>', 'what runs there')
      .action(async (name: string, flags: { requires: CreateEnvironment['requiredStage']; description?: string }, command: Command) => {
        const ctx = contextOf(command);
        const client = await ctx.client();
        const created = await client.governance.createEnvironment({ name, requiredStage: flags.requires, ...(flags.description === undefined ? {} : { description: flags.description }) });
        ctx.out.result(created, (e) => ctx.out.line(`Created environment ${e.name}: it takes versions that reached ${e.requiredStage}.`));
      }),
    'modelkeep env create staging --requires validation --description "shadow traffic"',
    'modelkeep env create production --requires production',
  );

  withExamples(
    env
      .command('list')
      .description('list the environments and the stage each requires')
      .action(async (_flags: object, command: Command) => {
        const ctx = contextOf(command);
        const items = await (await ctx.client()).governance.environments();
        ctx.out.result({ items }, (r) =>
          ctx.out.table(['NAME', 'REQUIRES', 'CREATED', 'DESCRIPTION'], r.items.map((e) => [e.name, e.requiredStage, formatTime(e.createdAt), e.description || '-']), 'No environments yet; `modelkeep env create` makes one.'),
        );
      }),
    ENV_LIST,
  );

  withExamples(
    env
      .command('show')
      .description('show an environment and the version of each model it runs')
      .argument('<name>', 'the environment')
      .action(async (name: string, _flags: object, command: Command) => {
        const ctx = contextOf(command);
        const client = await ctx.client();
        const found = await withNextSteps(noEnvironment, () => client.governance.environment(name));
        ctx.out.result(found, (e) => {
          ctx.out.line(`${e.name}: takes versions that reached ${e.requiredStage}${e.description ? `; ${e.description}` : ''}.`);
          ctx.out.line();
          ctx.out.table(['MODEL', 'VERSION', 'DEPLOYMENT', 'SINCE'], e.aliases.map((a) => [a.model, a.version, a.deploymentId, formatTime(a.since)]), 'Nothing deployed here yet.');
        });
      }),
    'modelkeep env show production',
  );

  withExamples(
    program
      .command('deploy')
      .description("point an environment's alias for the model at this version; prints the deployment id to tag the release with")
      .argument('<version>', 'namespace/name@number', versionRefArg)
      .requiredOption('--env <environment>', 'where to deploy it (required)')
      .option('--reason <text>', 'why, kept in the ledger', reasonArg)
      .action(async (ref: VersionRef, flags: { env: string; reason?: string }, command: Command) => {
        const ctx = contextOf(command);
        const client = await ctx.client();
        const label = formatVersionRef(ref);
        const steps = { not_found: notFound(ref), invalid_state: `\`modelkeep governance ${label}\` shows its stage and status; \`modelkeep env show ${flags.env}\` what runs there.` };
        const deployed = await withNextSteps(steps, () => client.governance.deploy(flags.env, ref, flags.reason));
        ctx.out.result(deployed, (d) => {
          ctx.out.line(`Deployed ${d.version} to ${d.environment}${d.previous === null ? '' : `, replacing ${d.previous}`}.`);
          ctx.out.line(`deployment id: ${d.id}`);
        });
      }),
    'modelkeep deploy fraud/scorer@3 --env production --reason "Q3 release"',
    'modelkeep deploy fraud/scorer@3 --env staging --json',
  );

  withExamples(
    program
      .command('deployments')
      .description("list an environment's deployments and rollbacks, newest first")
      .argument('<environment>', 'the environment')
      .option('--model <model>', 'only this model (namespace/name)', modelRefArg)
      .option('--limit <n>', 'at most this many (1-500, default 50)', positiveInteger)
      .action(async (environment: string, flags: { model?: ModelRef; limit?: number }, command: Command) => {
        const ctx = contextOf(command);
        const client = await ctx.client();
        const items = await withNextSteps(noEnvironment, () => client.governance.deployments(environment, flags));
        ctx.out.result({ items }, (r) =>
          ctx.out.table(['ID', 'VERSION', 'KIND', 'REPLACED', 'HEALTH', 'BY', 'AT', 'REASON'], r.items.map(deploymentRow), `Nothing was deployed to ${environment}${flags.model === undefined ? '' : ` of ${formatModelRef(flags.model)}`} yet.`),
        );
      }),
    'modelkeep deployments production',
    'modelkeep deployments production --model fraud/scorer --json',
  );

  withExamples(
    program
      .command('rollback')
      .description("roll an environment's alias for a model back: to --to, or to the last version that was healthy there")
      .argument('<environment>', 'the environment')
      .requiredOption('--model <model>', 'the model to roll back, namespace/name (required)', modelRefArg)
      .requiredOption('--reason <text>', 'why, kept in the ledger (required)', reasonArg)
      .option('--to <n>', 'the version number to go back to (default: the last healthy one)', positiveInteger)
      .action(async (environment: string, flags: { model: ModelRef; reason: string; to?: number }, command: Command) => {
        const ctx = contextOf(command);
        const client = await ctx.client();
        const steps = { ...noEnvironment, invalid_state: `\`modelkeep deployments ${environment} --model ${formatModelRef(flags.model)}\` shows what served there.` };
        const rolled = await withNextSteps(steps, () => client.governance.rollback(environment, flags.model, { reason: flags.reason, ...(flags.to === undefined ? {} : { to: flags.to }) }));
        ctx.out.result(rolled, (r) => {
          ctx.out.line(`Rolled back ${rollbackText(r)}.`);
        });
      }),
    'modelkeep rollback production --model fraud/scorer --reason "latency regression (INC-1234)"',
    'modelkeep rollback production --model fraud/scorer --to 2 --reason "back to the audited version"',
  );

  const deployment = withExamples(
    program.command('deployment').description('report what a deployment system actually runs'),
    'modelkeep deployment report production fraud/scorer@3 --status deployed --external-id argo-4711',
  );

  withExamples(
    deployment
      .command('report')
      .description('report from a deployment system what an environment actually runs, or that a rollout failed (a failed version is never rolled back to)')
      .argument('<environment>', 'the environment')
      .argument('<version>', 'namespace/name@number', versionRefArg)
      .addOption(new Option('--status <status>', 'what happened (required)').choices(reportedStatuses).makeOptionMandatory())
      .option('--digest <sha256>', 'the artifact digest actually running; a mismatch is flagged')
      .option('--external-id <id>', "the deployment system's own release id")
      .option('--deployment-id <id>', 'the deployment reported on (default: the latest of this version there)')
      .option('--detail <text>', 'anything the operators should know')
      .action(async (environment: string, ref: VersionRef, flags: { status: ReportedStatus; digest?: string; externalId?: string; deploymentId?: string; detail?: string }, command: Command) => {
        const ctx = contextOf(command);
        const client = await ctx.client();
        const request = {
          version: ref,
          status: flags.status,
          ...(flags.digest === undefined ? {} : { artifactDigest: flags.digest }),
          ...(flags.externalId === undefined ? {} : { externalId: flags.externalId }),
          ...(flags.deploymentId === undefined ? {} : { deploymentId: flags.deploymentId }),
          ...(flags.detail === undefined ? {} : { detail: flags.detail }),
        };
        const reported = await withNextSteps({ not_found: notFound(ref) }, () => client.governance.report(environment, request));
        ctx.out.result(reported, (r) => {
          ctx.out.line(`Recorded: ${formatVersionRef(ref)} ${flags.status} in ${environment} (ledger entry ${r.seq}${r.deploymentId === null ? '' : `, deployment ${r.deploymentId}`}).`);
          if (!r.matchesAlias) ctx.out.warn(`this does not match the registry: ${mismatch(formatVersionRef(ref), r.alias, flags.digest)}; \`modelkeep env show ${environment}\` shows what it should run.`);
        });
      }),
    'modelkeep deployment report production fraud/scorer@3 --status deployed --external-id argo-4711',
    'modelkeep deployment report production fraud/scorer@3 --status failed --detail "readiness probe timed out"',
  );
}

/** Why a report does not match the alias: another version runs, or the version's artifact is not the one reported. */
function mismatch(label: string, alias: string | null, digest: string | undefined): string {
  if (alias === null) return `no version of ${label.slice(0, label.indexOf('@'))} is deployed there`;
  if (alias !== label) return `the alias points at ${alias}`;
  return `${label}'s artifact is not ${shortDigest(digest ?? '?')}`;
}
