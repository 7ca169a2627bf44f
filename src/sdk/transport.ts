import { Readable } from 'node:stream';
import { ModelKeepApiError, errorFromResponse, localProblem } from './api-error.js';
import { type RetryPolicy, isTransient, retryDelayMs } from './retry-policy.js';

export type Query = Readonly<Record<string, string | number | boolean | undefined>>;

/** Per-call options every SDK method accepts. */
export interface CallOptions {
  /** Cancels the call; a cancelled call rejects with the signal's reason and is not retried. */
  readonly signal?: AbortSignal | undefined;
}

/** Options of calls that create something with POST. */
export interface WriteOptions extends CallOptions {
  /**
   * Sent as `Idempotency-Key`: the server answers a repeat of the same request
   * with the first answer instead of doing it twice, which also lets the SDK
   * retry the call after a lost connection.
   */
  readonly idempotencyKey?: string | undefined;
}

export interface RequestSpec extends CallOptions {
  readonly method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly path: string;
  readonly query?: Query | undefined;
  readonly json?: unknown;
  /** A fresh body for each attempt, so a retry never re-reads a consumed stream. */
  readonly body?: (() => Readable) | undefined;
  readonly headers?: Readonly<Record<string, string>> | undefined;
  readonly idempotencyKey?: string | undefined;
  /** Safe to repeat although the method is neither GET nor HEAD (e.g. a content-addressed PUT). */
  readonly idempotent?: boolean | undefined;
  /**
   * What the timeout bounds: the whole exchange (default), only the wait for
   * the response headers (downloads), or nothing (uploads, whose length
   * depends on their size, not on the server's health).
   */
  readonly timeout?: 'whole' | 'headers' | 'none' | undefined;
}

export interface TransportOptions {
  readonly baseUrl: string;
  readonly token?: string | undefined;
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  readonly userAgent: string;
  readonly fetch: typeof globalThis.fetch;
}

class TimedOut extends Error {}

/** Sends requests to one registry: auth, timeouts, retries, and problem responses as errors. */
export class Transport {
  readonly baseUrl: string;
  readonly #options: TransportOptions;

  constructor(options: TransportOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#options = options;
  }

  /** Sends a request and decodes its JSON answer; `undefined` for 204. */
  json<T>(spec: RequestSpec): Promise<T> {
    return this.exchange(spec, async (response, url) => {
      if (response.status === 204) return undefined as T;
      const text = await response.text();
      try {
        return JSON.parse(text) as T;
      } catch (cause) {
        throw new ModelKeepApiError(localProblem('internal', `The server at ${this.baseUrl} answered ${response.status} with a body that is not JSON`, new URL(url).pathname), { cause });
      }
    });
  }

  /** Sends a request and returns its text answer (text/plain routes such as signed checkpoints). */
  text(spec: RequestSpec): Promise<string> {
    return this.exchange({ ...spec, headers: { accept: 'text/plain, application/problem+json', ...spec.headers } }, (response) => response.text());
  }

  /**
   * Sends a request and hands the successful response to `read`, inside the
   * timeout and retry scope. Non-2xx answers become ModelKeepApiError.
   */
  async exchange<T>(spec: RequestSpec, read: (response: Response, url: string) => Promise<T>): Promise<T> {
    const url = this.urlOf(spec);
    const { retry } = this.#options;
    const repeatable = spec.method === 'GET' || spec.method === 'HEAD' || spec.idempotencyKey !== undefined || spec.idempotent === true;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#attempt(spec, url, read);
      } catch (error) {
        if (!(error instanceof ModelKeepApiError) || !repeatable || attempt >= retry.retries || !isTransient(error)) throw error;
        await sleep(retryDelayMs(retry, attempt, error));
      }
    }
  }

  urlOf(spec: Pick<RequestSpec, 'path' | 'query'>): string {
    const url = new URL(this.baseUrl + spec.path);
    for (const [name, value] of Object.entries(spec.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    return url.toString();
  }

  async #attempt<T>(spec: RequestSpec, url: string, read: (response: Response, url: string) => Promise<T>): Promise<T> {
    const mode = spec.timeout ?? 'whole';
    const timer = new AbortController();
    const timeout = mode === 'none' ? undefined : setTimeout(() => timer.abort(new TimedOut()), this.#options.timeoutMs);
    const signal = spec.signal === undefined ? timer.signal : AbortSignal.any([timer.signal, spec.signal]);
    try {
      const response = await this.#options.fetch(url, { ...this.#init(spec), signal });
      if (mode === 'headers') clearTimeout(timeout);
      if (!response.ok) throw await errorFromResponse(response, url);
      return await read(response, url);
    } catch (error) {
      if (error instanceof ModelKeepApiError) throw error;
      if (spec.signal?.aborted) throw spec.signal.reason;
      throw this.#unreachable(error, url, timer.signal.reason instanceof TimedOut);
    } finally {
      clearTimeout(timeout);
    }
  }

  #init(spec: RequestSpec): RequestInit {
    const headers: Record<string, string> = { accept: 'application/json, application/problem+json', 'user-agent': this.#options.userAgent, ...spec.headers };
    if (this.#options.token !== undefined) headers.authorization = `Bearer ${this.#options.token}`;
    if (spec.idempotencyKey !== undefined) headers['idempotency-key'] = spec.idempotencyKey;
    if (spec.json !== undefined) {
      headers['content-type'] = 'application/json';
      return { method: spec.method, headers, body: JSON.stringify(spec.json) };
    }
    if (spec.body !== undefined) {
      // undici streams any async iterable body, though Node's global typings only list web streams;
      // `duplex: 'half'` is required for every streamed request body.
      const streamed = { method: spec.method, headers, body: spec.body() as AsyncIterable<Uint8Array>, duplex: 'half' as const };
      return streamed as unknown as RequestInit;
    }
    return { method: spec.method, headers };
  }

  #unreachable(error: unknown, url: string, timedOut: boolean): ModelKeepApiError {
    const { origin, pathname } = new URL(url);
    const reason = timedOut ? `it did not answer within ${this.#options.timeoutMs} ms` : describeNetworkError(error);
    return new ModelKeepApiError(localProblem('unavailable', `The ModelKeep server at ${origin} could not be reached: ${reason}`, pathname, 0, { url: origin }), { cause: error });
  }
}

/** undici hides the socket error under `cause` (sometimes an AggregateError of several addresses). */
function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: unknown } | undefined)?.cause ?? error;
  const first = cause instanceof AggregateError ? (cause.errors[0] as unknown) : cause;
  const { code, message } = (first ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string') return typeof message === 'string' && message.includes(code) ? message : `${code}${typeof message === 'string' && message ? ` (${message})` : ''}`;
  if (typeof message === 'string' && message !== '') return message;
  return error instanceof Error ? error.message : String(error);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Adapts a web stream body to a Node Readable. */
export function nodeStreamOf(response: Response): Readable {
  if (response.body === null) return Readable.from([]);
  return Readable.fromWeb(response.body as Parameters<typeof Readable.fromWeb>[0]);
}
