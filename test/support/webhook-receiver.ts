import { type IncomingHttpHeaders, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a receiver got, as it arrived (the raw body is what a signature covers), and what it answered. */
export interface ReceivedRequest {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly status: number;
}

/** Decides the status to answer; `index` counts every request received so far, from 0. */
export type AnswerStatus = (request: Omit<ReceivedRequest, 'status'>, index: number) => number;

/**
 * A webhook receiver on 127.0.0.1, for end-to-end tests of delivery: it
 * keeps every request with the status it answered, so a test can check
 * signatures, count retries and dedupe on `webhook-id` as a real receiver must.
 */
export class WebhookReceiver {
  readonly received: ReceivedRequest[] = [];
  readonly #answer: AnswerStatus;
  #server: Server | undefined;

  constructor(answer: AnswerStatus = () => 200) {
    this.#answer = answer;
  }

  /** Listens on `port` (0: any free one) and returns the port. */
  async listen(port = 0): Promise<number> {
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const got = { path: request.url ?? '/', headers: request.headers, body: Buffer.concat(chunks) };
        const status = this.#answer(got, this.received.length);
        this.received.push({ ...got, status });
        response.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
    this.#server = server;
    return (server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** A loopback port that was free a moment ago and that nothing listens on now: connecting to it is refused. */
export async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Polls `condition` every 25 ms until it holds, failing after `timeoutMs` with `what` in the message. */
export async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
