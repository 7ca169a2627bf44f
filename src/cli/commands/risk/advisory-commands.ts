import type { Command } from 'commander';
import { MAX_ADVISORIES_PER_BATCH } from '../../../sdk/advisories-api.js';
import { formatVersionRef } from '../../../sdk/refs.js';
import type { VersionFindings } from '../../../sdk/dependency-types.js';
import type { VersionRef } from '../../../sdk/types.js';
import { CliError } from '../../cli-error.js';
import { contextOf } from '../../context.js';
import { formatTime, plural } from '../../format.js';
import { withExamples } from '../../help-text.js';
import { withNextSteps } from '../../next-step.js';
import { reasonArg, versionRefArg } from '../../option-parsers.js';
import type { Output } from '../../output.js';
import { countProgress } from '../../progress.js';
import { type ImportReport, importAdvisories } from './import-advisories.js';
import { batchArg, purlArg } from './risk-args.js';

const IMPORT_EXIT_CODES = `
Exit codes:
  0  every record was read and imported
  6  some records could not be read or are not valid OSV (they are listed; the others were imported),
     or the server refused a batch
  3  PATH does not exist
  5  not logged in, or not allowed to manage vulnerabilities`;


/** `advisories import|show`, `library deprecate|deprecations` and `findings`: what is known to be wrong with the libraries versions use. */
export function registerAdvisoryCommands(program: Command): void {
  const advisories = withExamples(
    program.command('advisories').description('import vulnerability advisories (OSV) and look them up'),
    'modelkeep advisories import ./PyPI-all.zip',
  );

  withExamples(
    advisories
      .command('import')
      .description('import OSV advisories from a JSON file (one record or an array), a folder of them, or a zip dump such as osv.dev’s <ecosystem>/all.zip; every model version using an affected library is flagged')
      .argument('<path>', 'a .json file, a folder, or a .zip')
      .option('--batch <n>', `records per request, 1 to ${MAX_ADVISORIES_PER_BATCH} (default ${MAX_ADVISORIES_PER_BATCH})`, batchArg(MAX_ADVISORIES_PER_BATCH))
      .addHelpText('after', IMPORT_EXIT_CODES)
      .action(async (path: string, flags: { batch?: number }, command: Command) => {
        const ctx = contextOf(command);
        const client = await ctx.client();
        const drawn = !ctx.json && process.stderr.isTTY === true;
        const report = await importAdvisories(client, path, {
          batchSize: flags.batch ?? MAX_ADVISORIES_PER_BATCH,
          progress: drawn ? (total) => countProgress('Importing', total, 'advisories', { json: ctx.json }) : null,
          note: (text) => ctx.out.note(text),
        });
        if (report.bad.length === 0) {
          ctx.out.result(report, (r) => printImport(ctx.out, r));
          return;
        }
        // With --json the problem carries the whole report, so stdout stays one JSON document.
        if (!ctx.json) printImport(ctx.out, report);
        throw new CliError('invalid_request', `${plural(report.bad.length, 'record')} in ${path} could not be imported (listed above); the other ${report.sent} were`, {
          hint: 'Fix or remove the listed files and import again: advisories already imported are skipped.',
          extensions: { ...report },
        });
      }),
    'modelkeep advisories import ./GHSA-j8r2-6x86-q33q.json',
    'modelkeep advisories import ./advisories/ --batch 200',
    'modelkeep advisories import ./PyPI-all.zip --json',
  );

  withExamples(
    advisories
      .command('show')
      .description('show an imported advisory as the registry keeps it, and the libraries it affects')
      .argument('<id>', 'the advisory id, e.g. GHSA-j8r2-6x86-q33q')
      .action(async (id: string, _flags: object, command: Command) => {
        const ctx = contextOf(command);
        const client = await ctx.client();
        const detail = await withNextSteps({ not_found: 'Import it first with `modelkeep advisories import PATH`.' }, () => client.advisories.get(id));
        ctx.out.result(detail, (d) => {
          const a = d.advisory;
          ctx.out.line(`${a.id}${a.aliases.length === 0 ? '' : ` (${a.aliases.join(', ')})`}: ${a.severity}${a.score === undefined ? '' : ` ${a.score}`}${a.withdrawn === undefined ? '' : `, withdrawn ${formatTime(a.withdrawn)}`}`);
          if (a.summary !== undefined) ctx.out.line(a.summary);
          ctx.out.line(`Modified ${formatTime(a.modified)}; imported ${formatTime(d.importedAt)} (ledger entry ${d.seq}).`);
          ctx.out.line();
          ctx.out.table(['LIBRARY', 'WHY'], d.affectedLibraries.map((l) => [l.library, l.reason]), 'No library the registry knows is affected.');
        });
      }),
    'modelkeep advisories show GHSA-j8r2-6x86-q33q',
  );

  const library = withExamples(
    program.command('library').description('mark libraries deprecated, and list the ones that are'),
    'modelkeep library deprecate pkg:pypi/nose --reason "unmaintained since 2015" --replacement pkg:pypi/pytest',
  );

  withExamples(
    library
      .command('deprecate')
      .description('mark a package (pkg:pypi/nose) or one version of it (pkg:pypi/nose@1.3.7) deprecated: models using it are flagged and rescored')
      .argument('<purl>', 'a package URL, with or without a version', purlArg)
      .requiredOption('--reason <text>', 'why, kept in the ledger (required)', reasonArg)
      .option('--replacement <purl>', 'what to use instead', purlArg)
      .action(async (purl: string, flags: { reason: string; replacement?: string }, command: Command) => {
        const ctx = contextOf(command);
        const client = await ctx.client();
        const result = await client.advisories.deprecate(purl, flags.reason, flags.replacement);
        ctx.out.result(result, (r) =>
          ctx.out.line(`Deprecated ${r.target}${r.replacement === null ? '' : ` (use ${r.replacement} instead)`}: ${plural(r.libraries, 'known library version')} covered; the models using them are rescored.`),
        );
      }),
    'modelkeep library deprecate pkg:pypi/nose --reason "unmaintained since 2015" --replacement pkg:pypi/pytest',
    'modelkeep library deprecate pkg:npm/left-pad@1.1.0 --reason "yanked upstream"',
  );

  withExamples(
    library
      .command('deprecations')
      .description('list the libraries marked deprecated')
      .action(async (_flags: object, command: Command) => {
        const ctx = contextOf(command);
        const client = await ctx.client();
        const items = await client.advisories.deprecations();
        ctx.out.result({ items }, (r) =>
          ctx.out.table(['LIBRARY', 'REPLACEMENT', 'SINCE', 'BY', 'REASON'], r.items.map((d) => [d.purl, d.replacement ?? '-', formatTime(d.deprecatedAt), d.deprecatedBy, d.reason]), 'No library is marked deprecated.'),
        );
      }),
    'modelkeep library deprecations --json',
  );

  withExamples(
    program
      .command('findings')
      .description("show a version's dependency findings: vulnerabilities of its libraries (most severe first), deprecated libraries, and its license against the policy and its training data")
      .argument('<version>', 'namespace/name@number', versionRefArg)
      .action(async (ref: VersionRef, _flags: object, command: Command) => {
        const ctx = contextOf(command);
        const client = await ctx.client();
        const findings = await withNextSteps({ not_found: `\`modelkeep version list ${ref.namespace}/${ref.model}\` shows its versions.` }, () => client.advisories.findings(ref));
        ctx.out.result(findings, (f) => printFindings(ctx.out, formatVersionRef(ref), f));
      }),
    'modelkeep findings fraud/scorer@3',
    'modelkeep findings fraud/scorer@3 --json',
  );
}

