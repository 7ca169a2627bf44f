import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnServer, killHard } from '../support/child-server.js';
import { problemsWith, readAllEntries } from '../support/ledger-check.js';
import { testPostgresUrl, uniqueSchemaName } from '../support/postgres.js';
import { dialects } from '../support/test-registry.js';

const call = async (url: string, token: string, method: string, path: string, body?: unknown) => {
  const response = await fetch(url + path, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': body === undefined ? 'application/octet-stream' : 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json().catch(() => undefined)) as any };
};

for (const { name: dialect, skip } of dialects) {
  describe.skipIf(skip)(`durability on ${dialect}`, () => {
    it('keeps every acknowledged write through kill -9 and a restart, with a ledger that still verifies', async () => {
      const dataDir = await mkdtemp(join(tmpdir(), 'mk-crash-'));
      const schema = dialect === 'postgres' ? uniqueSchemaName() : undefined;
      const token = `mk_test_${randomBytes(24).toString('hex')}`;
      const config = { dataDir, adminToken: token, ...(schema ? { db: testPostgresUrl, dbSchema: schema } : {}) };
      try {
        const first = await spawnServer(config);
        await call(first.url, token, 'POST', '/api/v1/namespaces', { name: 'crash' });
        await call(first.url, token, 'POST', '/api/v1/models', { namespace: 'crash', name: 'm' });
        const bytes = randomBytes(4096);
        const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
        const upload = await fetch(`${first.url}/api/v1/blobs/${digest}`, { method: 'PUT', headers: { authorization: `Bearer ${token}` }, body: bytes });
        expect(upload.status).toBe(201);

        // Eight writers register versions as fast as they can; the server is killed while they run.
        const acknowledged: number[] = [];
        let stop = false;
        const writers = Array.from({ length: 8 }, async () => {
          while (!stop) {
            try {
              const response = await call(first.url, token, 'POST', '/api/v1/models/crash/m/versions', { manifest: [{ path: 'w', sha256: digest, size: bytes.length }] });
              if (response.status === 201) acknowledged.push(response.body.number);
            } catch {
              return; // connection reset by the kill
            }
          }
        });
        while (acknowledged.length < 150) await new Promise((r) => setTimeout(r, 5));
        await killHard(first.process);
        stop = true;
        await Promise.all(writers);

        const second = await spawnServer(config);
        try {
          for (const number of acknowledged) {
            const version = await call(second.url, token, 'GET', `/api/v1/models/crash/m/versions/${number}`);
            expect(version.status, `version ${number} was acknowledged`).toBe(200);
          }
          const blob = await fetch(`${second.url}/api/v1/blobs/${digest}`, { headers: { authorization: `Bearer ${token}` } });
          expect(Buffer.from(await blob.arrayBuffer()).equals(bytes)).toBe(true);
          const entries = await readAllEntries(second.url, token);
          expect(problemsWith(entries)).toEqual([]);
          const registered = entries.filter((e) => e.action === 'version.registered').length;
          expect(registered).toBeGreaterThanOrEqual(acknowledged.length);
          // And the registry carries on numbering where it stopped.
          const next = await call(second.url, token, 'POST', '/api/v1/models/crash/m/versions', { manifest: [{ path: 'w', sha256: digest, size: bytes.length }] });
          expect(next.body.number).toBe(registered + 1);
        } finally {
          await killHard(second.process);
        }
      } finally {
        await rm(dataDir, { recursive: true, force: true });
      }
    });
  });
}
