import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonOf, runCli } from '../cli/cli-harness.js';
import { testPostgresUrl, uniqueSchemaName } from '../support/postgres.js';
import { type TestRegistry, dialects, discardTestRegistry, startTestRegistry, uploadBlob } from '../support/test-registry.js';
import { rewriteArchive } from './rewrite-archive.js';

for (const { name: dialect, skip } of dialects) {
  describe.skipIf(skip)(`modelkeep backup and restore on the command line, on ${dialect}`, () => {
    let source: TestRegistry;
    let scratch: string;
    let targets = 0;

    beforeAll(async () => {
      scratch = await mkdtemp(join(tmpdir(), 'mk-backup-cli-'));
      source = await startTestRegistry(dialect);
      await source.api('POST', '/api/v1/namespaces', { name: 'fraud', description: 'fraud team' });
      await source.api('POST', '/api/v1/models', { namespace: 'fraud', name: 'scorer' });
      const blob = await uploadBlob(source, 'weights');
      await source.api('POST', '/api/v1/models/fraud/scorer/versions', { manifest: [{ path: 'w.bin', sha256: blob.digest, size: blob.size }] });
    });

    afterAll(async () => {
      if (source) await discardTestRegistry(source);
      await rm(scratch, { recursive: true, force: true });
    });

    /** CLI arguments and environment for a registry's data directory (and PostgreSQL schema). */
    const storeOf = (dataDir: string, schema: string | undefined) => ({
      args: ['--data', dataDir, ...(dialect === 'postgres' ? ['--db', testPostgresUrl] : [])],
      env: { HOME: scratch, ...(schema === undefined ? {} : { MODELKEEP_DB_SCHEMA: schema }) },
    });
    const freshTarget = () => {
      const schema = dialect === 'postgres' ? uniqueSchemaName() : undefined;
      return storeOf(join(scratch, `restored-${++targets}-${Date.now()}`), schema);
    };
    const backUp = async (file: string) => {
      const from = storeOf(source.dataDir, source.schema);
      return runCli(['--json', 'backup', file, ...from.args], { env: from.env });
    };

    it('backs up with --json, a 0600 archive, and restores it into a new registry', async () => {
      const file = join(scratch, 'nightly.tar');
      const backup = await backUp(file);
      expect(backup.code, backup.stderr).toBe(0);
      const summary = jsonOf<{ treeSize: number; rootHash: string; blobs: number; archiveBytes: number; seconds: number }>(backup);
      expect(summary).toMatchObject({ blobs: 1, treeSize: expect.any(Number), rootHash: expect.stringMatching(/=$/), seconds: expect.any(Number) });
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      expect((await stat(file)).size).toBe(summary.archiveBytes);

      const target = freshTarget();
      const key = join(scratch, 'log.key');
      await writeFile(key, await (await fetch(`${source.url}/api/v1/ledger/key`)).text());
      const restore = await runCli(['--json', 'restore', file, ...target.args, '--expect-key', key], { env: target.env });
      expect(restore.code, restore.stderr).toBe(0);
      expect(jsonOf(restore)).toMatchObject({ treeSize: summary.treeSize, rootHash: summary.rootHash, entries: summary.treeSize, blobs: 1, database: dialect });

      const verify = await runCli(['--json', 'verify', ...target.args, '--key', key], { env: target.env });
      expect(verify.code, verify.stdout + verify.stderr).toBe(0);
      expect(jsonOf(verify)).toMatchObject({ ok: true, errors: 0 });
    });

    it('exits 8 with a verification_failed problem for an altered archive', async () => {
      const file = join(scratch, 'for-tampering.tar');
      expect((await backUp(file)).code).toBe(0);
      const altered = join(scratch, 'altered.tar');
      await rewriteArchive(file, altered, (m) => (m.name.startsWith('ledger/entries/') ? m.bytes.toString().replace('"fraud team"', '"fraud tean"') : undefined));
      const target = freshTarget();
      const restore = await runCli(['--json', 'restore', altered, ...target.args], { env: target.env });
      expect(restore.code).toBe(8);
      expect(jsonOf(restore)).toMatchObject({ code: 'verification_failed', exit: 8 });
      expect(restore.stderr).toMatch(/do not hash to the root.*Nothing was restored/);
      expect(restore.stderr).toMatch(/hint: /);
    });

    it('exits 4 and names the fix when the target is not empty or the file exists', async () => {
      const file = join(scratch, 'again.tar');
      expect((await backUp(file)).code).toBe(0);
      const into = storeOf(source.dataDir, source.schema);
      const restore = await runCli(['restore', file, ...into.args], { env: into.env });
      expect(restore.code).toBe(4);
      expect(restore.stderr).toMatch(/not empty: its ledger holds \d+ entries/);
      expect(restore.stderr).toMatch(/hint: Restore into a new data directory/);

      const again = await backUp(file);
      expect(again.code).toBe(4);
      expect(again.stderr).toMatch(/already exists.*--force/);
    });

    it('exits 3 when there is no registry to back up', async () => {
      const nothing = storeOf(join(scratch, 'no-such-dir'), dialect === 'postgres' ? uniqueSchemaName() : undefined);
      const run = await runCli(['backup', join(scratch, 'none.tar'), ...nothing.args], { env: nothing.env });
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(/no (registry database|ledger signing key)/i);
    });

    it('explains itself in --help, with examples and the 0600 archive', async () => {
      for (const command of ['backup', 'restore']) {
        const help = await runCli([command, '--help']);
        expect(help.code).toBe(0);
        expect(help.stdout).toMatch(/Examples:\n {2}\$ /);
        expect(help.stdout).toContain('0600');
      }
    });
  });
}
