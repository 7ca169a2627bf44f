import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RegistryError } from '../../src/errors/registry-error.js';
import { type Digest, digestOfBytes } from '../../src/artifacts/digest.js';
import { FsBlobStore, STALE_UPLOAD_MS } from '../../src/artifacts/fs-blob-store.js';

let root: string;
let store: FsBlobStore;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'modelkeep-blobs-'));
  store = new FsBlobStore(root);
  await store.init();
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const bodyOf = (...chunks: Buffer[]): Readable => Readable.from(chunks);

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}

async function registryFailure(promise: Promise<unknown>): Promise<RegistryError> {
  const error = await failure(promise);
  if (error instanceof RegistryError) return error;
  throw error;
}

async function expectNothingBehind(digest: Digest): Promise<void> {
  expect(await readdir(join(root, 'incoming'))).toEqual([]);
  await expect(stat(store.pathOf(digest))).rejects.toMatchObject({ code: 'ENOENT' });
  expect(await store.stat(digest)).toBeUndefined();
}

describe('FsBlobStore.put', () => {
  it('stores a blob whose hash matches and reads it back', async () => {
    const content = Buffer.from('hello, weights');
    const digest = digestOfBytes(content);

    expect(await store.put(digest, bodyOf(content))).toEqual({ size: content.length, created: true });

    expect(await store.stat(digest)).toEqual({ digest, size: content.length });
    expect(await readAll(await store.open(digest))).toEqual(content);
    expect(store.pathOf(digest)).toBe(join(root, 'sha256', digest.slice(7, 9), digest.slice(7)));
    expect(await readdir(join(root, 'incoming'))).toEqual([]);
  });

  it('makes finished blobs read-only', async () => {
    const content = Buffer.from('frozen');
    const digest = digestOfBytes(content);
    await store.put(digest, bodyOf(content));
    expect((await stat(store.pathOf(digest))).mode & 0o777).toBe(0o444);
  });

  it('round-trips a multi-megabyte body sent in many small chunks', async () => {
    const content = randomBytes(5 * 1024 * 1024 + 17);
    const chunks = Array.from({ length: Math.ceil(content.length / 65_536) }, (_, index) =>
      content.subarray(index * 65_536, (index + 1) * 65_536),
    );
    const digest = digestOfBytes(content);
    expect(await store.put(digest, bodyOf(...chunks), { expectedSize: content.length })).toEqual({
      size: content.length,
      created: true,
    });
    expect((await readAll(await store.open(digest))).equals(content)).toBe(true);
  });

  it('stores an empty blob', async () => {
    const digest = digestOfBytes('');
    expect(await store.put(digest, bodyOf())).toEqual({ size: 0, created: true });
    expect(await readAll(await store.open(digest))).toEqual(Buffer.alloc(0));
  });

  it('a wrong digest leaves nothing behind', async () => {
    const claimed = digestOfBytes('what the client promised');
    const actual = digestOfBytes('what the client sent');

    const error = await registryFailure(store.put(claimed, bodyOf(Buffer.from('what the client sent'))));

    expect(error.code).toBe('digest_mismatch');
    expect(error.message).toContain(claimed);
    expect(error.message).toContain(actual);
    expect(error.extensions).toEqual({ expected: claimed, actual });
    await expectNothingBehind(claimed);
    await expectNothingBehind(actual);
  });

  it('an aborted upload leaves nothing behind', async () => {
    const digest = digestOfBytes('never finished');
    const cut = new Error('connection reset');
    const body = new Readable({
      read() {
        this.push(randomBytes(256 * 1024));
        setImmediate(() => this.destroy(cut));
      },
    });

    expect(await failure(store.put(digest, body))).toBe(cut);
    await expectNothingBehind(digest);
  });

  it('refuses a body over the size limit', async () => {
    const content = randomBytes(1000);
    const digest = digestOfBytes(content);

    const error = await registryFailure(store.put(digest, bodyOf(content), { maxBytes: 999 }));

    expect(error.code).toBe('body_too_large');
    await expectNothingBehind(digest);
    expect(await store.put(digest, bodyOf(content), { maxBytes: 1000 })).toMatchObject({ created: true });
  });

  it('stops reading an endless body as soon as it passes the limit', async () => {
    let sent = 0;
    const endless = new Readable({
      read() {
        sent += 64 * 1024;
        this.push(Buffer.alloc(64 * 1024));
      },
    });
    const digest = digestOfBytes('anything');

    expect((await registryFailure(store.put(digest, endless, { maxBytes: 1024 * 1024 }))).code).toBe('body_too_large');
    expect(sent).toBeLessThan(8 * 1024 * 1024);
    await expectNothingBehind(digest);
  });

  it.each([
    ['shorter', 11],
    ['longer', 9],
  ])('refuses a body %s than the expected size', async (_name, expectedSize) => {
    const content = Buffer.from('0123456789');
    const digest = digestOfBytes(content);

    const error = await registryFailure(store.put(digest, bodyOf(content), { expectedSize }));

    expect(error.code).toBe('invalid_request');
    expect(error.message).toMatch(/expected/);
    await expectNothingBehind(digest);
  });

  it('second put of same blob returns created=false', async () => {
    const content = Buffer.from('shared tokenizer');
    const digest = digestOfBytes(content);
    await store.put(digest, bodyOf(content));

    expect(await store.put(digest, bodyOf(content))).toEqual({ size: content.length, created: false });
    expect(await readdir(join(root, 'incoming'))).toEqual([]);
  });

  it('still checks the body when the blob already exists', async () => {
    const content = Buffer.from('genuine');
    const digest = digestOfBytes(content);
    await store.put(digest, bodyOf(content));

    expect((await registryFailure(store.put(digest, bodyOf(Buffer.from('forged'))))).code).toBe('digest_mismatch');
    expect(await readAll(await store.open(digest))).toEqual(content);
  });

  it('keeps one copy when the same blob is uploaded concurrently', async () => {
    const content = randomBytes(300_000);
    const digest = digestOfBytes(content);

    const results = await Promise.all([1, 2, 3].map(() => store.put(digest, bodyOf(content))));

    expect(results.every((result) => result.size === content.length)).toBe(true);
    expect(results.some((result) => result.created)).toBe(true);
    expect(await readdir(join(root, 'sha256', digest.slice(7, 9)))).toEqual([digest.slice(7)]);
    expect(await readdir(join(root, 'incoming'))).toEqual([]);
  });

  it('refuses a forged digest rather than use it as a file name', async () => {
    const forged = 'sha256:../../../etc/passwd' as Digest;
    expect((await registryFailure(store.put(forged, bodyOf(Buffer.from('x'))))).code).toBe('invalid_request');
    expect(await readdir(join(root, 'incoming'))).toEqual([]);
  });
});

