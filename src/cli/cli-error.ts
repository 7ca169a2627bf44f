import type { ErrorCode } from '../errors/codes.js';

/** `usage` is the CLI's own code: the command line itself is wrong (exit 2). */
export type CliErrorCode = ErrorCode | 'usage';

/**
 * An expected failure of a command that did not come from the server: bad
 * arguments, missing credentials, a download that failed verification. The
 * code picks the exit status exactly as a server problem with that code would.
 */
export class CliError extends Error {
  readonly code: CliErrorCode;
  readonly hint: string | undefined;
  readonly extensions: Readonly<Record<string, unknown>>;

  constructor(code: CliErrorCode, detail: string, options: { hint?: string; extensions?: Record<string, unknown>; cause?: unknown } = {}) {
    super(detail, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CliError';
    this.code = code;
    this.hint = options.hint;
    this.extensions = options.extensions ?? {};
  }
}

export const usageError = (detail: string, hint?: string): CliError => new CliError('usage', detail, hint === undefined ? {} : { hint });
