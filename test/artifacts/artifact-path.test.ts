import { describe, expect, it } from 'vitest';
import { RegistryError } from '../../src/errors/registry-error.js';
import { normaliseArtifactPath } from '../../src/artifacts/artifact-path.js';

function refusal(raw: string): RegistryError {
  try {
    const accepted = normaliseArtifactPath(raw);
    throw new Error(`accepted ${JSON.stringify(raw)} as ${JSON.stringify(accepted)}`);
  } catch (error) {
    if (error instanceof RegistryError) return error;
    throw error;
  }
}

describe('normaliseArtifactPath refuses paths that could leave the model folder', () => {
  it.each([
    ['', 'empty'],
    ['.', 'empty'],
    ['./.', 'empty'],
    ['.//.', 'empty'],
    ['a'.repeat(1025), 'too_long'],
    ['é'.repeat(513), 'too_long'],
    ['/etc/passwd', 'absolute'],
    ['/', 'absolute'],
    ['C:\\x', 'windows_drive'],
    ['c:/x', 'windows_drive'],
    ['C:', 'windows_drive'],
    ['z:x', 'windows_drive'],
    ['\\\\server\\share\\x', 'unc'],
    ['//server/share/x', 'unc'],
    ['a\\b', 'backslash'],
    ['\\x', 'backslash'],
    ['a\u0000b', 'control_character'],
    ['a\nb', 'control_character'],
    ['a\tb', 'control_character'],
    ['a\u001fb', 'control_character'],
    ['a\u007fb', 'control_character'],
    ['a\u0085b', 'control_character'],
    ['../x', 'parent_segment'],
    ['..', 'parent_segment'],
    ['a/..', 'parent_segment'],
    ['a/../../x', 'parent_segment'],
    ['a/../b', 'parent_segment'],
    ['a//..//b', 'parent_segment'],
    ['a%2e%2e/b', 'encoded_separator'],
    ['%2e%2e%2fetc', 'encoded_separator'],
    ['%2E%2E/x', 'encoded_separator'],
    ['a%2fb', 'encoded_separator'],
    ['a%5cb', 'encoded_separator'],
    ['%00', 'encoded_separator'],
    ['a%0ab', 'encoded_separator'],
    ['a%7fb', 'encoded_separator'],
    ['%252e%252e/x', 'encoded_separator'],
    ['%25252f', 'encoded_separator'],
    ['%c0%ae%c0%ae/x', 'encoded_separator'],
    ['a/', 'trailing_slash'],
    ['a/b/', 'trailing_slash'],
    ['./', 'trailing_slash'],
    ['\ud800x', 'malformed_unicode'],
    ['\u2025/x', 'compatibility_traversal'],
    ['\uff0e\uff0e/x', 'compatibility_traversal'],
    ['a/\uff0e\uff0e\uff0f\uff0e\uff0e\uff0fb', 'compatibility_traversal'],
    ['\uff0fetc', 'compatibility_traversal'],
    ['\uff23\uff1a/x', 'compatibility_traversal'],
  ])('refuses %j by rule %s', (raw, rule) => {
    const error = refusal(raw);
    expect(error.code).toBe('unsafe_path');
    expect(error.extensions).toEqual({ rule });
  });

  it('quotes the path JSON-escaped in the message', () => {
    expect(refusal('a\u0000b').message).toContain('"a\\u0000b"');
    expect(refusal('../x').message).toBe('The artifact path "../x" has a ".." segment');
  });

  it('does not echo a whole over-long path back', () => {
    expect(refusal('a'.repeat(100_000)).message.length).toBeLessThan(400);
  });
});

describe('normaliseArtifactPath normalises safe paths', () => {
  it.each([
    ['weights/model.safetensors', 'weights/model.safetensors'],
    ['./a//b/./c', 'a/b/c'],
    ['a/.', 'a'],
    ['./config.json', 'config.json'],
    ['.hidden', '.hidden'],
    ['a..b/..c/d..', 'a..b/..c/d..'],
    ['a%20b', 'a%20b'],
    ['100%25 done.txt', '100%25 done.txt'],
    ['%zz%2', '%zz%2'],
    ['%e2%82%ac.bin', '%e2%82%ac.bin'],
    ['a\uff0fb', 'a\uff0fb'],
  ])('turns %j into %j', (raw, expected) => {
    expect(normaliseArtifactPath(raw)).toBe(expected);
  });

  it('composes to Unicode NFC', () => {
    const decomposed = 'cafe\u0301/re\u0301sume\u0301.txt';
    expect(normaliseArtifactPath(decomposed)).toBe('caf\u00e9/r\u00e9sum\u00e9.txt');
  });

  it('accepts a path of exactly 1024 bytes', () => {
    const raw = `${'a'.repeat(1000)}/${'b'.repeat(23)}`;
    expect(normaliseArtifactPath(raw)).toBe(raw);
  });
});
