import { writeFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { formatModelRef } from '../../../sdk/refs.js';
import type { RiskSummaryQuery } from '../../../sdk/dependency-types.js';
import type { ModelRef } from '../../../sdk/types.js';
import { CliError, usageError } from '../../cli-error.js';
import { contextOf } from '../../context.js';
import { withExamples } from '../../help-text.js';
import { withNextSteps } from '../../next-step.js';
import { modelRefArg, positiveInteger } from '../../option-parsers.js';
import { registerPolicyDocumentCommands } from './policy-document-commands.js';
import { printModelRisk, printSummary, rescoreText } from './risk-format.js';

const tiers = ['low', 'medium', 'high', 'critical'] as const;
const modelNotFound = { not_found: '`modelkeep model list` shows the models.' };

interface SummaryFlags {
  namespace?: string;
  tier?: RiskSummaryQuery['tier'];
  minTier?: RiskSummaryQuery['minTier'];
  top?: number;
  csv?: string | true;
}

/** `risk` (the portfolio), `risk show|rescore`, `risk rubric …` and `license-policy …`. */
export function registerRiskCommands(program: Command): void {
  const risk = withExamples(
    program.command('risk').description("risk scores: the portfolio (the default), one model's score explained, rescoring, and the rubric"),
    'modelkeep risk --min-tier high',
    'modelkeep risk show fraud/scorer',
    'modelkeep risk rubric set ./rubric.yaml',
  );

  // The default subcommand, so `modelkeep risk --csv` works and its options do not leak into the other subcommands.
  withExamples(
    risk
      .command('summary', { isDefault: true })
      .description('the risk portfolio: models by tier and namespace, the riskiest with their top reasons, the dependencies high-risk models share; or one row per model as CSV')
      .option('--namespace <ns>', 'only this namespace')
      .addOption(new Option('--tier <tier>', 'only models of exactly this tier').choices([...tiers, 'unassessed']))
      .addOption(new Option('--min-tier <tier>', 'only models of this tier or above').choices(tiers))
      .option('--top <n>', 'how many riskiest models and shared dependencies (default 20)', positiveInteger)
      .option('--csv [file]', 'one row per model as CSV, to FILE or stdout')
      .action(async (flags: SummaryFlags, command: Command) => {
        const ctx = contextOf(command);
        const query: RiskSummaryQuery = {
          ...(flags.namespace === undefined ? {} : { namespace: flags.namespace }),
          ...(flags.tier === undefined ? {} : { tier: flags.tier }),
          ...(flags.minTier === undefined ? {} : { minTier: flags.minTier }),
          ...(flags.top === undefined ? {} : { top: flags.top }),
        };
        if (flags.csv === true && ctx.json) throw usageError('--csv without a file prints CSV on stdout, which --json wants for JSON; give --csv a file, or drop --json.');
        const client = await ctx.client();
        if (flags.csv === undefined) {
          const summary = await client.risk.summary(query);
          ctx.out.result(summary, (s) => printSummary(ctx.out, s));
          return;
        }
        const csv = await client.risk.summaryCsv(query);
        if (flags.csv === true) {
          process.stdout.write(csv);
          return;
        }
        await writeFile(flags.csv, csv).catch((error: Error) => {
          throw new CliError('invalid_request', `Cannot write ${flags.csv}: ${error.message}`, { cause: error, hint: 'Give a path in a folder you can write to.' });
        });
        const rows = csv.split('\r\n').filter((line) => line !== '').length - 1;
        ctx.out.result({ file: flags.csv, rows }, (r) => ctx.out.line(`Wrote ${r.rows} model rows to ${r.file}.`));
      }),
    'modelkeep risk',
    'modelkeep risk --namespace fraud --min-tier high --top 5',
    'modelkeep risk --csv portfolio.csv',
  );

  withExamples(
    risk
      .command('show')
      .description("show a model's risk: score, tier and what the tier makes the registry do, each signal's contribution with why, and its scores over time")
      .argument('<model>', 'namespace/name', modelRefArg)
      .option('--history <n>', 'how many past scores to show (default 50)', positiveInteger)
      .action(async (ref: ModelRef, flags: { history?: number }, command: Command) => {
        const ctx = contextOf(command);
        const client = await ctx.client();
        const answer = await withNextSteps(modelNotFound, () => client.risk.modelRisk(ref, flags.history === undefined ? {} : { history: flags.history }));
        ctx.out.result(answer, (r) => printModelRisk(ctx.out, r));
      }),
    'modelkeep risk show fraud/scorer',
    'modelkeep risk show fraud/scorer --history 5 --json',
  );

  withExamples(
    risk
      .command('rescore')
      .description('rescore models now: the ones named, or every model; a score is written only when it moved')
      .argument('[models...]', 'namespace/name, several allowed; none for every model', (text: string, previous: ModelRef[] = []) => [...previous, modelRefArg(text)])
      .action(async (named: ModelRef[] | undefined, _flags: object, command: Command) => {
        const models = named ?? [];
        const ctx = contextOf(command);
        const client = await ctx.client();
        const result = await client.risk.rescore(models);
        ctx.out.result(result, (r) => ctx.out.line(`${rescoreText(r)}${models.length === 0 ? '' : ` (${models.map(formatModelRef).join(', ')})`}`));
      }),
    'modelkeep risk rescore',
    'modelkeep risk rescore fraud/scorer credit/pd',
  );

  registerPolicyDocumentCommands(
    withExamples(risk.command('rubric').description('show (the default) or set the risk rubric: the signals scored, their weights, the tiers and what each tier does'), 'modelkeep risk rubric', 'modelkeep risk rubric set ./rubric.yaml --reason "weigh vulnerabilities more"'),
    {
      what: 'the risk rubric',
      command: 'modelkeep risk rubric',
      example: 'modelkeep risk rubric set ./rubric.yaml --reason "weigh vulnerabilities more"',
      get: (client) => client.risk.rubric(),
      set: (client, input, reason) => client.risk.setRubric(input, reason),
      history: (client) => client.risk.rubricHistory(),
    },
  );

  registerPolicyDocumentCommands(
    withExamples(program.command('license-policy').description('show (the default) or set the license policy: the SPDX licenses allowed and denied, and what an unknown one gets'), 'modelkeep license-policy', 'modelkeep license-policy set ./licenses.yaml'),
    {
      what: 'the license policy',
      command: 'modelkeep license-policy',
      example: 'modelkeep license-policy set ./licenses.yaml --reason "no copyleft in production models"',
      get: (client) => client.risk.licensePolicy(),
      set: (client, input, reason) => client.risk.setLicensePolicy(input, reason),
      history: (client) => client.risk.licensePolicyHistory(),
    },
  );
}
