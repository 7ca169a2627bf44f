import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/server/registry-config.js';
import { type ApiResponse, callAs, dialects, discardTestRegistry, startTestRegistry, type TestRegistry } from '../support/test-registry.js';

const run = promisify(execFile);

interface RawAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** One GET with node's own clients, so the test controls which certificates are trusted. */
function get(url: string, options: { ca?: Buffer; token?: string } = {}): Promise<RawAnswer> {
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      target,
      { method: 'GET', headers: options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }, ...(options.ca === undefined ? {} : { ca: options.ca }), timeout: 5000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}

/** A throwaway self-signed P-256 certificate for 127.0.0.1, valid for a day. */
async function selfSignedCertificate(dir: string): Promise<{ cert: string; key: string }> {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  await run('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert,
  ]);
  return { cert, key };
}

describe('resolving the TLS configuration from the environment', () => {
  const base = { MODELKEEP_DATA: '/tmp/mk-config-test' };

  it('serves HTTPS with both the certificate and the key, resolved to absolute paths', () => {
    const config = resolveConfig({}, { ...base, MODELKEEP_TLS_CERT: 'tls/cert.pem', MODELKEEP_TLS_KEY: 'tls/key.pem' });
    expect(config.tls).toEqual({ cert: join(process.cwd(), 'tls/cert.pem'), key: join(process.cwd(), 'tls/key.pem') });
  });

  it('serves plain HTTP when neither is set, or both are empty', () => {
    expect(resolveConfig({}, base).tls).toBeUndefined();
    expect(resolveConfig({}, { ...base, MODELKEEP_TLS_CERT: '', MODELKEEP_TLS_KEY: '' }).tls).toBeUndefined();
  });

  it.each([
    ['only the certificate', { MODELKEEP_TLS_CERT: 'cert.pem' }],
    ['only the key', { MODELKEEP_TLS_KEY: 'key.pem' }],
    ['the certificate with an empty key', { MODELKEEP_TLS_CERT: 'cert.pem', MODELKEEP_TLS_KEY: '' }],
  ])('refuses to start with %s rather than silently serving plain HTTP', (_what, env) => {
    expect(() => resolveConfig({}, { ...base, ...env })).toThrow(/Set both MODELKEEP_TLS_CERT and MODELKEEP_TLS_KEY/);
  });
});

