import { Agent, request } from 'node:http';
import type { Readable } from 'node:stream';
import { type LatencySummary, round, summarise } from './percentiles.js';

export interface Call {
  readonly method: 'GET' | 'POST' | 'PUT';
  readonly path: string;
  readonly body?: string | Buffer | undefined;
  readonly headers?: Readonly<Record<string, string | number>> | undefined;
}

export interface Answer {
  readonly status: number;
  readonly body: Buffer;
}

/**
 * A keep-alive HTTP/1.1 client for one server. node:http rather than fetch:
 * Node 20 bundles undici only behind fetch, whose per-request overhead
 * (WHATWG streams, Headers objects) would be measured along with the server.
 */
export class HttpClient {
  readonly #origin: URL;
  readonly #token: string;
  readonly #agent: Agent;

  constructor(origin: string, token: string, connections: number) {
    this.#origin = new URL(origin);
    this.#token = token;
    this.#agent = new Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
  }

  send(call: Call): Promise<Answer> {
    const body = call.body === undefined ? undefined : Buffer.from(call.body);
    return this.#exchange(call, body, (req) => req.end(body));
  }

  /** Sends a stream as the body with a declared length, as a client uploading a file would. */
  stream(call: Call, body: Readable, length: number): Promise<Answer> {
    return this.#exchange({ ...call, headers: { ...call.headers, 'content-length': length } }, undefined, (req) => {
      body.on('error', (error) => req.destroy(error));
      body.pipe(req);
    });
  }

  close(): void {
    this.#agent.destroy();
  }

  #exchange(call: Call, body: Buffer | undefined, write: (req: ReturnType<typeof request>) => void): Promise<Answer> {
    return new Promise<Answer>((resolve, reject) => {
      const headers: Record<string, string | number> = { authorization: `Bearer ${this.#token}`, ...call.headers };
      if (body !== undefined) {
        headers['content-type'] ??= 'application/json';
        headers['content-length'] = body.length;
      }
      const req = request(
        { host: this.#origin.hostname, port: this.#origin.port, method: call.method, path: call.path, agent: this.#agent, headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      write(req);
    });
  }
}

/** Sends and insists on a 2xx answer, for setup steps whose failure should stop the bench. */
export async function expectOk(client: HttpClient, call: Call): Promise<unknown> {
  const answer = await client.send(call);
  if (answer.status < 200 || answer.status >= 300) {
    throw new Error(`${call.method} ${call.path} answered ${answer.status}: ${answer.body.toString('utf8').slice(0, 500)}`);
  }
  return answer.body.length === 0 ? undefined : (JSON.parse(answer.body.toString('utf8')) as unknown);
}

export interface LoadResult {
  readonly clients: number;
  readonly requests: number;
  readonly errors: number;
  readonly firstError?: string | undefined;
  readonly elapsedMs: number;
  readonly opsPerSec: number;
  readonly latency: LatencySummary;
  /** Mean of what `measure` returned per successful answer (e.g. items per page), when given. */
  readonly meanMeasure?: number | undefined;
}

export interface LoadPlan {
  readonly clients: number;
  /** Builds the i-th call of client `client`. */
  next(client: number, i: number): Call;
  /** Optional figure taken from each successful answer. */
  measure?(answer: Answer): number;
}

interface Tally {
  latencies: number[];
  errors: number;
  firstError: string | undefined;
  measured: number;
}

const now = (): number => performance.now();

async function callOnce(client: HttpClient, call: Call, tally: Tally | undefined, measure: LoadPlan['measure']): Promise<void> {
  const started = now();
  let answer: Answer;
  try {
    answer = await client.send(call);
  } catch (error) {
    if (tally !== undefined) {
      tally.errors += 1;
      tally.firstError ??= `${call.method} ${call.path}: ${String(error)}`;
    }
    return;
  }
  if (tally === undefined) return;
  if (answer.status >= 200 && answer.status < 300) {
    tally.latencies.push(now() - started);
    if (measure !== undefined) tally.measured += measure(answer);
  } else {
    tally.errors += 1;
    tally.firstError ??= `${call.method} ${call.path} → ${answer.status} ${answer.body.toString('utf8').slice(0, 300)}`;
  }
}

function result(plan: LoadPlan, tally: Tally, elapsedMs: number): LoadResult {
  const ok = tally.latencies.length;
  return {
    clients: plan.clients,
    requests: ok + tally.errors,
    errors: tally.errors,
    firstError: tally.firstError,
    elapsedMs: round(elapsedMs, 1),
    opsPerSec: round((ok / elapsedMs) * 1000, 1),
    latency: summarise(tally.latencies),
    meanMeasure: plan.measure === undefined || ok === 0 ? undefined : round(tally.measured / ok, 2),
  };
}

/**
 * Closed loop for a fixed time: each client sends its next call as soon as the
 * last is answered. Answers completed during the warm-up are not counted.
 */
export async function runTimed(client: HttpClient, plan: LoadPlan, warmupMs: number, durationMs: number): Promise<LoadResult> {
  const tally: Tally = { latencies: [], errors: 0, firstError: undefined, measured: 0 };
  const start = now();
  const measureFrom = start + warmupMs;
  const stopAt = measureFrom + durationMs;
  await Promise.all(
    Array.from({ length: plan.clients }, async (_, c) => {
      for (let i = 0; now() < stopAt; i++) {
        const call = plan.next(c, i);
        const counted = now() >= measureFrom;
        await callOnce(client, call, counted ? tally : undefined, plan.measure);
      }
    }),
  );
  return result(plan, tally, Math.max(now(), stopAt) - measureFrom);
}

/** Closed loop for a fixed number of calls shared by the clients, after `warmup` uncounted calls. */
export async function runCounted(client: HttpClient, plan: LoadPlan, total: number, warmup = 0): Promise<LoadResult> {
  const tally: Tally = { latencies: [], errors: 0, firstError: undefined, measured: 0 };
  let issued = 0;
  let warmed = 0;
  const loop = async (c: number, counted: () => boolean, limit: () => boolean): Promise<void> => {
    for (let i = 0; limit(); i++) await callOnce(client, plan.next(c, i), counted() ? tally : undefined, plan.measure);
  };
  await Promise.all(Array.from({ length: plan.clients }, (_, c) => loop(c, () => false, () => warmed++ < warmup)));
  const start = now();
  await Promise.all(Array.from({ length: plan.clients }, (_, c) => loop(c, () => true, () => issued++ < total)));
  return result(plan, tally, now() - start);
}
