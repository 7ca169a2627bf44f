import { Option } from 'commander';
import { ModelKeepApiError } from '../sdk/api-error.js';
import { CliError } from './cli-error.js';
import { POINT_HELP, pointArg } from './option-parsers.js';
import type { Output } from './output.js';

/** `--as-of <point>`: for commands that read the catalog, unless a command says what the point means to it. */
export const asOfOption = (meaning = 'read the registry as it stood then'): Option => new Option('--as-of <point>', `${meaning}: ${POINT_HELP}`).argParser(pointArg);

/** "ledger entry 12" or the time as given. */
export const describePoint = (point: string): string => (/^\d+$/.test(point) ? `ledger entry ${point}` : point);

/**
 * Runs a call about a past point (a read with --as-of, a restore). A record missing then
 * most often did not exist yet, so the hint is about the point, not the
 * usual "check the name"; the server's problem is kept for --json.
 */
export async function atPoint<T>(asOf: string | undefined, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (asOf === undefined || !(error instanceof ModelKeepApiError) || error.code !== 'not_found') throw error;
    const hint = `It may not have existed yet at ${describePoint(asOf)}: pick a later --as-of (\`modelkeep ledger tail\` lists entry numbers and times), or leave --as-of out to read it as it is now.`;
    throw new CliError('not_found', error.detail, { hint, extensions: { ...error.problem }, cause: error });
  }
}

/** Tells a reader of human output that what follows is the past (stderr, so piped output stays data). */
export function notePast(out: Output, asOf: string | undefined): void {
  if (asOf !== undefined) out.note(`As the registry stood at ${describePoint(asOf)}:`);
}
