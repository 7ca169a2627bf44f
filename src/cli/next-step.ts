import type { ErrorCode } from '../errors/codes.js';
import { ModelKeepApiError } from '../sdk/api-error.js';
import { CliError } from './cli-error.js';

/** What to do next for some codes, where the catalog-wide hint would point at the wrong commands. */
export type NextSteps = Partial<Readonly<Record<ErrorCode, string>>>;

/**
 * Runs a call and, when the server refuses it with one of the codes in
 * `steps`, keeps the server's detail and problem (for --json) but replaces the
 * generic hint with the one given.
 */
export async function withNextSteps<T>(steps: NextSteps, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof ModelKeepApiError)) throw error;
    const hint = steps[error.code as ErrorCode];
    if (hint === undefined) throw error;
    throw new CliError(error.code as ErrorCode, error.detail, { hint, extensions: { ...error.problem }, cause: error });
  }
}
