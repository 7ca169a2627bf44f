import { type ErrorCode, errorCatalog } from './codes.js';

/** Extra, machine-readable members of a problem response (RFC 9457 §3.2). */
export type ProblemExtensions = Readonly<Record<string, unknown>>;

/**
 * The one error type the registry raises on purpose. Anything else that
 * reaches the HTTP edge is a bug and is answered as `internal`.
 */
export class RegistryError extends Error {
  readonly code: ErrorCode;
  readonly extensions: ProblemExtensions;

  constructor(code: ErrorCode, detail: string, options: { cause?: unknown; extensions?: ProblemExtensions } = {}) {
    super(detail, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RegistryError';
    this.code = code;
    this.extensions = options.extensions ?? {};
  }

  get status(): number {
    return errorCatalog[this.code].status;
  }
}

export const notFound = (what: string): RegistryError => new RegistryError('not_found', `${what} does not exist`);
