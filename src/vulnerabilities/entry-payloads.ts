import type { Advisory } from './advisory.js';

/* Payloads of the vulnerability ledger actions. */

/** One OSV advisory, normalized: what matching needs, so replay matches exactly as the import did. */
export interface AdvisoryImported {
  readonly advisory: Advisory;
}

/** A package (`pkg:pypi/nose`) or one version of it (`pkg:pypi/nose@1.3.7`) marked deprecated. */
export interface LibraryDeprecated {
  readonly target: string;
  readonly reason: string;
  readonly replacement: string | null;
}
