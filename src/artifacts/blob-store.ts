import type { Readable } from 'node:stream';
import type { Digest } from './digest.js';

export interface BlobStat {
  readonly digest: Digest;
  readonly size: number;
}

export interface PutOptions {
  /** Refuse with `body_too_large` as soon as the body grows past this many bytes. */
  readonly maxBytes?: number;
  /** Refuse with `invalid_request` when the body is not exactly this long (e.g. Content-Length or the manifest size). */
  readonly expectedSize?: number;
}

/** An inclusive byte range, as in an HTTP `Range: bytes=start-end` header (RFC 9110 §14.1.2). */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/**
 * Immutable, content-addressed storage for artifact bytes. A blob is named by
 * the SHA-256 of its content, so it can never change once written and two
 * model versions sharing a file share its bytes.
 */
export interface BlobStore {
  /**
   * Streams `body` in, hashing as it arrives; the blob becomes visible only if
   * its SHA-256 equals `digest`. A mismatch, an over-size body or an aborted
   * stream leaves nothing behind. Returns created=false when the blob already
   * existed (the body is still read and checked).
   *
   * @throws RegistryError `digest_mismatch`, `body_too_large`, `invalid_request`
   *   (size differs from `expectedSize`, or bad options); stream errors are rethrown as they are.
   */
  put(digest: Digest, body: NodeJS.ReadableStream | Readable, options?: PutOptions): Promise<{ size: number; created: boolean }>;

  stat(digest: Digest): Promise<BlobStat | undefined>;

  /**
   * Reads a blob, or a byte range of it (inclusive start, inclusive end as in
   * HTTP Range). As in HTTP, an `end` at or past the last byte means "to the
   * end of the blob"; a `start` past the last byte is `range_not_satisfiable`.
   *
   * @throws RegistryError `not_found`, `range_not_satisfiable`, `invalid_request` (malformed range)
   */
  open(digest: Digest, range?: ByteRange): Promise<Readable>;

  /** The digests among `digests` that are not stored, each once, in the order given. */
  missing(digests: readonly Digest[]): Promise<Digest[]>;
}
