import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RegistryError } from '../../src/errors/registry-error.js';
import { type ManifestEntryInput, manifestDigest, normaliseManifest } from '../../src/artifacts/manifest.js';

const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;
const C = `sha256:${'c'.repeat(64)}`;

function refusal(entries: readonly ManifestEntryInput[]): RegistryError {
  try {
    normaliseManifest(entries);
  } catch (error) {
    if (error instanceof RegistryError) return error;
    throw error;
  }
  throw new Error('normaliseManifest accepted the manifest');
}

describe('normaliseManifest', () => {
  it('normalises paths and sorts the entries', () => {
    const manifest = normaliseManifest([
      { path: './weights//model.bin', sha256: A, size: 10 },
      { path: 'config.json', sha256: B, size: 2 },
    ]);
    expect(manifest).toEqual([
      { path: 'config.json', sha256: B, size: 2 },
      { path: 'weights/model.bin', sha256: A, size: 10 },
    ]);
  });

  it('sorts by UTF-8 bytes, not by UTF-16 code units', () => {
    // U+FF61 is EF BD A1 in UTF-8 and sorts before U+1F600 (F0 9F 98 80),
    // although in UTF-16 the emoji's high surrogate D83D comes first.
    const manifest = normaliseManifest([
      { path: '\u{1F600}', sha256: A, size: 1 },
      { path: '\uff61', sha256: B, size: 1 },
    ]);
    expect(manifest.map((entry) => entry.path)).toEqual(['\uff61', '\u{1F600}']);
  });

  it('refuses a path listed twice once normalised', () => {
    const error = refusal([
      { path: 'a/b', sha256: A, size: 1 },
      { path: './a//b', sha256: B, size: 1 },
    ]);
    expect(error.code).toBe('invalid_request');
    expect(error.message).toContain('"a/b"');
    expect(error.extensions).toEqual({ path: 'a/b' });
  });

  it('refuses two spellings of one name that are equal in NFC', () => {
    const error = refusal([
      { path: 'caf\u00e9', sha256: A, size: 1 },
      { path: 'cafe\u0301', sha256: A, size: 1 },
    ]);
    expect(error.code).toBe('invalid_request');
  });

  it('refuses a path that is both a file and a folder', () => {
    const error = refusal([
      { path: 'a', sha256: A, size: 1 },
      { path: 'a/b', sha256: B, size: 1 },
    ]);
    expect(error.code).toBe('invalid_request');
    expect(error.message).toMatch(/"a" as a file and also "a\/b"/);
  });

  it('refuses an empty manifest', () => {
    expect(refusal([]).code).toBe('invalid_request');
  });

  it('refuses more than 10,000 entries and accepts exactly 10,000', () => {
    const entries = Array.from({ length: 10_001 }, (_, index) => ({ path: `f${index}`, sha256: A, size: 1 }));
    expect(refusal(entries).message).toMatch(/at most 10000/);
    expect(normaliseManifest(entries.slice(1))).toHaveLength(10_000);
  });

  it.each([[-1], [1.5], [Number.NaN], [Number.POSITIVE_INFINITY], [2 ** 53], ['1' as unknown as number]])(
    'refuses size %j',
    (size) => {
      const error = refusal([{ path: 'a', sha256: A, size }]);
      expect(error.code).toBe('invalid_request');
      expect(error.message).toMatch(/entry 0 .*non-negative integer/);
    },
  );

  it('refuses a bad digest and says which entry holds it', () => {
    const error = refusal([
      { path: 'a', sha256: A, size: 1 },
      { path: 'b', sha256: A.toUpperCase(), size: 1 },
    ]);
    expect(error.code).toBe('invalid_request');
    expect(error.message).toMatch(/^Manifest entry 1: Invalid digest/);
    expect(error.extensions).toEqual({ index: 1 });
  });

  it('refuses an unsafe path with unsafe_path and its rule', () => {
    const error = refusal([{ path: 'a/../../etc/passwd', sha256: A, size: 1 }]);
    expect(error.code).toBe('unsafe_path');
    expect(error.extensions).toEqual({ rule: 'parent_segment', index: 0 });
  });

  it('accepts a zero-byte file', () => {
    expect(normaliseManifest([{ path: 'empty', sha256: A, size: 0 }])[0]?.size).toBe(0);
  });
});

describe('manifestDigest', () => {
  it('is the SHA-256 of the canonical JSON of the sorted entries', () => {
    const manifest = normaliseManifest([
      { path: 'b.txt', sha256: B, size: 20 },
      { path: 'a.txt', sha256: A, size: 1 },
    ]);
    const canonical = `[{"path":"a.txt","sha256":"${A}","size":1},{"path":"b.txt","sha256":"${B}","size":20}]`;
    const expected = `sha256:${createHash('sha256').update(canonical).digest('hex')}`;
    expect(manifestDigest(manifest)).toBe(expected);
  });

  it('does not depend on the order the entries were sent in', () => {
    const entries = [
      { path: 'config.json', sha256: A, size: 1 },
      { path: 'weights/model-00001.safetensors', sha256: B, size: 2 },
      { path: 'weights/model-00002.safetensors', sha256: C, size: 3 },
      { path: 'README.md', sha256: A, size: 1 },
    ];
    const digests = new Set(
      [entries, [...entries].reverse(), [entries[2], entries[0], entries[3], entries[1]]].map((order) =>
        manifestDigest(normaliseManifest(order as ManifestEntryInput[])),
      ),
    );
    expect(digests.size).toBe(1);
  });

  it('does not depend on how the paths were spelled', () => {
    const plain = manifestDigest(normaliseManifest([{ path: 'caf\u00e9/a', sha256: A, size: 1 }]));
    const spelled = manifestDigest(normaliseManifest([{ path: './cafe\u0301//a', sha256: A, size: 1 }]));
    expect(spelled).toBe(plain);
  });

  it('ignores fields outside path, sha256 and size', () => {
    const plain = manifestDigest(normaliseManifest([{ path: 'a', sha256: A, size: 1 }]));
    const extra = { path: 'a', sha256: A, size: 1, mode: 0o755 } as ManifestEntryInput;
    expect(manifestDigest(normaliseManifest([extra]))).toBe(plain);
  });

  it('changes when any size, digest or path changes', () => {
    const base = { path: 'a', sha256: A, size: 1 };
    const digests = new Set(
      [base, { ...base, size: 2 }, { ...base, sha256: B }, { ...base, path: 'b' }].map((entry) =>
        manifestDigest(normaliseManifest([entry])),
      ),
    );
    expect(digests.size).toBe(4);
  });
});