function printImport(out: Output, r: ImportReport): void {
  out.line(`Read ${plural(r.sent + r.bad.length, 'record')} from ${r.path}, sent ${r.sent} in ${plural(r.batches, 'batch', 'batches')}.`);
  out.line(`  imported   ${r.imported}`);
  out.line(`  updated    ${r.updated}`);
  out.line(`  unchanged  ${r.unchanged}`);
  out.line(`  findings   ${r.findings} (advisory × library version)`);
  out.line(`  bad        ${r.bad.length}`);
  if (r.bad.length === 0) return;
  out.line();
  out.table(['SOURCE', 'ERROR'], r.bad.map((b) => [b.source, b.error]));
}

function printFindings(out: Output, label: string, f: VersionFindings): void {
  out.line(`${label} depends on ${plural(f.libraries, 'library', 'libraries')}.`);
  out.line();
  out.line(f.vulnerabilities.length === 0 ? 'Vulnerabilities: none known.' : `Vulnerabilities (${f.vulnerabilities.length}):`);
  if (f.vulnerabilities.length > 0) {
    out.table(['SEVERITY', 'ADVISORY', 'ALIASES', 'LIBRARY', 'SUMMARY'], f.vulnerabilities.map((v) => [v.severity, v.advisory, v.aliases.join(', ') || '-', v.library.replace(/^mk:library:/, ''), v.summary ?? v.reason]));
  }
  out.line();
  out.line(f.deprecated.length === 0 ? 'Deprecated libraries: none.' : `Deprecated libraries (${f.deprecated.length}):`);
  if (f.deprecated.length > 0) out.table(['LIBRARY', 'REPLACEMENT', 'REASON'], f.deprecated.map((d) => [d.library.replace(/^mk:library:/, ''), d.replacement ?? '-', d.reason]));
  out.line();
  const { expression, verdict, conflicts } = f.license;
  out.line(`License: ${expression ?? '(none declared)'}: ${verdict.status}${verdict.reasons.length === 0 ? '' : ` (${verdict.reasons.join('; ')})`}.`);
  if (conflicts.length === 0) out.line('Training data: no license conflict.');
  else {
    const blocking = conflicts.filter((c) => c.severity === 'conflict').length;
    out.line(`Training data: ${plural(blocking, 'license conflict')}, ${plural(conflicts.length - blocking, 'warning')}:`);
    out.table(['DATASET', 'SEVERITY', 'REASON'], conflicts.map((c) => [c.dataset, c.severity, c.reason]));
  }
}
