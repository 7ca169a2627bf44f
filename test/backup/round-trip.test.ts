import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BackupSummary, writeBackup } from '../../src/backup/write-backup.js';
import { type RestoreSummary, restoreBackup } from '../../src/backup/restore-backup.js';
import { parseVerifierKey, verifyCheckpoint } from '../../src/ledger/verifier/index.js';
import { openStore } from '../../src/store/open-store.js';
import { verifyRegistry } from '../../src/verify/verify-registry.js';
import { storedRoot } from '../../src/store/merkle/prove-from-store.js';
import { readCanonicalEntries } from '../../src/store/queries/read-canonical-entries.js';
import { ledgerSize } from '../../src/store/queries/read-ledger.js';
import { testPostgresUrl, uniqueSchemaName } from '../support/postgres.js';
import { type DialectName, type TestRegistry, dialects, discardTestRegistry, startTestRegistry, uploadBlob, tokenFor } from '../support/test-registry.js';

const sha256 = (bytes: Buffer): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/** Where a registry keeps its data, as backup and restore take it. */
function configOf(dialect: DialectName, dataDir: string, schema: string | undefined) {
  return { dataDir, db: dialect === 'postgres' ? testPostgresUrl : undefined, dbSchema: schema };
}

for (const { name: dialect, skip } of dialects) {
  describe.skipIf(skip)(`backup while serving, then restore, on ${dialect}`, () => {
    let source: TestRegistry;
    let restored: TestRegistry | undefined;
    let scratch: string;
    let restoredDir: string;
    const restoredSchema = dialect === 'postgres' ? uniqueSchemaName() : undefined;
    const blobs = new Map<string, Buffer>();
    let viewerToken: string;
    let backup: BackupSummary;
    let restore: RestoreSummary;
    let writtenDuringBackup = 0;
    let sourceSizeAfter = 0;

    beforeAll(async () => {
      scratch = await mkdtemp(join(tmpdir(), 'mk-backup-'));
      restoredDir = join(scratch, 'restored');
      // Checkpoints every 50 ms and reads anchored every 50 ms, so the backup carries earlier signed checkpoints and an access log too.
      source = await startTestRegistry(dialect, { checkpointIntervalMs: 50, accessFlushMs: 50 });
      for (const name of ['fraud', 'search']) expect((await source.api('POST', '/api/v1/namespaces', { name, description: `${name} team` })).status).toBe(201);
      for (const [ns, name] of [['fraud', 'scorer'], ['search', 'ranker']]) {
        expect((await source.api('POST', '/api/v1/models', { namespace: ns, name, description: `the ${name}`, tags: ['prod'] })).status).toBe(201);
      }
      // One large blob makes the backup take long enough for writes to land while it runs.
      for (const bytes of [randomBytes(24 * 1024 * 1024), Buffer.from('config v1'), Buffer.from('tokenizer v1')]) {
        const { digest } = await uploadBlob(source, bytes);
        blobs.set(digest, bytes);
      }
      const [weights, config, tokenizer] = [...blobs.entries()].map(([digest, bytes]) => ({ sha256: digest, size: bytes.length }));
      const first = await source.api('POST', '/api/v1/models/fraud/scorer/versions', {
        manifest: [{ path: 'weights.bin', ...weights }, { path: 'config.json', ...config }],
        license: 'Apache-2.0',
        metrics: { auc: 0.93 },
      });
      expect(first.status).toBe(201);
      expect((await source.api('POST', '/api/v1/models/fraud/scorer/versions/1/publish', {})).status).toBe(200);
      viewerToken = await tokenFor(source, 'service:dashboards', [{ role: 'viewer' }]);
      for (const path of ['/api/v1/models/fraud/scorer', '/api/v1/models/fraud/scorer/versions/1', '/api/v1/namespaces']) {
        expect((await source.api('GET', path)).status).toBe(200);
      }
      await source.server.registry.access.flush();

      // A client keeps registering versions for as long as the backup runs.
      let backingUp = true;
      const registering = (async () => {
        for (let i = 0; backingUp && i < 2000; i += 1) {
          const response = await source.api('POST', '/api/v1/models/search/ranker/versions', { manifest: [{ path: 'tok.json', ...tokenizer }], metrics: { ndcg: i } });
          expect(response.status).toBe(201);
        }
      })();
      await new Promise((resolve) => setTimeout(resolve, 100));
      const sizeWhenStarted = await headSize(source);
      try {
        backup = await writeBackup({ config: configOf(dialect, source.dataDir, source.schema), file: join(scratch, 'backup.tar') });
      } finally {
        writtenDuringBackup = (await headSize(source)) - sizeWhenStarted;
        backingUp = false;
        await registering;
      }
      sourceSizeAfter = await headSize(source);

      restore = await restoreBackup({ config: configOf(dialect, restoredDir, restoredSchema), file: backup.file });
    });

    afterAll(async () => {
      if (restored) await discardTestRegistry(restored);
      if (source) await discardTestRegistry(source);
      await rm(scratch, { recursive: true, force: true });
    });

    const headSize = async (registry: TestRegistry): Promise<number> => (await registry.api('GET', '/api/v1/ledger/entries?from=0&to=0')).body.size;
    const allVersionUrns = async (registry: TestRegistry): Promise<string[]> => {
      const urns: string[] = [];
      for (let cursor: string | null = null; ; ) {
        const { body } = await registry.api('GET', `/api/v1/versions?limit=500${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`);
        urns.push(...body.items.map((v: { urn: string }) => v.urn));
        cursor = body.nextCursor;
        if (cursor === null) return urns.sort();
      }
    };
    const startRestored = async (): Promise<TestRegistry> => {
      restored ??= await startTestRegistry(dialect, { dataDir: restoredDir, schema: restoredSchema, adminToken: source.adminToken });
      return restored;
    };

    it('takes its snapshot while versions keep being registered', () => {
      expect(writtenDuringBackup).toBeGreaterThan(0);
      expect(sourceSizeAfter).toBeGreaterThan(backup.treeSize);
      expect(backup).toMatchObject({ blobs: 3, blobBytes: [...blobs.values()].reduce((n, b) => n + b.length, 0), entries: backup.treeSize });
      expect(backup.checkpoints).toBeGreaterThan(0);
    });

    it('writes the archive with mode 0600 and leaves no temporary file', async () => {
      expect((await stat(backup.file)).mode & 0o777).toBe(0o600);
      expect(await readdir(scratch)).toEqual(expect.not.arrayContaining([expect.stringMatching(/partial/)]));
    });

    it('restores the ledger to the same N entries with the same root as the checkpoint', async () => {
      expect(restore).toMatchObject({ treeSize: backup.treeSize, rootHash: backup.rootHash, entries: backup.treeSize, blobs: 3 });
      const store = await openStore({ location: dialect === 'postgres' ? testPostgresUrl : join(restoredDir, 'modelkeep.db'), schema: restoredSchema });
      try {
        expect(await ledgerSize(store.db)).toBe(backup.treeSize);
        expect((await storedRoot(store.db, backup.treeSize)).toString('base64')).toBe(backup.rootHash);
        const ours = await readCanonicalEntries(store.db, 0, backup.treeSize);
        const theirs = await readCanonicalEntries(source.server.registry.store.db, 0, backup.treeSize);
        expect(ours).toEqual(theirs);
      } finally {
        await store.close();
      }
      // The source's own tree at N has that root too.
      const { body } = await source.api('GET', `/api/v1/ledger/proofs/consistency?from=${backup.treeSize}&to=${sourceSizeAfter}`);
      expect(body.fromRoot).toBe(backup.rootHash);
    });

    it('restores the signing key (mode 0600), so the restored log keeps signing as the same log', async () => {
      expect((await stat(join(restoredDir, 'ledger-key.pem'))).mode & 0o777).toBe(0o600);
      const registry = await startRestored();
      const keyText = await (await fetch(`${registry.url}/api/v1/ledger/key`)).text();
      expect(keyText).toBe(await (await fetch(`${source.url}/api/v1/ledger/key`)).text());
      const key = parseVerifierKey(keyText);
      const kept = await registry.api('GET', `/api/v1/ledger/checkpoint?size=${backup.treeSize}`);
      expect(kept.status).toBe(200);
      const checkpoint = verifyCheckpoint(kept.body, key);
      expect(checkpoint).toMatchObject({ size: backup.treeSize });
      expect(checkpoint.root.toString('base64')).toBe(backup.rootHash);
      const latest = verifyCheckpoint((await registry.api('GET', '/api/v1/ledger/checkpoint')).body, key);
      const { body } = await registry.api('GET', `/api/v1/ledger/proofs/consistency?from=${backup.treeSize}&to=${latest.size}`);
      expect(body.fromRoot).toBe(backup.rootHash);
    });

    it('serves the models and versions the source had at N, and none registered after', async () => {
      const registry = await startRestored();
      const entries = await readCanonicalEntries(source.server.registry.store.db, 0, backup.treeSize);
      const registeredAtN = entries
        .map((e) => JSON.parse(e.canonical) as { action: string; subject: string })
        .filter((e) => e.action === 'version.registered')
        .map((e) => e.subject)
        .sort();
      const listed = await allVersionUrns(registry);
      expect(listed).toEqual(registeredAtN);
      expect(listed.length).toBeLessThan((await allVersionUrns(source)).length);
      for (const urn of listed as string[]) {
        const [, ref] = urn.split(':version:');
        const [model, number] = ref!.split('@');
        const path = `/api/v1/models/${model}/versions/${number}`;
        expect((await registry.api('GET', path)).body, urn).toEqual((await source.api('GET', path)).body);
      }
      const scorer = '/api/v1/models/fraud/scorer';
      expect((await registry.api('GET', scorer)).body).toEqual((await source.api('GET', scorer)).body);
    });

    it('serves every blob intact', async () => {
      const registry = await startRestored();
      for (const [digest, bytes] of blobs) {
        const response = await fetch(`${registry.url}/api/v1/blobs/${digest}`, { headers: { authorization: `Bearer ${source.adminToken}` } });
        expect(response.status).toBe(200);
        const body = Buffer.from(await response.arrayBuffer());
        expect(body.length).toBe(bytes.length);
        expect(sha256(body)).toBe(digest);
      }
    });

    it('accepts the tokens of the backed-up registry, which are ledger entries', async () => {
      const registry = await startRestored();
      const whoami = await fetch(`${registry.url}/api/v1/whoami`, { headers: { authorization: `Bearer ${viewerToken}` } });
      expect(whoami.status).toBe(200);
      expect(await whoami.json()).toMatchObject({ principal: 'service:dashboards', roles: ['viewer'] });
      expect((await registry.api('GET', '/api/v1/whoami')).body).toMatchObject({ roles: ['admin'] });
    });

    it('restores the access log anchored below N', async () => {
      expect(backup.accessRecords).toBeGreaterThan(0);
      expect(restore.accessRecords).toBe(backup.accessRecords);
      const registry = await startRestored();
      const rows = (db: typeof registry.server.registry.store.db) =>
        db.selectFrom('access_log').selectAll().where('batch_seq', '<', backup.treeSize).orderBy('id').execute();
      const restoredRows = await rows(registry.server.registry.store.db);
      expect(restoredRows.length).toBe(backup.accessRecords);
      expect(restoredRows).toEqual(await rows(source.server.registry.store.db));
    });

    it('passes `modelkeep verify` on the restored registry: ledger, checkpoints, projections, access log and blobs', async () => {
      const registry = await startRestored();
      await registry.server.registry.access.flush();
      await registry.server.registry.writer.idle();
      const report = await verifyRegistry({
        store: registry.server.registry.store,
        key: parseVerifierKey(registry.server.registry.signer.verifierKey),
        blobRoot: join(restoredDir, 'blobs'),
      });
      expect(report.problems).toEqual([]);
      expect(report.ok).toBe(true);
      expect(report.accessLog.records).toBeGreaterThanOrEqual(backup.accessRecords);
    });
  });
}
