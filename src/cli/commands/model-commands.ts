import { randomUUID } from 'node:crypto';
import { type Command, Option } from 'commander';
import { riskTiers, stages } from '../../catalog/schemas.js';
import type { IfMatch } from '../../sdk/if-match.js';
import type { CreateModel, Model, ModelRef, ModelSearch } from '../../sdk/types.js';
import { asOfOption, atPoint, describePoint, notePast } from '../as-of.js';
import { contextOf } from '../context.js';
import { formatTime } from '../format.js';
import { withExamples } from '../help-text.js';
import { collect, ifMatchArg, modelRefArg, positiveInteger } from '../option-parsers.js';
import type { Output } from '../output.js';

const levels = ['low', 'medium', 'high'] as const;
type Level = (typeof levels)[number];

interface CreateFlags {
  readonly description?: string;
  readonly owner?: string[];
  readonly tag?: string[];
  readonly domain?: string;
  readonly riskSensitivity?: Level;
  readonly riskRegulatory?: Level;
  readonly riskExposure?: Level;
}

interface ListFlags extends Omit<ModelSearch, 'limit' | 'cursor'> {
  readonly limit: number;
  readonly all?: boolean;
  readonly asOf?: string;
}

interface RestoreFlags {
  readonly asOf: string;
  readonly reason?: string;
  readonly ifMatch?: IfMatch;
}

export function registerModelCommands(program: Command): void {
  const model = withExamples(program.command('model').description('create, find and show models'), 'modelkeep model list --namespace fraud');

  withExamples(
    model
      .command('create')
      .description('create a model in a namespace')
      .argument('<model>', 'namespace/name', modelRefArg)
      .option('--description <text>', 'what the model does')
      .option('--owner <owner>', 'an owner: e-mail, user:…, group:… or service:… (repeatable)', collect)
      .option('--tag <tag>', 'a label (repeatable)', collect)
      .option('--domain <domain>', 'business domain, e.g. payments')
      .addOption(new Option('--risk-sensitivity <level>', 'sensitivity of the data it uses').choices(levels))
      .addOption(new Option('--risk-regulatory <level>', 'regulatory impact of its decisions').choices(levels))
      .addOption(new Option('--risk-exposure <level>', 'how directly customers meet it').choices(levels))
      .action(async (ref: ModelRef, flags: CreateFlags, command: Command) => {
        const ctx = contextOf(command);
        const created = await (await ctx.client()).models.create(createBody(ref, flags));
        ctx.out.result(created, (m) => ctx.out.line(`Created model ${m.namespace}/${m.name} (${m.urn}), stage ${m.stage}${m.riskTier ? `, risk tier ${m.riskTier}` : ''}.`));
      }),
    'modelkeep model create fraud/scorer --owner alice@example.com --tag tabular --risk-exposure high',
  );

  withExamples(
    model
      .command('list')
      .description('search models')
      .option('--q <text>', 'full text over name, description and tags')
      .option('--namespace <name>', 'only this namespace')
      .option('--tag <tag>', 'only models with this tag')
      .addOption(new Option('--stage <stage>', 'only models at this stage').choices(stages))
      .addOption(new Option('--risk-tier <tier>', 'only models of this risk tier').choices(riskTiers))
      .option('--owner <owner>', 'only models with this owner')
      .option('--limit <n>', 'at most this many (per page with --all)', positiveInteger, 50)
      .option('--all', 'every match, fetching page after page')
      .addOption(asOfOption())
      .action(async (flags: ListFlags, command: Command) => {
        const ctx = contextOf(command);
        const client = await ctx.client();
        const { all, asOf, ...query } = flags;
        const read = { asOf };
        let items: Model[] = [];
        let nextCursor: string | null = null;
        if (all === true) for await (const item of client.models.searchAll(query, read)) items.push(item);
        else ({ items, nextCursor } = await client.models.search(query, read));
        ctx.out.result({ items, nextCursor }, (page) => {
          notePast(ctx.out, asOf);
          ctx.out.table(
            ['MODEL', 'STAGE', 'RISK', 'TAGS', 'UPDATED'],
            page.items.map((m) => [`${m.namespace}/${m.name}`, m.stage, m.riskTier ?? '-', m.tags.join(',') || '-', formatTime(m.updatedAt)]),
            'No models match.',
          );
          if (page.nextCursor !== null) ctx.out.note(`More models match; raise --limit or pass --all.`);
        });
      }),
    'modelkeep model list --namespace fraud --risk-tier high',
    'modelkeep model list --q "credit score" --all --json',
    'modelkeep model list --namespace fraud --as-of 2026-11-22T10:00:00Z',
  );

  withExamples(
    model
      .command('show')
      .description('show a model and its latest versions')
      .argument('<model>', 'namespace/name', modelRefArg)
      .addOption(asOfOption())
      .action(async (ref: ModelRef, flags: { asOf?: string }, command: Command) => {
        const ctx = contextOf(command);
        const client = await ctx.client();
        const found = await atPoint(flags.asOf, () => client.models.get(ref, { asOf: flags.asOf }));
        ctx.out.result(found, (m) => {
          notePast(ctx.out, flags.asOf);
          printModel(ctx.out, m);
        });
      }),
    'modelkeep model show fraud/scorer',
    'modelkeep model show fraud/scorer --as-of 41 --json',
  );

  withExamples(
    model
      .command('restore')
      .description("put a model's metadata (description, owners, domain, tags, risk profile, extra) back as it stood at a past point; a new ledgered change, history is kept")
      .argument('<model>', 'namespace/name', modelRefArg)
      .addOption(asOfOption('the point whose metadata to put back').makeOptionMandatory())
      .option('--reason <text>', 'why, for the ledger')
      .option('--if-match <revision>', 'refuse if the model changed since you read it: its revision (`model show` prints it) or ETag', ifMatchArg)
      .action(async (ref: ModelRef, flags: RestoreFlags, command: Command) => {
        const ctx = contextOf(command);
        const client = await ctx.client();
        // Read first only to tell "restored" from "already so"; --if-match is what guards the write.
        const current = await client.models.get(ref);
        const restored = await atPoint(flags.asOf, () =>
          client.models.restore(ref, flags.asOf, {
            idempotencyKey: randomUUID(),
            ...(flags.reason === undefined ? {} : { reason: flags.reason }),
            ...(flags.ifMatch === undefined ? {} : { ifMatch: flags.ifMatch }),
          }),
        );
        ctx.out.result(restored, (m) => {
          const at = describePoint(flags.asOf);
          if (m.revision === current.revision) ctx.out.line(`${m.namespace}/${m.name} already has its metadata as of ${at}; nothing changed.`);
          else ctx.out.line(`Restored the metadata of ${m.namespace}/${m.name} to its state at ${at}; now at revision ${m.revision}. \`modelkeep diff --from ${flags.asOf}\` lists every change since.`);
        });
      }),
    'modelkeep model restore fraud/scorer --as-of 41 --reason "undo the bad tag edit"',
    'modelkeep model restore fraud/scorer --as-of 2026-11-22T10:00:00Z --if-match 7 --json',
  );
}

