import { Option, type Command } from 'commander';
import type { EdgeType, NodeKind } from '../../../sdk/dependency-types.js';
import { contextOf } from '../../context.js';
import { plural } from '../../format.js';
import { withExamples } from '../../help-text.js';
import { withNextSteps } from '../../next-step.js';
import { positiveInteger } from '../../option-parsers.js';
import { affectedRow, lineageTree, pathText, totalsText } from './lineage-format.js';
import { NODE_HELP, edgeTypesArg, kindsArg, nodeArg } from './risk-args.js';

const unknownNode = { not_found: 'Nothing records or links to that node: check the URN, or see what a version links to with `modelkeep lineage NS/NAME@N`.' };

interface LineageFlags {
  up?: boolean;
  down?: boolean;
  both?: boolean;
  depth?: number;
  kind?: NodeKind[];
  edgeType?: EdgeType[];
  stage?: string;
  env?: string;
  limit?: number;
}

/** `lineage`, `why` and `impact`: the graph around a node, why one node depends on another, and what a change would reach. */
export function registerLineageCommands(program: Command): void {
  withExamples(
    program
      .command('lineage')
      .description('show the lineage graph around a node as a tree: what it depends on (--up), what depends on it (--down), or both')
      .argument('<node>', NODE_HELP, nodeArg)
      .addOption(new Option('--up', 'only what the node depends on (upstream)').conflicts(['down', 'both']))
      .addOption(new Option('--down', 'only what depends on the node (downstream)').conflicts(['both']))
      .option('--both', 'both directions (the default)')
      .option('--depth <n>', 'hops from the node, 1 to 50 (default 3)', positiveInteger)
      .option('--kind <kinds>', 'only show nodes of these kinds, comma-separated (the walk passes through the others)', kindsArg)
      .option('--edge-type <types>', 'only walk these edges, comma-separated: trainedOn, derivedFrom, dependsOn, uses, deployedTo, producedBy', edgeTypesArg)
      .option('--stage <stage>', 'only show versions at this stage, e.g. production')
      .option('--env <environment>', 'only show versions running in this environment')
      .option('--limit <n>', 'at most this many nodes (default 500)', positiveInteger)
      .action(async (urn: string, flags: LineageFlags, command: Command) => {
        const ctx = contextOf(command);
        const client = await ctx.client();
        const direction = flags.up === true ? 'upstream' : flags.down === true ? 'downstream' : 'both';
        const graph = await withNextSteps(unknownNode, () =>
          client.lineage.get(urn, {
            direction,
            ...(flags.depth === undefined ? {} : { depth: flags.depth }),
            ...(flags.kind === undefined ? {} : { kinds: flags.kind }),
            ...(flags.edgeType === undefined ? {} : { edgeTypes: flags.edgeType }),
            ...(flags.stage === undefined ? {} : { stage: flags.stage }),
            ...(flags.env === undefined ? {} : { environment: flags.env }),
            ...(flags.limit === undefined ? {} : { limit: flags.limit }),
          }),
        );
        ctx.out.result(graph, (g) => {
          for (const line of lineageTree(g)) ctx.out.line(line);
          ctx.out.line();
          ctx.out.line(`${totalsText(g.nodes.length, g.total, g.truncated, 'node')} ${direction === 'both' ? 'upstream and downstream' : direction}, within ${flags.depth ?? 3} hops.`);
        });
      }),
    'modelkeep lineage fraud/scorer@3 --up',
    'modelkeep lineage pkg:pypi/numpy --down --kind version --stage production',
    'modelkeep lineage mk:dataset:fraud/transactions@2024-06 --down --depth 5 --json',
  );

  withExamples(
    program
      .command('why')
      .description('explain why one node depends on another: the shortest dependency paths from FROM to TO')
      .argument('<from>', NODE_HELP, nodeArg)
      .argument('<to>', 'the node it may depend on, in the same forms', nodeArg)
      .option('--max-paths <n>', 'at most this many paths, 1 to 50 (default 5)', positiveInteger)
      .option('--max-depth <n>', 'longest path searched, in hops, 1 to 50 (default 10)', positiveInteger)
      .action(async (from: string, to: string, flags: { maxPaths?: number; maxDepth?: number }, command: Command) => {
        const ctx = contextOf(command);
        const client = await ctx.client();
        const answer = await withNextSteps(unknownNode, () => client.lineage.paths(from, to, { ...(flags.maxPaths === undefined ? {} : { maxPaths: flags.maxPaths }), ...(flags.maxDepth === undefined ? {} : { maxDepth: flags.maxDepth }) }));
        ctx.out.result(answer, (a) => {
          if (!a.connected) {
            ctx.out.line(`${a.from} does not depend on ${a.to} within ${flags.maxDepth ?? 10} hops.`);
            return;
          }
          ctx.out.line(`${a.from} depends on ${a.to} through ${plural(a.paths.length, 'path')}:`);
          for (const path of a.paths) ctx.out.line(`  ${pathText(path)}`);
        });
      }),
    'modelkeep why fraud/scorer pkg:pypi/torch',
    'modelkeep why fraud/scorer@3 mk:dataset:fraud/transactions@2024-06 --max-paths 1',
  );

  withExamples(
    program
      .command('impact')
      .description('show the blast radius of a node (a dataset, a library, an image…): every model version downstream of it, and what it is reached through')
      .argument('<node>', NODE_HELP, nodeArg)
      .option('--stage <stage>', 'only versions at this stage, e.g. production')
      .option('--env <environment>', 'only versions running in this environment')
      .option('--limit <n>', 'at most this many versions (default 500)', positiveInteger)
      .addHelpText('after', '\nExits 0 whether or not anything is affected; with --json, `affected` lists the versions.')
      .action(async (urn: string, flags: { stage?: string; env?: string; limit?: number }, command: Command) => {
        const ctx = contextOf(command);
        const client = await ctx.client();
        const impact = await withNextSteps(unknownNode, () =>
          client.lineage.impact(urn, { ...(flags.stage === undefined ? {} : { stage: flags.stage }), ...(flags.env === undefined ? {} : { environment: flags.env }), ...(flags.limit === undefined ? {} : { limit: flags.limit }) }),
        );
        const where = [flags.stage === undefined ? '' : ` at stage ${flags.stage}`, flags.env === undefined ? '' : ` running in ${flags.env}`].join('');
        ctx.out.result(impact, (r) => {
          if (r.total === 0) {
            ctx.out.line(`No model version${where} depends on ${r.urn}.`);
            return;
          }
          ctx.out.line(`${totalsText(r.affected.length, r.total, r.truncated, 'version')} of ${plural(r.models, 'model')}${where} ${r.total === 1 ? 'depends' : 'depend'} on ${r.urn}:`);
          ctx.out.line();
          ctx.out.table(['VERSION', 'STAGE', 'ENVIRONMENTS', 'THROUGH'], r.affected.map(affectedRow));
        });
      }),
    'modelkeep impact pkg:pypi/torch --stage production',
    'modelkeep impact mk:dataset:fraud/transactions@2024-06 --json',
  );
}
