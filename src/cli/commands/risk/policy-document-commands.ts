import { extname } from 'node:path';
import type { Command } from 'commander';
import type { ModelKeepClient } from '../../../sdk/modelkeep-client.js';
import type { PolicyDocumentAnswer, PolicyDocumentInput, PolicyDocumentSetResult, PolicyRevision } from '../../../sdk/dependency-types.js';
import { contextOf } from '../../context.js';
import { formatTime } from '../../format.js';
import { withExamples } from '../../help-text.js';
import { withNextSteps } from '../../next-step.js';
import { reasonArg } from '../../option-parsers.js';
import type { Output } from '../../output.js';
import { readText } from '../governance/governance-args.js';
import { rescoreText } from './risk-format.js';

/** What differs between the risk rubric and the license policy; their commands are the same. */
export interface PolicyDocumentKind {
  /** "the risk rubric" */
  readonly what: string;
  /** The command that holds `show`, `set` and `history`, e.g. `modelkeep risk rubric`. */
  readonly command: string;
  readonly example: string;
  readonly get: (client: ModelKeepClient) => Promise<PolicyDocumentAnswer<unknown>>;
  readonly set: (client: ModelKeepClient, input: PolicyDocumentInput, reason: string | undefined) => Promise<PolicyDocumentSetResult>;
  readonly history: (client: ModelKeepClient) => Promise<PolicyRevision[]>;
}

/** `show` (also what the bare command does), `set FILE` and `history` under `parent`. */
export function registerPolicyDocumentCommands(parent: Command, kind: PolicyDocumentKind): void {
  const show = async (command: Command): Promise<void> => {
    const ctx = contextOf(command);
    const client = await ctx.client();
    const answer = await kind.get(client);
    const text = ctx.json ? '' : await sourceOf(answer);
    ctx.out.result(answer, (a) => printDocument(ctx.out, kind, a, text));
  };
  parent.action((_flags: object, command: Command) => show(command));

  withExamples(
    parent
      .command('show')
      .description(`show ${kind.what} in force (the built-in default until one is set) and the text it was set from`)
      .action((_flags: object, command: Command) => show(command)),
    `${kind.command} show`,
    `${kind.command} show --json`,
  );

  withExamples(
    parent
      .command('set')
      .description(`set ${kind.what} from a YAML or JSON file; a malformed one is refused with every problem listed, and every model is rescored against a good one`)
      .argument('<file>', 'the document as YAML or JSON; - reads stdin')
      .option('--reason <text>', 'why, kept in the ledger', reasonArg)
      .addHelpText('after', `\nExit codes:\n  0  set, and every model rescored\n  6  the file is malformed (every problem is listed) or cannot be read\n  5  not logged in, or not allowed to manage risk`)
      .action(async (file: string, flags: { reason?: string }, command: Command) => {
        const ctx = contextOf(command);
        const source = await readText(file, `the file of ${kind.what}`);
        const format = formatOf(file);
        const client = await ctx.client();
        const steps = { invalid_policy: `Fix ${file === '-' ? 'the document' : file}, then run this again; \`${kind.command} show\` prints the one in force to start from.` };
        const set = await withNextSteps(steps, () => kind.set(client, { source, ...(format === undefined ? {} : { format }) }, flags.reason));
        ctx.out.result(set, (s) => ctx.out.line(`Set ${kind.what} (revision ${s.revision}). ${rescoreText(s.rescored)}`));
      }),
    kind.example,
    `cat policy.json | ${kind.command} set - --reason "from the policy repo"`,
  );

  withExamples(
    parent
      .command('history')
      .description(`every revision of ${kind.what}, newest first, from the ledger`)
      .action(async (_flags: object, command: Command) => {
        const ctx = contextOf(command);
        const client = await ctx.client();
        const items = await kind.history(client);
        ctx.out.result({ items }, (r) => ctx.out.table(['SEQ', 'TIME', 'ACTOR', 'REASON'], r.items.map((e) => [String(e.seq), formatTime(e.at), e.actor, e.reason ?? '-']), `${capitalized(kind.what)} was never set; the built-in default applies.`));
      }),
    `${kind.command} history`,
  );
}

const capitalized = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

/** The format by extension; otherwise the server tells JSON from YAML itself. */
function formatOf(file: string): 'yaml' | 'json' | undefined {
  const extension = extname(file).toLowerCase();
  if (extension === '.json') return 'json';
  if (extension === '.yaml' || extension === '.yml') return 'yaml';
  return undefined;
}

/** The text it was set from; a built-in document without one reads as YAML (the parser is loaded only for human output). */
async function sourceOf(answer: PolicyDocumentAnswer<unknown>): Promise<string> {
  if (answer.source !== null) return answer.source.trimEnd();
  const { stringify } = await import('yaml');
  return stringify(answer.document).trimEnd();
}

function printDocument(out: Output, kind: PolicyDocumentKind, answer: PolicyDocumentAnswer<unknown>, text: string): void {
  if (answer.from === 'builtin') out.line(`${capitalized(kind.what)} is the built-in default (nothing was set):`);
  else out.line(`${capitalized(kind.what)}: revision ${answer.revision}, set ${formatTime(answer.updatedAt!)} by ${answer.updatedBy}:`);
  out.line(text.split('\n').map((line) => `  ${line}`).join('\n'));
}
