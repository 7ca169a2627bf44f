import type { Command } from 'commander';
import { contextOf } from '../context.js';
import { formatTime } from '../format.js';
import { withExamples } from '../help-text.js';
import { positiveInteger } from '../option-parsers.js';

const MAX_TAIL = 1000;

export function registerLedgerCommands(program: Command): void {
  const ledger = withExamples(program.command('ledger').description('read the append-only change ledger'), 'modelkeep ledger tail -n 50');

  withExamples(
    ledger
      .command('tail')
      .description('show the most recent ledger entries')
      .option('-n, --lines <n>', `how many entries (at most ${MAX_TAIL})`, positiveInteger, 20)
      .action(async (flags: { lines: number }, command: Command) => {
        const ctx = contextOf(command);
        const entries = await (await ctx.client()).ledger.tail(Math.min(flags.lines, MAX_TAIL));
        ctx.out.result({ entries }, (r) =>
          ctx.out.table(
            ['SEQ', 'TIME', 'ACTOR', 'ACTION', 'SUBJECT'],
            r.entries.map((e) => [String(e.seq), formatTime(e.at), e.actor, e.action, e.subject]),
            'The ledger is empty.',
          ),
        );
      }),
    'modelkeep ledger tail -n 50',
    'modelkeep ledger tail --json',
  );
}
