import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { ModelKeepApiError } from './api-error.js';
import { mapWithConcurrency } from './concurrency.js';
import { type CallOptions, type Transport, nodeStreamOf } from './transport.js';
import type { StoredBlob } from './types.js';

const pathOf = (digest: string): string => `/api/v1/blobs/${encodeURIComponent(digest)}`;

export interface PutBlobOptions extends CallOptions {
  /** Sent as Content-Length, so the server can refuse an oversized body before reading it. Read from the file for a path. */
  readonly size?: number | undefined;
  /**
   * Called with the number of bytes handed to the connection, chunk by chunk.
   * When an upload from a path is retried, it is first called with minus what
   * the failed attempt had reported, so a running total stays right.
   */
  readonly onProgress?: ((bytes: number) => void) | undefined;
}

export interface BlobDownload {
  /** The bytes; the caller must consume or destroy it. */
  readonly stream: Readable;
  /** Bytes in this response (the range's length for a range). */
  readonly length: number | undefined;
  /** For a range: where it sits in the blob, and the blob's full size. */
  readonly range: { readonly start: number; readonly end: number; readonly size: number } | undefined;
}

/** Content-addressed artifact bytes, named `sha256:<hex>`. */
export class BlobsApi {
  constructor(private readonly http: Transport) {}

  /**
   * Uploads a blob, streamed. The server hashes the bytes and keeps them only
   * if they match `digest`. From a file path the upload is retried after a
   * connection error (the file is read again); from a stream it is not.
   * @throws ModelKeepApiError `digest_mismatch`, `body_too_large`, `invalid_request`
   */
  async put(digest: string, source: string | Readable, options: PutBlobOptions = {}): Promise<StoredBlob> {
    const { size: given, onProgress, signal } = options;
    const size = typeof source === 'string' ? (await stat(source)).size : given;
    let reported = 0;
    const body = (): Readable => {
      if (reported !== 0) onProgress?.(-reported);
      reported = 0;
      const bytes = typeof source === 'string' ? createReadStream(source, { highWaterMark: 1024 * 1024 }) : source;
      if (onProgress === undefined) return bytes;
      return Readable.from(
        (async function* () {
          for await (const chunk of bytes as AsyncIterable<Buffer>) {
            reported += chunk.length;
            onProgress(chunk.length);
            yield chunk;
          }
        })(),
      );
    };
    const headers: Record<string, string> = { 'content-type': 'application/octet-stream' };
    if (size !== undefined) headers['content-length'] = String(size);
    return this.http.json({ method: 'PUT', path: pathOf(digest), body, headers, idempotent: typeof source === 'string', timeout: 'none', signal });
  }

  /** Whether the registry holds the blob (HEAD). */
  async exists(digest: string, options: CallOptions = {}): Promise<boolean> {
    return (await this.head(digest, options)) !== undefined;
  }

  /**
   * The blob's headers (HEAD), or undefined when it is not stored. `size` is
   * the Content-Length the server declares.
   */
  async head(digest: string, options: CallOptions = {}): Promise<{ digest: string; size: number | undefined } | undefined> {
    try {
      return await this.http.exchange({ method: 'HEAD', path: pathOf(digest), ...options }, async (response) => ({ digest, size: lengthOf(response) }));
    } catch (error) {
      if (error instanceof ModelKeepApiError && error.status === 404) return undefined;
      throw error;
    }
  }

  /** The digests among `digests` that the registry lacks, each once, in the order given. */
  async missing(digests: readonly string[], options: CallOptions & { concurrency?: number } = {}): Promise<string[]> {
    const { concurrency = 8, ...call } = options;
    const unique = [...new Set(digests)];
    const present = await mapWithConcurrency(unique, concurrency, (digest) => this.exists(digest, call));
    return unique.filter((_, index) => !present[index]);
  }

  /**
   * Downloads a blob, or one byte range of it (`end` inclusive, as in HTTP).
   * The timeout bounds only the wait for the answer to start, not the transfer.
   * @throws ModelKeepApiError `not_found`, `range_not_satisfiable`
   */
  get(digest: string, options: CallOptions & { range?: { start: number; end?: number } } = {}): Promise<BlobDownload> {
    const { range, ...call } = options;
    const headers: Record<string, string> = range === undefined ? {} : { range: `bytes=${range.start}-${range.end ?? ''}` };
    return this.http.exchange({ method: 'GET', path: pathOf(digest), headers, timeout: 'headers', ...call }, async (response) => ({
      stream: nodeStreamOf(response),
      length: lengthOf(response),
      range: contentRangeOf(response),
    }));
  }
}

function lengthOf(response: Response): number | undefined {
  const header = response.headers.get('content-length');
  return header !== null && /^\d+$/.test(header) ? Number(header) : undefined;
}

function contentRangeOf(response: Response): BlobDownload['range'] {
  const match = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(response.headers.get('content-range') ?? '');
  return match === null ? undefined : { start: Number(match[1]), end: Number(match[2]), size: Number(match[3]) };
}
