import { Worker } from 'node:worker_threads';
import { type ErrorCode, isErrorCode } from '../../errors/codes.js';
import { RegistryError } from '../../errors/registry-error.js';
import type { ArgsOf, CommandTable, ResultOf, WriteContext, WriteOutcome, Writer } from '../write-command.js';

/** What crosses from the writer thread: a result, or an error reduced to its code. */
export type WriterReply =
  | { readonly id: number; readonly outcome: WriteOutcome<unknown> }
  | { readonly id: number; readonly error: { readonly code: ErrorCode; readonly message: string; readonly extensions: Record<string, unknown> } };

/** Asks the writer thread to close its database and end. */
export const CLOSE = 'close';

export interface WriterRequest {
  readonly id: number;
  readonly context: WriteContext;
  readonly name: string;
  readonly args: unknown;
}

interface Pending {
  resolve(outcome: WriteOutcome<unknown>): void;
  reject(error: unknown): void;
}

/**
 * Runs the SQLite writer on a thread of its own, so SQL, hashing and fsync
 * use the second core while the main thread serves HTTP. Commands cross as
 * name + arguments; SQLite's WAL lets the main thread's connection read
 * while this one writes.
 */
export class ThreadWriter<T extends CommandTable> implements Writer<T> {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;

  constructor(
    private readonly entry: URL,
    private readonly workerData: unknown,
  ) {}

  write<K extends keyof T & string>(context: WriteContext, name: K, args: ArgsOf<T, K>): Promise<WriteOutcome<ResultOf<T, K>>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const worker = this.thread();
      // Referenced only while answers are owed, so an idle writer never keeps the process alive.
      if (this.pending.size === 0) worker.ref();
      this.pending.set(id, { resolve: resolve as Pending['resolve'], reject });
      const request: WriterRequest = { id, context, name, args };
      worker.postMessage(request);
    });
  }

  async idle(): Promise<void> {
    while (this.pending.size > 0) await new Promise((resolve) => setTimeout(resolve, 5));
  }

  /** Lets the thread finish its queue and close its connection; forces it only if it does not within 10 s. */
  async close(): Promise<void> {
    await this.idle();
    const worker = this.worker;
    this.worker = undefined;
    if (worker === undefined) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.ref();
    worker.postMessage(CLOSE);
    const timer = setTimeout(() => void worker.terminate(), 10_000);
    await exited;
    clearTimeout(timer);
  }

  private thread(): Worker {
    if (this.worker !== undefined) return this.worker;
    // The thread takes none of the process's flags: several (--input-type, V8 heap sizes) make a Worker refuse to start.
    const execArgv: string[] = [];
    // A small young generation: the writer's garbage is short-lived and small, and RSS stays low.
    const worker = new Worker(this.entry, { workerData: this.workerData, execArgv, resourceLimits: { maxYoungGenerationSizeMb: 4 } });
    worker.on('message', (reply: WriterReply) => this.settle(reply));
    // A writer thread that dies takes its queue with it; the next write starts a new one.
    const fail = (cause: unknown) => {
      if (this.worker === worker) this.worker = undefined;
      const error = new RegistryError('unavailable', 'The registry writer stopped; the change may not have been made. Retry with the same Idempotency-Key.', { cause });
      for (const { reject } of this.pending.values()) reject(error);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (this.worker === worker) fail(new Error(`writer thread exited with code ${code}`));
    });
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private settle(reply: WriterReply): void {
    const pending = this.pending.get(reply.id);
    if (pending === undefined) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker?.unref();
    if ('outcome' in reply) {
      pending.resolve(reply.outcome);
      return;
    }
    const { code, message, extensions } = reply.error;
    pending.reject(new RegistryError(isErrorCode(code) ? code : 'internal', message, { extensions }));
  }
}

/** The writer thread's side of the conversation: run each request, reply with its outcome or error. */
export function serveWrites<T extends CommandTable>(
  writer: Writer<T>,
  port: { on(event: 'message', listener: (request: WriterRequest | typeof CLOSE) => void): unknown; postMessage(reply: WriterReply): void; close(): void },
  closeDatabase: () => Promise<void>,
): void {
  port.on('message', (request) => {
    if (request === CLOSE) {
      void writer.close().then(closeDatabase).finally(() => port.close());
      return;
    }
    writer.write(request.context, request.name as keyof T & string, request.args as never).then(
      (outcome) => port.postMessage({ id: request.id, outcome }),
      (error: unknown) => {
        const known = error instanceof RegistryError;
        port.postMessage({
          id: request.id,
          error: {
            code: known ? error.code : 'internal',
            message: known ? error.message : `The write failed unexpectedly: ${(error as Error)?.message ?? String(error)}`,
            extensions: known ? { ...error.extensions } : {},
          },
        });
      },
    );
  });
}