function createBody(ref: ModelRef, flags: CreateFlags): CreateModel {
  const riskProfile = {
    ...(flags.riskSensitivity === undefined ? {} : { sensitivity: flags.riskSensitivity }),
    ...(flags.riskRegulatory === undefined ? {} : { regulatoryImpact: flags.riskRegulatory }),
    ...(flags.riskExposure === undefined ? {} : { customerExposure: flags.riskExposure }),
  };
  return {
    namespace: ref.namespace,
    name: ref.name,
    ...(flags.description === undefined ? {} : { description: flags.description }),
    ...(flags.owner === undefined ? {} : { owners: flags.owner }),
    ...(flags.tag === undefined ? {} : { tags: flags.tag }),
    ...(flags.domain === undefined ? {} : { domain: flags.domain }),
    ...(Object.keys(riskProfile).length === 0 ? {} : { riskProfile }),
  };
}

function printModel(out: Output, m: Model): void {
  out.line(`${m.namespace}/${m.name}  ${m.urn}`);
  if (m.description) out.line(m.description);
  out.line(`stage ${m.stage}, risk tier ${m.riskTier ?? 'unscored'}${m.domain ? `, domain ${m.domain}` : ''}`);
  out.line(`owners: ${m.owners.join(', ') || '-'}`);
  out.line(`tags:   ${m.tags.join(', ') || '-'}`);
  out.line(`created ${formatTime(m.createdAt)} by ${m.createdBy}; revision ${m.revision}`);
  out.line();
  out.table(
    ['VERSION', 'STATUS', 'STAGE', 'CREATED', 'ARTIFACT'],
    (m.latestVersions ?? []).map((v) => [String(v.number), v.status, v.stage, formatTime(v.createdAt), v.artifactDigest]),
    'No versions yet.',
  );
}
