import { describe, expect, it } from 'vitest';
import { RegistryError } from '../../src/errors/registry-error.js';
import { digestOfBytes, hexOf, isDigest, parseDigest } from '../../src/artifacts/digest.js';

const HEX = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

function refusal(text: unknown): RegistryError {
  try {
    parseDigest(text);
  } catch (error) {
    if (error instanceof RegistryError) return error;
    throw error;
  }
  throw new Error(`parseDigest accepted ${String(text)}`);
}

describe('parseDigest', () => {
  it('accepts sha256 followed by 64 lowercase hex digits', () => {
    expect(parseDigest(`sha256:${HEX}`)).toBe(`sha256:${HEX}`);
    expect(isDigest(`sha256:${HEX}`)).toBe(true);
  });

  it.each([
    ['uppercase hex', `sha256:${HEX.toUpperCase()}`, /lowercase/],
    ['63 hex digits', `sha256:${HEX.slice(1)}`, /64 hex digits, got 63/],
    ['65 hex digits', `sha256:${HEX}0`, /64 hex digits, got 65/],
    ['another algorithm', `sha512:${HEX}${HEX}`, /unsupported algorithm "sha512"/],
    ['an uppercase algorithm name', `SHA256:${HEX}`, /unsupported algorithm/],
    ['no algorithm', HEX, /expected the form/],
    ['non-hex characters', `sha256:${HEX.slice(0, 63)}g`, /hex digits/],
    ['a trailing newline', `sha256:${HEX}\n`, /hex digits/],
    ['surrounding spaces', ` sha256:${HEX}`, /unsupported algorithm/],
    ['the empty string', '', /expected the form/],
    ['a number', 42, /must be a string/],
  ])('refuses %s with invalid_request', (_name, text, reason) => {
    const error = refusal(text);
    expect(error.code).toBe('invalid_request');
    expect(error.message).toMatch(reason);
    expect(isDigest(text)).toBe(false);
  });

  it('does not echo a hostile megabyte back in the message', () => {
    expect(refusal(`sha256:${'a'.repeat(1_000_000)}`).message.length).toBeLessThan(300);
  });
});

describe('hexOf and digestOfBytes', () => {
  it('gives the hex part of a digest', () => {
    expect(hexOf(parseDigest(`sha256:${HEX}`))).toBe(HEX);
  });

  it('hashes bytes to the well-known digest of the empty string', () => {
    expect(digestOfBytes('')).toBe(`sha256:${HEX}`);
  });
});
