import type { ModelKeepApiError } from './api-error.js';

/** How often and how patiently a safe request is sent again. */
export interface RetryPolicy {
  /** Extra attempts after the first. */
  readonly retries: number;
  /** First delay; each further one doubles, with up to 50% random jitter so clients do not retry in step. */
  readonly baseDelayMs: number;
  /** No single wait is longer, whatever the server's Retry-After says. */
  readonly maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { retries: 2, baseDelayMs: 250, maxDelayMs: 5_000 };

/** Only failures where no answer was decided are worth repeating: no connection, a timeout, or 503. */
export function isTransient(error: ModelKeepApiError): boolean {
  return error.code === 'unavailable';
}

/** The wait before attempt `attempt + 1` (0-based), honouring the server's Retry-After within bounds. */
export function retryDelayMs(policy: RetryPolicy, attempt: number, error: ModelKeepApiError, random: () => number = Math.random): number {
  const backoff = policy.baseDelayMs * 2 ** attempt * (1 + random() / 2);
  return Math.min(policy.maxDelayMs, Math.max(backoff, error.retryAfterMs ?? 0));
}
