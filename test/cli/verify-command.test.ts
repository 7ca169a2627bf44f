import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestRegistry, jsonOf, runCli, startTestRegistry } from './cli-harness.js';

describe('modelkeep verify (offline, the command)', () => {
  let registry: TestRegistry;
  let blobPath: string;

  beforeAll(async () => {
    registry = await startTestRegistry();
    await registry.client.namespaces.create({ name: 'ops', description: 'Ops' });
    await registry.client.models.create({ namespace: 'ops', name: 'forecaster', description: 'Load forecaster' });
    const body = Buffer.from('forecaster weights');
    const { createHash } = await import('node:crypto');
    const digest = `sha256:${createHash('sha256').update(body).digest('hex')}`;
    const put = await fetch(`${registry.url}/api/v1/blobs/${digest}`, { method: 'PUT', headers: { authorization: `Bearer ${registry.adminToken}` }, body });
    expect(put.status).toBeLessThan(300);
    await registry.client.versions.register({ namespace: 'ops', name: 'forecaster' }, { manifest: [{ path: 'w.bin', sha256: digest, size: body.length }] });
    blobPath = join(registry.dataDir, 'blobs', 'sha256', digest.slice(7, 9), digest.slice(7));
    // Stop the server so its final checkpoint and access batch are written; verify reads the data directory alone.
    await registry.server.close();
  });

  afterAll(async () => {
    await registry?.close().catch(() => undefined);
  });

  it('exits 0 with a JSON report when the data directory is consistent', async () => {
    const run = await runCli(['verify', '--data', registry.dataDir, '--json'], { env: registry.env });
    expect(run.code, run.stderr).toBe(0);
    const report = jsonOf<{ ok: boolean; errors: number; ledger: { entries: number; latestCheckpoint: { matches: boolean } }; blobs: { blobs: number } }>(run);
    expect(report.ok).toBe(true);
    expect(report.errors).toBe(0);
    expect(report.ledger.latestCheckpoint.matches).toBe(true);
    expect(report.blobs.blobs).toBe(1);
  });

  it('exits 8 and names the blob when one was altered on disk', async () => {
    const original = await readFile(blobPath);
    await writeFile(blobPath, Buffer.from('poisoned weights'));
    try {
      const run = await runCli(['verify', '--data', registry.dataDir], { env: registry.env });
      expect(run.code).toBe(8);
      expect(run.stdout).toMatch(/error: blob sha256:[0-9a-f]{64}: its content hashes to sha256:[0-9a-f]{64}: the file was altered/);
      expect(run.stdout).toContain('Verification FAILED');
    } finally {
      await writeFile(blobPath, original);
    }
    const skipped = await runCli(['verify', '--data', registry.dataDir, '--skip-blobs'], { env: registry.env });
    expect(skipped.code).toBe(0);
    expect(skipped.stdout).toContain('blobs: skipped');
  });

  it('says what to do when there is no registry at --data', async () => {
    const run = await runCli(['verify', '--data', join(registry.dataDir, 'nowhere')], { env: registry.env });
    expect(run.code).not.toBe(0);
    expect(run.code).not.toBe(8);
    expect(run.stderr).toContain('There is no registry database');
  });

  it('refuses remote-only options without --remote', async () => {
    const run = await runCli(['verify', '--data', registry.dataDir, '--since', 'checkpoint.txt'], { env: registry.env });
    expect(run.stderr).toContain('--since works with --remote only');
  });
});
