import { RegistryError } from '../errors/registry-error.js';
import type { ByteRange } from './blob-store.js';

/**
 * Fits a requested inclusive range to a blob of `size` bytes the way RFC 9110
 * §14.1.2 does: an end at or past the last byte is cut to the last byte, and
 * only a start past the end is unsatisfiable (so any range on an empty blob is).
 */
export function resolveRange(range: ByteRange, size: number): ByteRange {
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    throw new RegistryError('invalid_request', `The byte range ${start}-${end} is malformed`);
  }
  if (start >= size) {
    throw new RegistryError('range_not_satisfiable', `The byte range ${start}-${end} starts past the end of a ${size}-byte blob`, {
      extensions: { size },
    });
  }
  return { start, end: Math.min(end, size - 1) };
}