describe('FsBlobStore.open', () => {
  const content = Buffer.from('0123456789abcdef');
  const digest = digestOfBytes(content);

  beforeEach(async () => {
    await store.put(digest, bodyOf(content));
  });

  it('reads a byte range', async () => {
    expect((await readAll(await store.open(digest, { start: 2, end: 5 }))).toString()).toBe('2345');
    expect((await readAll(await store.open(digest, { start: 15, end: 15 }))).toString()).toBe('f');
  });

  it('cuts a range that runs past the end to the last byte, as HTTP does', async () => {
    expect((await readAll(await store.open(digest, { start: 10, end: 1_000 }))).toString()).toBe('abcdef');
  });

  it('refuses a range that starts past the end', async () => {
    expect((await registryFailure(store.open(digest, { start: 16, end: 20 }))).code).toBe('range_not_satisfiable');
  });

  it('refuses any range of an empty blob', async () => {
    const empty = digestOfBytes('');
    await store.put(empty, bodyOf());
    expect((await registryFailure(store.open(empty, { start: 0, end: 0 }))).code).toBe('range_not_satisfiable');
  });

  it.each([
    [{ start: 5, end: 2 }],
    [{ start: -1, end: 2 }],
    [{ start: 0.5, end: 2 }],
  ])('refuses the malformed range %j', async (range) => {
    expect((await registryFailure(store.open(digest, range))).code).toBe('invalid_request');
  });

  it('reports a blob that is not stored as not_found', async () => {
    expect((await registryFailure(store.open(digestOfBytes('absent')))).code).toBe('not_found');
  });
});

describe('FsBlobStore.missing and init', () => {
  it('reports missing digests', async () => {
    const stored = digestOfBytes('stored');
    const absent = digestOfBytes('absent');
    const alsoAbsent = digestOfBytes('also absent');
    await store.put(stored, bodyOf(Buffer.from('stored')));

    expect(await store.missing([absent, stored, alsoAbsent, absent])).toEqual([absent, alsoAbsent]);
    expect(await store.missing([stored])).toEqual([]);
    expect(await store.missing([])).toEqual([]);
  });

  it('clears uploads a crash left in incoming, but not one still being written', async () => {
    const abandoned = join(root, 'incoming', 'half-written');
    await writeFile(abandoned, 'partial');
    const longAgo = new Date(Date.now() - STALE_UPLOAD_MS - 60_000);
    await utimes(abandoned, longAgo, longAgo);
    await writeFile(join(root, 'incoming', 'live'), 'another server is writing this');

    await new FsBlobStore(root).init();

    expect(await readdir(join(root, 'incoming'))).toEqual(['live']);
  });

  it('creates its folders on first use without an explicit init', async () => {
    const fresh = join(root, 'fresh');
    const lazy = new FsBlobStore(fresh);
    const digest = digestOfBytes('lazy');
    await lazy.put(digest, bodyOf(Buffer.from('lazy')));
    expect(await lazy.stat(digest)).toEqual({ digest, size: 4 });
  });
});
