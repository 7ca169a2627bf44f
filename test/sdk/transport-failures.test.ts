import { mkdtemp, writeFile } from 'node:fs/promises';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ModelKeepApiError, ModelKeepClient } from '../../src/sdk/index.js';
import { failure } from './expect-api-error.js';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

/** A stand-in server that answers as told and counts requests. */
async function stub(handler: Handler): Promise<{ url: string; calls: () => number; server: Server }> {
  let calls = 0;
  const server = createServer((request, response) => {
    calls++;
    handler(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, calls: () => calls, server };
}

const unavailableThen = (failures: number, body: unknown): Handler => {
  let seen = 0;
  return (_request, response) => {
    if (seen++ < failures) {
      response.writeHead(503, { 'content-type': 'application/problem+json', 'retry-after': '0' });
      response.end(JSON.stringify({ type: 'x', title: 'busy', status: 503, detail: 'The registry is starting', instance: '/', code: 'unavailable' }));
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  };
};


describe('ModelKeepClient when the network or server misbehaves', { timeout: 20_000 }, () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  });

  it('retries a GET after 503 and returns the eventual answer', async () => {
    const fake = await stub(unavailableThen(2, { principal: 'user:x', roles: [] }));
    servers.push(fake.server);
    const client = new ModelKeepClient({ baseUrl: fake.url, token: 't' });
    expect(await client.whoami()).toEqual({ principal: 'user:x', roles: [] });
    expect(fake.calls()).toBe(3);
  });

  it('gives up after its retries with the last problem', async () => {
    const fake = await stub(unavailableThen(10, {}));
    servers.push(fake.server);
    const error = await failure(new ModelKeepClient({ baseUrl: fake.url, retries: 1 }).health());
    expect(error).toMatchObject({ code: 'unavailable', status: 503, detail: 'The registry is starting' });
    expect(fake.calls()).toBe(2);
  });

  it('does not repeat a POST that carries no Idempotency-Key', async () => {
    const fake = await stub(unavailableThen(1, { name: 'n' }));
    servers.push(fake.server);
    await failure(new ModelKeepClient({ baseUrl: fake.url }).namespaces.create({ name: 'n' }));
    expect(fake.calls()).toBe(1);
  });

  it('repeats a POST that carries an Idempotency-Key, sending the same key each time', async () => {
    const keys: (string | undefined)[] = [];
    const answer = unavailableThen(1, { number: 1 });
    const fake = await stub((request, response) => {
      keys.push(request.headers['idempotency-key'] as string | undefined);
      request.resume().on('end', () => answer(request, response));
    });
    servers.push(fake.server);
    await new ModelKeepClient({ baseUrl: fake.url }).versions.register({ namespace: 'a', name: 'b' }, { manifest: [{ path: 'f', sha256: `sha256:${'0'.repeat(64)}`, size: 0 }] });
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).toBe(keys[0]);
  });

  it('sends an upload from a file again after a 503, keeping the progress total right', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'modelkeep-retry-')), 'blob.bin');
    await writeFile(path, Buffer.alloc(100_000, 7));
    const lengths: number[] = [];
    const answer = unavailableThen(1, { digest: 'sha256:x', size: 100_000, created: true });
    const fake = await stub((request, response) => {
      let length = 0;
      request.on('data', (chunk: Buffer) => (length += chunk.length)).on('end', () => {
        lengths.push(length);
        answer(request, response);
      });
    });
    servers.push(fake.server);
    let progress = 0;
    await new ModelKeepClient({ baseUrl: fake.url }).blobs.put(`sha256:${'a'.repeat(64)}`, path, { onProgress: (n) => (progress += n) });
    expect(lengths).toEqual([100_000, 100_000]);
    expect(progress).toBe(100_000);
  });

  it('reports a server that cannot be reached as unavailable, naming its URL', async () => {
    const fake = await stub(() => undefined);
    const url = fake.url;
    await new Promise<void>((resolve) => fake.server.close(() => resolve()));
    const error = await failure(new ModelKeepClient({ baseUrl: url, retries: 0 }).whoami());
    expect(error).toMatchObject({ code: 'unavailable', status: 0 });
    expect(error.detail).toContain(`The ModelKeep server at ${url} could not be reached`);
  });

  it('gives up on a server that does not answer within the timeout', async () => {
    const fake = await stub(() => undefined);
    servers.push(fake.server);
    const error = await failure(new ModelKeepClient({ baseUrl: fake.url, timeoutMs: 200, retries: 0 }).whoami());
    expect(error).toMatchObject({ code: 'unavailable', status: 0 });
    expect(error.detail).toMatch(/did not answer within 200 ms/);
  });

  it("rejects with the caller's reason when the caller aborts, without retrying", async () => {
    const fake = await stub(() => undefined);
    servers.push(fake.server);
    const controller = new AbortController();
    const call = new ModelKeepClient({ baseUrl: fake.url }).whoami({ signal: controller.signal });
    setTimeout(() => controller.abort(new Error('user cancelled')), 50);
    await expect(call).rejects.toThrow('user cancelled');
    expect(fake.calls()).toBe(1);
  });

  it('makes a problem out of an error answer that is not one', async () => {
    const fake = await stub((_request, response) => {
      response.writeHead(502, { 'content-type': 'text/html' });
      response.end('<h1>Bad gateway</h1>');
    });
    servers.push(fake.server);
    const error = await failure(new ModelKeepClient({ baseUrl: fake.url, retries: 0 }).whoami());
    expect(error).toMatchObject({ code: 'unavailable', status: 502 });
    expect(error.detail).toContain('answered 502');
  });

  it('refuses a base URL that is not http or https', () => {
    expect(() => new ModelKeepClient({ baseUrl: 'ftp://example.com' })).toThrow(/http or https/);
    expect(() => new ModelKeepClient({ baseUrl: 'localhost:8080' })).toThrow();
  });
});
