import { randomUUID } from 'node:crypto';
import { type Command, Option } from 'commander';
import { versionStatuses } from '../../catalog/schemas.js';
import { formatVersionRef } from '../../sdk/refs.js';
import type { ModelRef, ModelVersion, VersionRef, VersionStatus } from '../../sdk/types.js';
import { asOfOption, atPoint, notePast } from '../as-of.js';
import { contextOf } from '../context.js';
import { formatBytes, formatTime, plural } from '../format.js';
import { withExamples } from '../help-text.js';
import { collect, collectMetric, modelRefArg, versionRefArg } from '../option-parsers.js';
import type { Output } from '../output.js';
import { readJsonObject } from '../read-json-file.js';

interface PushFlags {
  readonly metadata?: string;
  readonly license?: string;
  readonly tag?: string[];
  readonly metric?: Record<string, number>;
  readonly publish?: boolean;
  readonly reason?: string;
}

export function registerVersionCommands(program: Command): void {
  const version = withExamples(program.command('version').description('push, list, show and publish model versions'), 'modelkeep version push fraud/scorer ./model');

  withExamples(
    version
      .command('push')
      .description('upload a folder as a new version: hashes every file, sends only blobs the registry lacks, registers the version')
      .argument('<model>', 'namespace/name of an existing model', modelRefArg)
      .argument('<dir>', 'the folder holding the model files')
      .option('--metadata <file>', 'version metadata as JSON (format, framework, trainingRun, datasets, environment, metrics, …)')
      .option('--license <spdx>', 'SPDX license expression, e.g. Apache-2.0')
      .option('--tag <tag>', 'a label (repeatable)', collect)
      .option('--metric <name=value>', 'a numeric metric (repeatable)', collectMetric)
      .option('--publish', 'publish the version right away (it can never change afterwards)')
      .option('--reason <text>', 'why it is published, for the ledger (with --publish)')
      .action(async (model: ModelRef, dir: string, flags: PushFlags, command: Command) => {
        const ctx = contextOf(command);
        const client = await ctx.client();
        const metadataFile = flags.metadata === undefined ? undefined : await readJsonObject(flags.metadata, 'metadata file');
        const { pushVersion } = await import('../artifacts/push-version.js');
        const result = await pushVersion(
          client,
          { model, dir, metadataFile, flags: { license: flags.license, tag: flags.tag ?? [], metric: flags.metric ?? {} }, publish: flags.publish === true, publishReason: flags.reason },
          { progress: ctx.progress, onSkipped: (entry) => ctx.out.note(`skipped ${entry.path}: ${entry.reason}`) },
        );
        ctx.out.result(result, (r) => {
          ctx.out.line(`${plural(r.files, 'file')}, ${formatBytes(r.bytes)}: uploaded ${plural(r.uploaded.count, 'blob')} (${formatBytes(r.uploaded.bytes)}), ${r.alreadyStored.count} already stored.`);
          if (r.skipped.length > 0) ctx.out.line(`Skipped ${plural(r.skipped.length, 'entry', 'entries')} (listed above).`);
          ctx.out.line(`${r.published ? 'Published' : 'Registered draft'} ${refOf(r.version)} (${r.version.urn}), artifact ${r.version.artifactDigest}.`);
        });
      }),
    'modelkeep version push fraud/scorer ./model --license Apache-2.0 --metric auc=0.91 --tag candidate',
    'modelkeep version push fraud/scorer ./model --metadata metadata.json --publish --json',
  );

  withExamples(
    version
      .command('show')
      .description('show one version with its files')
      .argument('<version>', 'namespace/name@number', versionRefArg)
      .addOption(asOfOption())
      .action(async (ref: VersionRef, flags: { asOf?: string }, command: Command) => {
        const ctx = contextOf(command);
        const client = await ctx.client();
        const found = await atPoint(flags.asOf, () => client.versions.get(ref, { asOf: flags.asOf }));
        ctx.out.result(found, (v) => {
          notePast(ctx.out, flags.asOf);
          printVersion(ctx.out, v);
        });
      }),
    'modelkeep version show fraud/scorer@3',
    'modelkeep version show fraud/scorer@3 --as-of 2026-11-22T10:00:00Z',
  );

  withExamples(
    version
      .command('list')
      .description("list a model's versions, oldest first")
      .argument('<model>', 'namespace/name', modelRefArg)
      .addOption(new Option('--status <status>', 'only versions in this status').choices(versionStatuses))
      .addOption(asOfOption())
      .action(async (model: ModelRef, flags: { status?: VersionStatus; asOf?: string }, command: Command) => {
        const ctx = contextOf(command);
        const client = await ctx.client();
        const query = flags.status === undefined ? {} : { status: flags.status };
        const items = await atPoint(flags.asOf, async () => {
          const all: ModelVersion[] = [];
          for await (const item of client.versions.listAll(model, query, { asOf: flags.asOf })) all.push(item);
          return all;
        });
        ctx.out.result({ items }, (r) => {
          notePast(ctx.out, flags.asOf);
          ctx.out.table(
            ['VERSION', 'STATUS', 'STAGE', 'FILES', 'SIZE', 'CREATED', 'BY'],
            r.items.map((v) => [refOf(v), v.status, v.stage, String(v.manifest.length), formatBytes(totalSize(v)), formatTime(v.createdAt), v.createdBy]),
            'No versions yet.',
          );
        });
      }),
    'modelkeep version list fraud/scorer --status published',
    'modelkeep version list fraud/scorer --as-of 41 --json',
  );

  withExamples(
    version
      .command('publish')
      .description('publish a draft version: from then on it never changes')
      .argument('<version>', 'namespace/name@number', versionRefArg)
      .option('--reason <text>', 'why, for the ledger')
      .action(async (ref: VersionRef, flags: { reason?: string }, command: Command) => {
        const ctx = contextOf(command);
        const published = await (await ctx.client()).versions.publish(ref, { idempotencyKey: randomUUID(), ...(flags.reason === undefined ? {} : { reason: flags.reason }) });
        ctx.out.result(published, (v) => ctx.out.line(`Published ${refOf(v)} (${v.urn}).`));
      }),
    'modelkeep version publish fraud/scorer@3 --reason "passed offline evaluation"',
  );
}

const refOf = (v: ModelVersion): string => formatVersionRef({ namespace: v.namespace, model: v.model, number: v.number });
const totalSize = (v: ModelVersion): number => v.manifest.reduce((total, entry) => total + entry.size, 0);

function printVersion(out: Output, v: ModelVersion): void {
  out.line(`${refOf(v)}  ${v.urn}`);
  out.line(`status ${v.status}, stage ${v.stage}, artifact ${v.artifactDigest}`);
  out.line(`created ${formatTime(v.createdAt)} by ${v.createdBy}${v.publishedAt ? `; published ${formatTime(v.publishedAt)} by ${v.publishedBy}` : ''}`);
  const { license, tags, metrics, format, framework } = v.metadata;
  if (license) out.line(`license ${license}`);
  if (format || framework) out.line(`format ${format ?? '-'}, framework ${framework ? `${framework.name} ${framework.version ?? ''}`.trim() : '-'}`);
  if (tags?.length) out.line(`tags: ${tags.join(', ')}`);
  if (metrics && Object.keys(metrics).length > 0) out.line(`metrics: ${Object.entries(metrics).map(([k, val]) => `${k}=${val}`).join(', ')}`);
  out.line();
  out.table(['PATH', 'SIZE', 'SHA256'], v.manifest.map((e) => [e.path, formatBytes(e.size), e.sha256]));
}
