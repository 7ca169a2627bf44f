import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { RegistryError } from '../errors/registry-error.js';
import { type Digest, digestFromHex } from './digest.js';

export interface MeterLimits {
  readonly maxBytes?: number;
  readonly expectedSize?: number;
  /** Buffering on each side of the meter; large so hashing and disk writes work in big strides. */
  readonly highWaterMark: number;
}

/**
 * A pass-through stage that hashes and counts bytes on their way to disk, so
 * the body is read once and never held whole in memory. It fails the stream
 * the moment a limit is crossed rather than after the whole body has arrived.
 */
export class DigestMeter extends Transform {
  #hash: Hash = createHash('sha256');
  #bytes = 0;
  readonly #limits: MeterLimits;

  constructor(limits: MeterLimits) {
    super({ highWaterMark: limits.highWaterMark });
    this.#limits = limits;
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** Only meaningful once the stream has finished. */
  digest(): Digest {
    return digestFromHex(this.#hash.digest('hex'));
  }

  override _transform(chunk: unknown, encoding: BufferEncoding, callback: TransformCallback): void {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, encoding) : (chunk as Uint8Array);
    this.#bytes += bytes.byteLength;
    const { maxBytes, expectedSize } = this.#limits;
    if (maxBytes !== undefined && this.#bytes > maxBytes) {
      callback(new RegistryError('body_too_large', `The body is larger than the limit of ${maxBytes} bytes`, { extensions: { maxBytes } }));
      return;
    }
    if (expectedSize !== undefined && this.#bytes > expectedSize) {
      callback(longerThanExpected(expectedSize));
      return;
    }
    this.#hash.update(bytes);
    callback(null, bytes);
  }
}

function longerThanExpected(expectedSize: number): RegistryError {
  return new RegistryError('invalid_request', `The body is longer than the expected size of ${expectedSize} bytes`, {
    extensions: { expectedSize },
  });
}
