import { type Command, InvalidArgumentError } from 'commander';
import type { CatalogChange, CatalogDiff, DiffQuery } from '../../sdk/types.js';
import { contextOf } from '../context.js';
import { plural } from '../format.js';
import { withExamples } from '../help-text.js';
import { POINT_HELP, pointArg, positiveInteger } from '../option-parsers.js';
import type { Output } from '../output.js';

const MAX_PAGE = 500;
// Long enough to tell values apart, short enough that "before → after" stays on one line.
const MAX_VALUE = 60;

interface DiffFlags {
  readonly from: string;
  readonly to?: string;
  readonly namespace?: string;
  readonly limit: number;
  readonly all?: boolean;
}

function pageSize(text: string): number {
  const size = positiveInteger(text);
  if (size > MAX_PAGE) throw new InvalidArgumentError(`At most ${MAX_PAGE} per page; pass --all to get every change.`);
  return size;
}

export function registerDiffCommand(program: Command): void {
  withExamples(
    program
      .command('diff')
      .description('show what changed in the catalog between two points: each namespace, model and version that differs, field by field')
      .requiredOption('--from <point>', `the earlier point: ${POINT_HELP}`, pointArg)
      .option('--to <point>', 'the later point (default: now)', pointArg)
      .option('--namespace <name>', 'only this namespace')
      .option('--limit <n>', `at most this many changes (per page with --all; at most ${MAX_PAGE})`, pageSize, 50)
      .option('--all', 'every change, fetching page after page')
      .action(async (flags: DiffFlags, command: Command) => {
        const ctx = contextOf(command);
        const client = await ctx.client();
        const query: DiffQuery = { from: flags.from, to: flags.to, namespace: flags.namespace, limit: flags.limit };
        let diff: CatalogDiff;
        if (flags.all === true) {
          const pages: CatalogDiff[] = [];
          for await (const page of client.history.diffPages(query)) pages.push(page);
          diff = { ...pages[0]!, changes: pages.flatMap((page) => page.changes), nextCursor: null };
        } else {
          diff = await client.history.diff(query);
        }
        ctx.out.result(diff, (d) => {
          printDiff(ctx.out, d);
          if (d.nextCursor !== null) ctx.out.note('More changes follow; raise --limit or pass --all.');
        });
      }),
    'modelkeep diff --from 2026-11-22T10:00:00Z',
    'modelkeep diff --from 41 --to 57 --namespace fraud --all --json',
  );
}

const pointName = (seq: number): string => (seq < 0 ? 'the start (before the first ledger entry)' : `ledger entry ${seq}`);

function printDiff(out: Output, d: CatalogDiff): void {
  const range = `${pointName(d.from)} and ${pointName(d.to)}`;
  if (d.changes.length === 0) {
    out.line(d.from === d.to ? `No changes: both points are ${pointName(d.from)}.` : `No changes between ${range}.`);
    return;
  }
  out.line(`Between ${range}:`);
  for (const change of d.changes) {
    out.line();
    out.line(`${change.urn}  ${change.change}`);
    for (const line of fieldLines(change)) out.line(`  ${line}`);
  }
  const added = d.changes.filter((c) => c.change === 'added').length;
  out.line();
  out.line(`${plural(d.changes.length, 'record')}: ${added} added, ${d.changes.length - added} changed.`);
}

/** A new record lists its values; a changed one, each field's value before and after. */
function fieldLines(change: CatalogChange): string[] {
  if (change.change === 'added') return change.fields.map((f) => `${f.field}: ${shown(f.after)}`);
  return change.fields.map((f) => `${f.field}: ${shown(f.before)} → ${shown(f.after)}`);
}

/** A value as JSON, cut with an ellipsis when long. */
function shown(value: unknown): string {
  const json = JSON.stringify(value) ?? 'null';
  return json.length <= MAX_VALUE ? json : `${json.slice(0, MAX_VALUE - 1)}…`;
}
