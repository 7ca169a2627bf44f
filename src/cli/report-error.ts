import { CommanderError } from 'commander';
import { errorCatalog, isErrorCode, problemTypeBase } from '../errors/codes.js';
import { RegistryError } from '../errors/registry-error.js';
import { ModelKeepApiError } from '../sdk/api-error.js';
import { CliError } from './cli-error.js';
import type { Output } from './output.js';

export const USAGE_EXIT = 2;
const UNEXPECTED_EXIT = 1;

/** What to do next, by code; the server's detail says what went wrong. */
const hints: Readonly<Record<string, string>> = {
  usage: 'Run the command with --help to see its arguments and an example.',
  unauthenticated: 'Log in again with `modelkeep login --url URL --token TOKEN` (or set MODELKEEP_URL and MODELKEEP_TOKEN) using a current token.',
  forbidden:
    '`modelkeep whoami` shows what you hold. Ask a security admin to grant the role (`modelkeep access grant PRINCIPAL ROLE --reason TEXT`), or ask for it for a while (`modelkeep access elevate ROLE --minutes N --justification TEXT`).',
  not_found: 'Check the name: `modelkeep namespace list`, `modelkeep model list` and `modelkeep version list NS/NAME` show what exists.',
  already_exists: 'Use the existing one, or choose another name.',
  immutable: 'Published versions never change; push a new version instead.',
  invalid_state: 'Look at its current state with a `show` command first.',
  version_conflict: 'It changed since you read it: read it again, then retry.',
  schema_incompatible: 'Fix the published records or loosen the schema.',
  invalid_request: 'Check the arguments against --help.',
  invalid_metadata: "Make the metadata satisfy the namespace's schema (`modelkeep namespace show NS`).",
  unsafe_path: 'Rename the file so its path stays inside the model folder.',
  digest_mismatch: 'Bytes did not match their digest: retry; if it persists, the registry copy is damaged and an admin should check the server.',
  size_mismatch: 'A file changed while it was being pushed; push again.',
  blobs_missing: 'Upload the blobs first; `modelkeep version push` does this for you.',
  gate_failed: 'See each failed check in the report (`modelkeep gate check NS/NAME@N --to STAGE`): add the attestations it asks for, or fix the record through a change request.',
  rate_limited: 'Too many requests from you in a short time; wait a little (the server says how long in Retry-After), then retry.',
  unavailable: 'Check that the server is running (`modelkeep serve`) and that the URL is right (`modelkeep whoami`).',
  body_too_large: 'The server refuses bodies this large; ask an admin about its limits.',
  internal: 'The server failed; its log says why. Retry, or report it with MODELKEEP_DEBUG=1 output.',
};

const systemHints: Readonly<Record<string, string>> = {
  EADDRINUSE: 'Another process is listening on that port; choose another with --port.',
  EACCES: 'Check the permissions of the file, folder or port.',
  EPERM: 'Check the permissions of the file, folder or port.',
  ENOSPC: 'The disk is full.',
  EROFS: 'The file system is read-only.',
};

/** The errno code of a Node system error (which carries `syscall`), if it is one. */
function systemErrorCode(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const { code, syscall } = error as NodeJS.ErrnoException;
  return typeof code === 'string' && typeof syscall === 'string' ? code : undefined;
}

interface Reported {
  readonly exit: number;
  readonly message: string;
  readonly hint: string | undefined;
  readonly problem: Record<string, unknown>;
}

/**
 * The only place errors become exit codes: expected failures exit with their
 * code's `exit` from the error catalog (usage errors with 2) and a hint;
 * anything else is a bug and exits 1.
 */
export function reportError(error: unknown, out: Output, env: NodeJS.ProcessEnv = process.env): number {
  if (error instanceof CommanderError && (error.code === 'commander.helpDisplayed' || error.code === 'commander.version')) return 0;
  const reported = describe(error);
  // Commander has already printed its own usage message.
  if (!(error instanceof CommanderError)) out.error(`error: ${reported.message}`);
  if (reported.hint !== undefined) out.error(`hint: ${reported.hint}`);
  if (env.MODELKEEP_DEBUG === '1' && error instanceof Error && error.stack) out.error(error.stack);
  if (out.json) out.printJson(reported.problem);
  return reported.exit;
}

function describe(error: unknown): Reported {
  if (error instanceof ModelKeepApiError) {
    const exit = isErrorCode(error.code) ? errorCatalog[error.code].exit : UNEXPECTED_EXIT;
    return { exit, message: error.detail, hint: hints[error.code], problem: { ...error.problem, exit } };
  }
  if (error instanceof CliError || error instanceof RegistryError) {
    const exit = error.code === 'usage' ? USAGE_EXIT : errorCatalog[error.code].exit;
    const hint = (error instanceof CliError ? error.hint : undefined) ?? hints[error.code];
    return { exit, message: error.message, hint, problem: localProblem(error.code, error.message, exit, error.extensions) };
  }
  if (error instanceof CommanderError) {
    const message = error.message.replace(/^error: /, '');
    // 'commander.help': a command group was run without a subcommand, and its help is already on screen.
    const hint = error.code === 'commander.help' ? undefined : hints.usage;
    return { exit: USAGE_EXIT, message, hint, problem: localProblem('usage', message, USAGE_EXIT, {}) };
  }
  const message = error instanceof Error ? error.message : String(error);
  const system = systemErrorCode(error);
  if (system !== undefined) {
    // The operating system refused something (a busy port, a permission, a full disk): not a bug, but no catalog code either.
    return { exit: UNEXPECTED_EXIT, message, hint: systemHints[system], problem: localProblem('internal', message, UNEXPECTED_EXIT, { errno: system }) };
  }
  return {
    exit: UNEXPECTED_EXIT,
    message,
    hint: 'This is a bug in modelkeep; run again with MODELKEEP_DEBUG=1 for the stack trace.',
    problem: localProblem('internal', message, UNEXPECTED_EXIT, {}),
  };
}

function localProblem(code: string, detail: string, exit: number, extensions: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const title = isErrorCode(code) ? errorCatalog[code].title : 'The command line is not valid';
  return { ...extensions, type: problemTypeBase + code, title, detail, code, exit };
}
