import { createHash, randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestRegistry, dialects, discardTestRegistry, startTestRegistry } from '../support/test-registry.js';

const digestOf = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

for (const { name: dialect, skip } of dialects) {
  describe.skipIf(skip)(`blob API on ${dialect}`, () => {
    let registry: TestRegistry;
    const put = (digest: string, body: Buffer, headers: Record<string, string> = {}) =>
      fetch(`${registry.url}/api/v1/blobs/${digest}`, { method: 'PUT', headers: { authorization: `Bearer ${registry.adminToken}`, ...headers }, body });
    const get = (digest: string, headers: Record<string, string> = {}) =>
      fetch(`${registry.url}/api/v1/blobs/${digest}`, { headers: { authorization: `Bearer ${registry.adminToken}`, ...headers } });

    beforeAll(async () => {
      registry = await startTestRegistry(dialect, { maxBlobBytes: 4 * 1024 * 1024 });
    });
    afterAll(async () => {
      if (registry) await discardTestRegistry(registry);
    });

    it('stores a blob whose hash matches, whatever its content type, and serves it back', async () => {
      const bytes = randomBytes(300_000);
      const digest = digestOf(bytes);
      const created = await put(digest, bytes, { 'content-type': 'application/json' });
      expect(created.status).toBe(201);
      expect(await created.json()).toEqual({ digest, size: bytes.length, created: true });
      expect((await put(digest, bytes)).status).toBe(200);
      const fetched = await get(digest);
      expect(fetched.headers.get('content-length')).toBe(String(bytes.length));
      expect(Buffer.from(await fetched.arrayBuffer()).equals(bytes)).toBe(true);
    });

    it('serves a byte range with 206 and refuses one past the end with 416', async () => {
      const bytes = Buffer.from('0123456789');
      const digest = digestOf(bytes);
      await put(digest, bytes);
      const partial = await get(digest, { range: 'bytes=2-5' });
      expect(partial.status).toBe(206);
      expect(partial.headers.get('content-range')).toBe('bytes 2-5/10');
      expect(await partial.text()).toBe('2345');
      expect(await (await get(digest, { range: 'bytes=-3' })).text()).toBe('789');
      const beyond = await get(digest, { range: 'bytes=50-' });
      expect(beyond.status).toBe(416);
      expect((await beyond.json()).code).toBe('range_not_satisfiable');
    });

    it('answers HEAD with the size and no body, and 404 for an absent blob', async () => {
      const bytes = randomBytes(1234);
      const digest = digestOf(bytes);
      await put(digest, bytes);
      const head = await fetch(`${registry.url}/api/v1/blobs/${digest}`, { method: 'HEAD', headers: { authorization: `Bearer ${registry.adminToken}` } });
      expect(head.status).toBe(200);
      expect(head.headers.get('content-length')).toBe('1234');
      const ranged = await fetch(`${registry.url}/api/v1/blobs/${digest}`, { method: 'HEAD', headers: { authorization: `Bearer ${registry.adminToken}`, range: 'bytes=0-9' } });
      expect(ranged.status).toBe(206);
      expect(ranged.headers.get('content-length')).toBe('10');
      const absent = await fetch(`${registry.url}/api/v1/blobs/${digestOf(Buffer.from('absent'))}`, { method: 'HEAD', headers: { authorization: `Bearer ${registry.adminToken}` } });
      expect(absent.status).toBe(404);
    });

    it('refuses a body that does not hash to its digest and leaves nothing behind', async () => {
      const bytes = randomBytes(100_000);
      const wrong = digestOf(Buffer.from('something else'));
      const before = await filesUnder(join(registry.dataDir, 'blobs'));
      const response = await put(wrong, bytes);
      expect(response.status).toBe(422);
      expect((await response.json()).code).toBe('digest_mismatch');
      expect((await get(wrong)).status).toBe(404);
      expect(await filesUnder(join(registry.dataDir, 'blobs'))).toEqual(before);
    });

    it('refuses a malformed digest', async () => {
      const response = await put('sha256:ABC', Buffer.from('x'));
      expect(response.status).toBe(400);
      expect((await put(`md5:${'a'.repeat(32)}`, Buffer.from('x'))).status).toBe(400);
    });

    it('refuses a body over the size limit with 413 and stores nothing', async () => {
      const bytes = randomBytes(5 * 1024 * 1024);
      const before = await filesUnder(join(registry.dataDir, 'blobs'));
      const response = await put(digestOf(bytes), bytes);
      expect(response.status).toBe(413);
      expect(await filesUnder(join(registry.dataDir, 'blobs'))).toEqual(before);
    });

    it('leaves nothing behind when the client aborts an upload half way', async () => {
      const bytes = randomBytes(2 * 1024 * 1024);
      const digest = digestOf(bytes);
      const before = await filesUnder(join(registry.dataDir, 'blobs'));
      await new Promise<void>((resolve) => {
        const url = new URL(`${registry.url}/api/v1/blobs/${digest}`);
        const req = request({ hostname: url.hostname, port: url.port, path: url.pathname, method: 'PUT', headers: { authorization: `Bearer ${registry.adminToken}`, 'content-length': bytes.length } });
        req.on('error', () => resolve());
        req.write(bytes.subarray(0, 512 * 1024), () => setTimeout(() => { req.destroy(); resolve(); }, 100));
      });
      // The server notices the reset asynchronously; wait until its temporary file is gone.
      let after: string[] = [];
      for (let i = 0; i < 50; i += 1) {
        after = await filesUnder(join(registry.dataDir, 'blobs'));
        if (after.length === before.length) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(after).toEqual(before);
      expect((await get(digest)).status).toBe(404);
    });

    it('refuses uploads without a token before reading the body', async () => {
      const response = await fetch(`${registry.url}/api/v1/blobs/${digestOf(Buffer.from('x'))}`, { method: 'PUT', body: 'x' });
      expect(response.status).toBe(401);
    });
  });
}
