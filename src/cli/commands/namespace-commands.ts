import { Argument, type Command } from 'commander';
import type { ExtensionKind, Namespace } from '../../sdk/types.js';
import { asOfOption, atPoint, notePast } from '../as-of.js';
import { contextOf } from '../context.js';
import { formatTime } from '../format.js';
import { withExamples } from '../help-text.js';
import { readJsonObject } from '../read-json-file.js';

export function registerNamespaceCommands(program: Command): void {
  const namespace = withExamples(
    program.command('namespace').alias('ns').description('create and list namespaces (teams), and set their metadata schemas'),
    'modelkeep namespace create fraud --description "Fraud detection team"',
  );

  withExamples(
    namespace
      .command('create')
      .description('create a namespace')
      .argument('<name>', 'lower-case name, e.g. fraud')
      .option('--description <text>', 'what the team works on')
      .action(async (name: string, options: { description?: string }, command: Command) => {
        const ctx = contextOf(command);
        const created = await (await ctx.client()).namespaces.create({ name, ...options });
        ctx.out.result(created, (n) => ctx.out.line(`Created namespace ${n.name} (${n.urn}).`));
      }),
    'modelkeep namespace create fraud --description "Fraud detection team"',
  );

  withExamples(
    namespace
      .command('list')
      .description('list every namespace')
      .addOption(asOfOption())
      .action(async (flags: { asOf?: string }, command: Command) => {
        const ctx = contextOf(command);
        const client = await ctx.client();
        const items: Namespace[] = [];
        for await (const item of client.namespaces.listAll({ asOf: flags.asOf })) items.push(item);
        ctx.out.result({ items }, ({ items: all }) => {
          notePast(ctx.out, flags.asOf);
          ctx.out.table(['NAME', 'CREATED', 'DESCRIPTION'], all.map((n) => [n.name, formatTime(n.createdAt), n.description]), 'No namespaces yet.');
        });
      }),
    'modelkeep namespace list --json',
    'modelkeep namespace list --as-of 2026-11-22T10:00:00Z',
  );

  withExamples(
    namespace
      .command('show')
      .description('show a namespace and its metadata schemas')
      .argument('<name>', 'the namespace')
      .addOption(asOfOption())
      .action(async (name: string, flags: { asOf?: string }, command: Command) => {
        const ctx = contextOf(command);
        const client = await ctx.client();
        const found = await atPoint(flags.asOf, () => client.namespaces.get(name, { asOf: flags.asOf }));
        ctx.out.result(found, (n) => {
          notePast(ctx.out, flags.asOf);
          ctx.out.line(`${n.name}  ${n.urn}`);
          if (n.description) ctx.out.line(n.description);
          ctx.out.line(`created ${formatTime(n.createdAt)} by ${n.createdBy}`);
          for (const kind of ['model', 'version'] as const) {
            ctx.out.line(`${kind} schema: ${n.schemas[kind] === undefined ? '(none)' : JSON.stringify(n.schemas[kind])}`);
          }
        });
      }),
    'modelkeep namespace show fraud',
    'modelkeep namespace show fraud --as-of 41',
  );

  const schema = withExamples(
    namespace.command('schema').description("set or remove the JSON Schema for a namespace's `extra` metadata"),
    'modelkeep namespace schema set fraud version ./version-schema.json',
  );
  const kind = () => new Argument('<kind>', 'which records it governs').choices(['model', 'version']);

  withExamples(
    schema
      .command('set')
      .description('require `extra` metadata of models or versions in the namespace to satisfy a JSON Schema')
      .argument('<namespace>', 'the namespace')
      .addArgument(kind())
      .argument('<file>', 'a JSON Schema file with "type": "object"')
      .action(async (ns: string, which: ExtensionKind, file: string, _options: object, command: Command) => {
        const ctx = contextOf(command);
        const body = await readJsonObject(file, 'schema file');
        const updated = await (await ctx.client()).namespaces.setSchema(ns, which, body);
        ctx.out.result(updated, (n) => ctx.out.line(`Set the ${which} schema of ${n.name}.`));
      }),
    'modelkeep namespace schema set fraud version ./version-schema.json',
  );

  withExamples(
    schema
      .command('delete')
      .description('remove a namespace schema')
      .argument('<namespace>', 'the namespace')
      .addArgument(kind())
      .action(async (ns: string, which: ExtensionKind, _options: object, command: Command) => {
        const ctx = contextOf(command);
        const updated = await (await ctx.client()).namespaces.deleteSchema(ns, which);
        ctx.out.result(updated, (n) => ctx.out.line(`Removed the ${which} schema of ${n.name}.`));
      }),
    'modelkeep namespace schema delete fraud model',
  );
}