describe.each(dialects)('transport security and rate limits, on $name', ({ name: dialect, skip }) => {
  describe('over HTTPS', () => {
    let dir: string;
    let ca: Buffer;
    let registry: TestRegistry;

    beforeAll(async () => {
      if (skip) return;
      dir = await mkdtemp(join(tmpdir(), 'mk-tls-'));
      const tls = await selfSignedCertificate(dir);
      ca = await readFile(tls.cert);
      registry = await startTestRegistry(dialect, { tls });
    });
    afterAll(async () => {
      if (registry) await discardTestRegistry(registry);
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it.skipIf(skip)('announces an https URL', () => {
      expect(registry.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    });

    it.skipIf(skip)('answers health checks and authenticated calls to a client that trusts the certificate', async () => {
      const health = await get(`${registry.url}/healthz`, { ca });
      expect(health.status).toBe(200);
      expect(JSON.parse(health.body)).toEqual({ status: 'ok' });
      const who = await get(`${registry.url}/api/v1/whoami`, { ca, token: registry.adminToken });
      expect(who.status, who.body).toBe(200);
      expect(JSON.parse(who.body)).toMatchObject({ principal: expect.stringMatching(/^(user|service):/) });
    });

    it.skipIf(skip)('still refuses an authenticated route without a credential over TLS', async () => {
      const refused = await get(`${registry.url}/api/v1/whoami`, { ca });
      expect(refused.status).toBe(401);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    });

    it.skipIf(skip)('is not reachable by a client that does not trust the certificate', async () => {
      await expect(get(`${registry.url}/healthz`)).rejects.toThrow(/self[- ]signed|certificate/i);
    });

    it.skipIf(skip)('does not answer plain HTTP on the same port', async () => {
      const plain = registry.url.replace(/^https:/, 'http:');
      const answer = await get(`${plain}/api/v1/whoami`, { token: registry.adminToken }).then(
        (response) => response,
        (error: Error) => error,
      );
      // Either the connection is dropped, or (never) a 200 over plaintext with the token in the clear.
      expect(answer).toBeInstanceOf(Error);
    });
  });

  describe('with a per-principal limit of 5 requests a minute', () => {
    let registry: TestRegistry;
    // The admin issues the two tokens (2 of its 5) and reads the audit log (its 3rd).
    let alice: string;
    let bob: string;

    beforeAll(async () => {
      if (skip) return;
      registry = await startTestRegistry(dialect, { rateLimitPerMinute: 5 });
      const issue = async (principal: string) => {
        const issued = await registry.api('POST', '/api/v1/tokens', { name: principal.replace(':', '-'), principal });
        expect(issued.status, JSON.stringify(issued.body)).toBe(201);
        return issued.body.token as string;
      };
      alice = await issue('user:alice');
      bob = await issue('user:bob');
    });
    afterAll(async () => {
      if (registry) await discardTestRegistry(registry);
    });

    it.skipIf(skip)("refuses a principal's sixth request in the minute with a rate_limited problem and a retry hint", async () => {
      const answers: ApiResponse[] = [];
      for (let i = 0; i < 6; i++) answers.push(await callAs(registry, alice, 'GET', '/api/v1/whoami'));
      expect(answers.slice(0, 5).map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
      const refused = answers[5]!;
      expect(refused.status).toBe(429);
      expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(refused.body).toMatchObject({
        type: 'https://modelkeep.dev/problems/rate_limited',
        title: expect.any(String),
        status: 429,
        code: 'rate_limited',
        instance: '/api/v1/whoami',
        detail: expect.stringMatching(/More than 5 requests in a minute; retry after \d+ s/),
        retryAfterSeconds: expect.any(Number),
      });
      expect(refused.body.retryAfterSeconds).toBeGreaterThan(0);
      expect(refused.body.retryAfterSeconds).toBeLessThanOrEqual(60);
      expect(Number(refused.headers.get('retry-after'))).toBe(refused.body.retryAfterSeconds);
    });

    it.skipIf(skip)('keeps refusing that principal while the minute lasts', async () => {
      expect((await callAs(registry, alice, 'GET', '/api/v1/whoami')).status).toBe(429);
    });

    it.skipIf(skip)("does not spend another principal's budget", async () => {
      const other = await callAs(registry, bob, 'GET', '/api/v1/whoami');
      expect(other.status).toBe(200);
      expect(other.body).toMatchObject({ principal: 'user:bob' });
    });

    it.skipIf(skip)('never limits the health check, whoever asks', async () => {
      for (let i = 0; i < 8; i++) {
        const health = await fetch(`${registry.url}/healthz`, { headers: { authorization: `Bearer ${alice}` } });
        expect(health.status).toBe(200);
      }
    });

    it.skipIf(skip)('records each refusal in the audit log as a 429 for the principal', async () => {
      await registry.server.registry.access.flush();
      const audit = await registry.api('GET', `/api/v1/audit?kind=access&actor=${encodeURIComponent('user:alice')}`);
      expect(audit.status, JSON.stringify(audit.body)).toBe(200);
      const statuses = (audit.body.items as { status: number; subject: string }[]).map((item) => item.status);
      expect(statuses.filter((status) => status === 200)).toHaveLength(5);
      expect(statuses.filter((status) => status === 429)).toHaveLength(2);
      expect(audit.body.items.find((item: { status: number }) => item.status === 429)).toMatchObject({ kind: 'access', actor: 'user:alice', action: 'api.read', subject: '/api/v1/whoami' });
    });
  });
});
