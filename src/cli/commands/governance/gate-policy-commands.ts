import { extname } from 'node:path';
import type { Command } from 'commander';
import type { GatePolicy, GatePolicyAnswer } from '../../../sdk/governance-types.js';
import { usageError } from '../../cli-error.js';
import { contextOf } from '../../context.js';
import { formatTime } from '../../format.js';
import { withExamples } from '../../help-text.js';
import { withNextSteps } from '../../next-step.js';
import { reasonArg } from '../../option-parsers.js';
import type { Output } from '../../output.js';
import { readText } from './governance-args.js';

const NAMESPACE_HELP = 'the namespace; omit for the global default';
const scopeName = (namespace: string | null): string => (namespace === null ? 'the global default' : `namespace ${namespace}`);
const notFound = { not_found: '`modelkeep namespace list` shows the namespaces.' };

/** `gate policy show|set|remove|history`: per namespace, or the global default with no namespace. */
export function registerGatePolicyCommands(gate: Command): void {
  const policy = withExamples(
    gate.command('policy').description("show, set or remove a namespace's promotion gate policy, or the global default"),
    'modelkeep gate policy set fraud ./gate.yaml --reason "production needs a red-team review"',
  );

  withExamples(
    policy
      .command('show')
      .description("show a namespace's own policy (or the global default's) and the policy in force there")
      .argument('[namespace]', NAMESPACE_HELP)
      .action(async (namespace: string | undefined, _flags: object, command: Command) => {
        const ctx = contextOf(command);
        const client = await ctx.client();
        const answer = await withNextSteps(notFound, () => client.governance.getGatePolicy(namespace ?? null));
        const text = ctx.json ? '' : await yamlOf(answer.own?.policy ?? answer.effective.policy);
        ctx.out.result(answer, (a) => printPolicy(ctx.out, namespace ?? null, a, text));
      }),
    'modelkeep gate policy show',
    'modelkeep gate policy show fraud --json',
  );

  withExamples(
    policy
      .command('set')
      .description("set a namespace's gate policy, or the global default, from a YAML or JSON file; it applies to promotions requested from then on")
      .usage('[options] [namespace] <file>')
      .argument('[namespace]', NAMESPACE_HELP)
      .argument('[file]', 'the policy as YAML or JSON (required); - reads stdin')
      .requiredOption('--reason <text>', 'why, kept in the ledger (required)', reasonArg)
      .action(async (first: string | undefined, second: string | undefined, flags: { reason: string }, command: Command) => {
        if (first === undefined) throw usageError('Give the policy file (YAML or JSON), after the namespace if it is for one.', 'e.g. modelkeep gate policy set fraud ./gate.yaml --reason TEXT');
        const [namespace, file] = second === undefined ? [null, first] : [first, second];
        const ctx = contextOf(command);
        const source = await readText(file, 'the policy file');
        const format = formatOf(file);
        const client = await ctx.client();
        const steps = {
          ...notFound,
          invalid_policy: `Fix ${file === '-' ? 'the policy' : file}, then run this again; \`modelkeep gate policy show\` prints the policy in force to start from.`,
        };
        const set = await withNextSteps(steps, () => client.governance.setGatePolicy(namespace, { source, ...(format === undefined ? {} : { format }) }, flags.reason));
        ctx.out.result(set, (s) => ctx.out.line(`Set the gate policy of ${scopeName(namespace)} (revision ${s.revision}, ledger entry ${s.seq}); it applies to promotions requested from now.`));
      }),
    'modelkeep gate policy set ./gate.yaml --reason "registry-wide baseline"',
    'modelkeep gate policy set fraud ./gate.yaml --reason "production needs a red-team review"',
    'cat gate.json | modelkeep gate policy set fraud - --reason "from the policy repo"',
  );

  withExamples(
    policy
      .command('remove')
      .description("remove a namespace's own policy (or the global default): the next one up applies again")
      .argument('[namespace]', NAMESPACE_HELP)
      .option('--reason <text>', 'why, kept in the ledger', reasonArg)
      .action(async (namespace: string | undefined, flags: { reason?: string }, command: Command) => {
        const ctx = contextOf(command);
        const client = await ctx.client();
        const steps = { not_found: `\`modelkeep gate policy show${namespace === undefined ? '' : ` ${namespace}`}\` shows whether it has a policy of its own.` };
        await withNextSteps(steps, () => client.governance.removeGatePolicy(namespace ?? null, flags.reason));
        const next = namespace === undefined ? 'the built-in default applies again' : 'the global default (or the built-in one) applies again';
        ctx.out.result({ scope: namespace ?? 'global', removed: true }, () => ctx.out.line(`Removed the gate policy of ${scopeName(namespace ?? null)}; ${next}.`));
      }),
    'modelkeep gate policy remove fraud --reason "back to the registry baseline"',
  );

  withExamples(
    policy
      .command('history')
      .description("every version of a namespace's policy (or the global default's), newest first, from the ledger")
      .argument('[namespace]', NAMESPACE_HELP)
      .action(async (namespace: string | undefined, _flags: object, command: Command) => {
        const ctx = contextOf(command);
        const client = await ctx.client();
        const items = await withNextSteps(notFound, () => client.governance.gatePolicyHistory(namespace ?? null));
        ctx.out.result({ items }, (r) =>
          ctx.out.table(['SEQ', 'TIME', 'ACTOR', 'ACTION', 'REASON'], r.items.map((e) => [String(e.seq), formatTime(e.at), e.actor, e.action, e.reason ?? '-']), `${scopeName(namespace ?? null)} never had a policy of its own.`),
        );
      }),
    'modelkeep gate policy history fraud',
  );
}

/** The format by extension; otherwise the server tells JSON from YAML itself. */
function formatOf(file: string): 'yaml' | 'json' | undefined {
  const extension = extname(file).toLowerCase();
  if (extension === '.json') return 'json';
  if (extension === '.yaml' || extension === '.yml') return 'yaml';
  return undefined;
}

/** Policies read best as YAML, whatever they were written in; the parser is loaded only for human output. */
async function yamlOf(policy: GatePolicy): Promise<string> {
  const { stringify } = await import('yaml');
  return stringify(policy).trimEnd();
}

function printPolicy(out: Output, namespace: string | null, answer: GatePolicyAnswer, policyYaml: string): void {
  const indented = policyYaml.split('\n').map((line) => `  ${line}`).join('\n');
  if (answer.own !== null) {
    const { revision, updatedAt, updatedBy, seq } = answer.own;
    out.line(`The gate policy of ${scopeName(namespace)}: revision ${revision}, set ${formatTime(updatedAt)} by ${updatedBy} (ledger entry ${seq}).`);
    out.line(indented);
    if (namespace !== null) out.line('It replaces the global default for this namespace.');
    return;
  }
  const from = answer.effective.from === 'builtin' ? 'the built-in default' : `the global default (ledger entry ${answer.effective.seq ?? '?'})`;
  out.line(`${namespace === null ? 'The registry' : `Namespace ${namespace}`} has no gate policy of its own; ${from} applies:`);
  out.line(indented);
}
