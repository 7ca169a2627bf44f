import { type ErrorCode, errorCatalog, problemTypeBase } from '../errors/codes.js';
import type { ApiProblem } from './types.js';

/** A code the server may send that this SDK does not know yet is kept as it came. */
export type ApiErrorCode = ErrorCode | (string & {});

/**
 * Every failure the SDK reports: a problem response from the server, or a
 * problem the SDK made up because no usable answer came (code `unavailable`
 * with status 0 when the server could not be reached at all).
 */
export class ModelKeepApiError extends Error {
  /** The RFC 9457 problem, as received or as made up locally. */
  readonly problem: ApiProblem;
  /** How long the server asked to wait before retrying (`Retry-After`), when it did. */
  readonly retryAfterMs: number | undefined;

  constructor(problem: ApiProblem, options: { cause?: unknown; retryAfterMs?: number | undefined } = {}) {
    super(problem.detail, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ModelKeepApiError';
    this.problem = problem;
    this.retryAfterMs = options.retryAfterMs;
  }

  /** Stable machine-readable code, e.g. `not_found`, `immutable`, `digest_mismatch`. */
  get code(): ApiErrorCode {
    return this.problem.code;
  }

  /** The HTTP status, or 0 when no response arrived. */
  get status(): number {
    return this.problem.status;
  }

  get detail(): string {
    return this.problem.detail;
  }

  /** The problem's members beyond the RFC 9457 ones (e.g. `missing`, `currentEtag`). */
  get extensions(): Readonly<Record<string, unknown>> {
    const { type: _t, title: _ti, status: _s, detail: _d, instance: _i, code: _c, ...rest } = this.problem;
    return rest;
  }
}

/** Builds a problem for a failure that has no problem body (network errors, HEAD, proxies). */
export function localProblem(code: ErrorCode, detail: string, instance: string, status: number = errorCatalog[code].status, extensions: Record<string, unknown> = {}): ApiProblem {
  return { ...extensions, type: problemTypeBase + code, title: errorCatalog[code].title, status, detail, instance, code };
}

/** What a bare status means when the body does not say. */
export function codeForStatus(status: number): ErrorCode {
  const known: Readonly<Record<number, ErrorCode>> = {
    400: 'invalid_request',
    401: 'unauthenticated',
    403: 'forbidden',
    404: 'not_found',
    405: 'method_not_allowed',
    409: 'invalid_state',
    412: 'version_conflict',
    413: 'body_too_large',
    415: 'unsupported_media_type',
    416: 'range_not_satisfiable',
    428: 'precondition_required',
    429: 'rate_limited',
    502: 'unavailable',
    503: 'unavailable',
    504: 'unavailable',
  };
  return known[status] ?? (status >= 500 ? 'internal' : 'invalid_request');
}

/** Reads a non-2xx response into an error, trusting the body only when it is a problem with a code. */
export async function errorFromResponse(response: Response, url: string): Promise<ModelKeepApiError> {
  const instance = new URL(url).pathname;
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
  let body: unknown;
  if (/json/i.test(response.headers.get('content-type') ?? '')) body = await response.json().catch(() => undefined);
  else await response.body?.cancel().catch(() => undefined);
  if (isProblem(body)) return new ModelKeepApiError({ ...body, status: response.status }, { retryAfterMs });
  const code = codeForStatus(response.status);
  const detail = `The server at ${new URL(url).origin} answered ${response.status} ${response.statusText || errorCatalog[code].title}`.trim();
  return new ModelKeepApiError(localProblem(code, detail, instance, response.status), { retryAfterMs });
}

function isProblem(body: unknown): body is ApiProblem {
  if (typeof body !== 'object' || body === null) return false;
  const { code, detail } = body as { code?: unknown; detail?: unknown };
  return typeof code === 'string' && typeof detail === 'string';
}

/** RFC 9110 §10.2.3: delay-seconds or an HTTP-date. */
function parseRetryAfter(header: string | null): number | undefined {
  if (header === null) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
