import type { AlertEvent } from './alert-event.js';
import { signWebhook } from './webhook-signature.js';

export const WEBHOOK_USER_AGENT = 'ModelKeep-Webhooks/1';
export const DEFAULT_WEBHOOK_TIMEOUT_MS = 10_000;

export interface PostOutcome {
  /** True only for a 2xx answer: the receiver has the event. */
  readonly ok: boolean;
  readonly status?: number;
  /** A short reason for a failure, kept on the delivery row for people to read. */
  readonly error?: string;
}

export interface PostOptions {
  readonly timeoutMs?: number;
  /** The `webhook-timestamp`; the sending time by default. */
  readonly nowSec?: number;
}

/**
 * Sends one event to one webhook, signed. Never throws: every way of not
 * delivering (3xx — redirects are not followed, so a moved endpoint cannot
 * steer signed events elsewhere —, 4xx, 5xx, timeout, refused connection, bad
 * URL) is an outcome with `ok: false`, and the caller schedules a retry.
 */
export async function postWebhook(url: string, event: AlertEvent, secret: string | readonly string[], options: PostOptions = {}): Promise<PostOutcome> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS;
  try {
    const target = new URL(url);
    if (target.protocol !== 'http:' && target.protocol !== 'https:') return { ok: false, error: `unsupported URL scheme ${target.protocol}` };
    const body = JSON.stringify(event);
    const headers = {
      ...signWebhook(secret, event.id, options.nowSec ?? Math.floor(Date.now() / 1000), body),
      'content-type': 'application/json',
      'user-agent': WEBHOOK_USER_AGENT,
    };
    const response = await fetch(target, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    // The answer's body means nothing to us; dropping it frees the connection.
    await response.body?.cancel().catch(() => undefined);
    if (response.status >= 200 && response.status < 300) return { ok: true, status: response.status };
    const why = response.status >= 300 && response.status < 400 ? ' (redirect not followed)' : '';
    return { ok: false, status: response.status, error: `HTTP ${response.status}${why}` };
  } catch (error) {
    return { ok: false, error: describeFailure(error, timeoutMs) };
  }
}

const networkCodes: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_SOCKET: 'connection closed by the receiver',
  UND_ERR_CONNECT_TIMEOUT: 'connect timed out',
};

function describeFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `timed out after ${timeoutMs} ms`;
  // undici reports network failures as "fetch failed" with the system error as its cause.
  const cause = error instanceof Error ? (error.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  if (code !== undefined) return networkCodes[code] ?? code;
  const message = typeof cause?.message === 'string' ? cause.message : error instanceof Error ? error.message : String(error);
  return message.slice(0, 200);
}
