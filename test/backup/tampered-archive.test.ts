import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listBlobs } from '../../src/backup/list-blobs.js';
import { restoreBackup } from '../../src/backup/restore-backup.js';
import { writeBackup } from '../../src/backup/write-backup.js';
import { RegistryError } from '../../src/errors/registry-error.js';
import { LedgerSigner } from '../../src/ledger/ledger-signer.js';
import { openStore } from '../../src/store/open-store.js';
import { ledgerSize } from '../../src/store/queries/read-ledger.js';
import { testPostgresUrl, uniqueSchemaName } from '../support/postgres.js';
import { type DialectName, type TestRegistry, dialects, discardTestRegistry, startTestRegistry, uploadBlob } from '../support/test-registry.js';
import { type ArchiveMemberCopy, rewriteArchive } from './rewrite-archive.js';

const isEntries = (m: ArchiveMemberCopy) => m.name.startsWith('ledger/entries/');

/** Replaces the first line of the first entries chunk that contains `from`. */
function editEntry(from: string, to: string) {
  let done = false;
  return (m: ArchiveMemberCopy) => {
    if (done || !isEntries(m) || !m.bytes.includes(from)) return undefined;
    done = true;
    return m.bytes.toString('utf8').replace(from, to);
  };
}

for (const { name: dialect, skip } of dialects) {
  describe.skipIf(skip)(`restore refuses a damaged or altered archive and leaves the target empty, on ${dialect}`, () => {
    let source: TestRegistry;
    let scratch: string;
    let archive: string;

    beforeAll(async () => {
      scratch = await mkdtemp(join(tmpdir(), 'mk-tamper-'));
      source = await startTestRegistry(dialect, { checkpointIntervalMs: 20, accessFlushMs: 20 });
      await source.api('POST', '/api/v1/namespaces', { name: 'fraud', description: 'fraud team' });
      await source.api('POST', '/api/v1/models', { namespace: 'fraud', name: 'scorer', description: 'the scorer' });
      const weights = await uploadBlob(source, randomBytes(64 * 1024));
      await new Promise((resolve) => setTimeout(resolve, 100));
      for (let i = 0; i < 5; i += 1) {
        expect((await source.api('POST', '/api/v1/models/fraud/scorer/versions', { manifest: [{ path: 'w.bin', sha256: weights.digest, size: weights.size }] })).status).toBe(201);
      }
      expect((await source.api('GET', '/api/v1/models/fraud/scorer')).status).toBe(200);
      expect((await source.api('GET', '/api/v1/namespaces')).status).toBe(200);
      await source.server.registry.access.flush();
      archive = join(scratch, 'good.tar');
      const summary = await writeBackup({ config: configOf(dialect, source), file: archive });
      expect(summary.checkpoints).toBeGreaterThan(0);
      expect(summary.accessRecords).toBeGreaterThan(0);
    });

    afterAll(async () => {
      if (source) await discardTestRegistry(source);
      await rm(scratch, { recursive: true, force: true });
    });

    /** A fresh, empty target: a new data directory, and with PostgreSQL a new schema. */
    const freshTarget = async () => {
      const schema = dialect === 'postgres' ? uniqueSchemaName() : undefined;
      return { dataDir: await mkdtemp(join(scratch, 'target-')), db: dialect === 'postgres' ? testPostgresUrl : undefined, dbSchema: schema };
    };

    async function expectEmpty(target: Awaited<ReturnType<typeof freshTarget>>): Promise<void> {
      const store = await openStore({ location: target.db ?? join(target.dataDir, 'modelkeep.db'), schema: target.dbSchema });
      try {
        expect(await ledgerSize(store.db)).toBe(0);
        expect(await store.db.selectFrom('ledger_checkpoints').selectAll().execute()).toEqual([]);
        expect(await store.db.selectFrom('namespaces').selectAll().execute()).toEqual([]);
      } finally {
        await store.close();
      }
      expect(await listBlobs(join(target.dataDir, 'blobs'))).toEqual([]);
      expect(existsSync(join(target.dataDir, 'ledger-key.pem'))).toBe(false);
    }

    async function expectRefused(file: string, code: string, message: RegExp, expectedKey?: string): Promise<void> {
      const target = await freshTarget();
      const refusal = await restoreBackup({ config: target, file, expectedKey }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(refusal).toBeInstanceOf(RegistryError);
      expect(refusal).toMatchObject({ code });
      expect((refusal as Error).message).toMatch(message);
      expect((refusal as Error).message).toMatch(/Nothing was restored/);
      await expectEmpty(target);
    }

    const tamper = async (change: Parameters<typeof rewriteArchive>[2]): Promise<string> => {
      const file = join(scratch, `tampered-${randomBytes(4).toString('hex')}.tar`);
      await rewriteArchive(archive, file, change);
      return file;
    };

    it('accepts the untouched archive (the cases below differ from it only by the change they name)', async () => {
      const target = await freshTarget();
      const copy = await tamper(() => undefined);
      await expect(restoreBackup({ config: target, file: copy })).resolves.toMatchObject({ blobs: 1 });
    });

    it('refuses a changed entry, even one still in canonical form', async () => {
      await expectRefused(await tamper(editEntry('"description":"the scorer"', '"description":"the scorer!"')), 'verification_failed', /do not hash to the root/);
    });

    it('refuses an entry that is not in RFC 8785 form', async () => {
      await expectRefused(await tamper(editEntry('"description":"the scorer",', '"description": "the scorer",')), 'verification_failed', /Ledger entry \d+ is not in RFC 8785 canonical form/);
    });

    it('refuses a ledger with an entry left out', async () => {
      const file = await tamper((m) => {
        if (!isEntries(m)) return undefined;
        const lines = m.bytes.toString('utf8').split('\n');
        lines.splice(1, 1);
        return lines.join('\n');
      });
      await expectRefused(file, 'verification_failed', /has seq 2|entries/);
    });

    it('refuses a manifest whose root is not the checkpoint root', async () => {
      const file = await tamper((m) => {
        if (m.name !== 'manifest.json') return undefined;
        const manifest = JSON.parse(m.bytes.toString('utf8'));
        manifest.ledger.rootHash = randomBytes(32).toString('base64');
        return JSON.stringify(manifest);
      });
      await expectRefused(file, 'verification_failed', /root hash is not the root the checkpoint signs/);
    });

    it('refuses a checkpoint whose signature does not verify', async () => {
      const file = await tamper((m) => {
        if (m.name !== 'ledger/checkpoint.txt') return undefined;
        const note = m.bytes.toString('utf8');
        const [text, signature] = note.split('\n\n');
        const line = signature!.trimEnd();
        const sig = Buffer.from(line.slice(line.lastIndexOf(' ') + 1), 'base64');
        sig[sig.length - 1]! ^= 0x01;
        return `${text}\n\n${line.slice(0, line.lastIndexOf(' ') + 1)}${sig.toString('base64')}\n`;
      });
      await expectRefused(file, 'verification_failed', /checkpoint does not verify/);
    });

    it('refuses a signing key that is not the one the verifier key names', async () => {
      const file = await tamper((m) => (m.name === 'ledger/ledger-key.pem' ? LedgerSigner.generatePem() : undefined));
      await expectRefused(file, 'verification_failed', /signing key in the archive is not the key its verifier key names/);
    });

    it('refuses an archive not signed by the expected key, when told which', async () => {
      const other = LedgerSigner.fromPem(LedgerSigner.generatePem());
      await expectRefused(archive, 'verification_failed', /not by the expected key/, other.verifierKey);
    });

    it('refuses a corrupted blob, naming it', async () => {
      const file = await tamper((m) => {
        if (!m.name.startsWith('blobs/')) return undefined;
        const bytes = Buffer.from(m.bytes);
        bytes[100]! ^= 0xff;
        return bytes;
      });
      await expectRefused(file, 'verification_failed', /Blob sha256:[0-9a-f]{64} is corrupt in the archive/);
    });

    it('refuses an archive that lacks a blob its manifest lists', async () => {
      await expectRefused(await tamper((m) => (m.name.startsWith('blobs/') ? null : undefined)), 'verification_failed', /lacks blob sha256:/);
    });

    it('refuses an altered access record, and one left out', async () => {
      const altered = await tamper((m) => (m.name.startsWith('access/') ? m.bytes.toString('utf8').replace('/api/v1/namespaces', '/api/v1/namespacez') : undefined));
      await expectRefused(altered, 'verification_failed', /Access records \d+-\d+ do not hash to the root ledger entry \d+ anchors/);
      const dropped = await tamper((m) => (m.name.startsWith('access/') ? m.bytes.toString('utf8').split('\n').slice(1).join('\n') : undefined));
      await expectRefused(dropped, 'verification_failed', /Access batch \d+ has record \d+ where record \d+ belongs|Access record \d+ claims batch \d+, but the next anchored batch is \d+/);
    });

    it('stops when interrupted, leaving the target empty', async () => {
      const target = await freshTarget();
      const interrupted = await restoreBackup({ config: target, file: archive, signal: AbortSignal.abort() }).catch((error: unknown) => error);
      expect(interrupted).toMatchObject({ code: 'unavailable', message: expect.stringMatching(/Interrupted.*Nothing was restored/) });
      await expectEmpty(target);
    });

    it('refuses a truncated archive and a file that is not an archive', async () => {
      const bytes = await readFile(archive);
      const truncated = join(scratch, 'truncated.tar');
      await writeFile(truncated, bytes.subarray(0, Math.floor(bytes.length * 0.7)));
      await expectRefused(truncated, 'invalid_request', /not a ModelKeep backup archive|ends in the middle/);
      const garbage = join(scratch, 'garbage.tar');
      await writeFile(garbage, randomBytes(4096));
      await expectRefused(garbage, 'invalid_request', /not a ModelKeep backup archive/);
    });

    it('refuses to restore into a registry that is not empty, and leaves it as it was', async () => {
      const sizeBefore = (await source.api('GET', '/api/v1/ledger/entries?from=0&to=0')).body.size;
      const refusal = await restoreBackup({ config: configOf(dialect, source), file: archive }).catch((error: unknown) => error);
      expect(refusal).toMatchObject({ code: 'invalid_state' });
      expect((refusal as Error).message).toMatch(/not empty: its ledger holds \d+ entries/);
      expect(await ledgerSize(source.server.registry.store.db)).toBeGreaterThanOrEqual(sizeBefore);
      expect((await source.api('GET', '/api/v1/models/fraud/scorer/versions/5')).status).toBe(200);
    });
  });

  describe.skipIf(skip)(`backup refuses a registry whose stored data was altered, on ${dialect}`, () => {
    let source: TestRegistry;
    let scratch: string;

    beforeAll(async () => {
      scratch = await mkdtemp(join(tmpdir(), 'mk-tamper-src-'));
      source = await startTestRegistry(dialect, { checkpointIntervalMs: 0 });
      await source.api('POST', '/api/v1/namespaces', { name: 'fraud', description: 'fraud team' });
    });

    afterAll(async () => {
      if (source) await discardTestRegistry(source);
      await rm(scratch, { recursive: true, force: true });
    });

    it('refuses to overwrite an existing file unless told to', async () => {
      const file = join(scratch, 'exists.tar');
      await writeFile(file, 'keep me');
      await expect(writeBackup({ config: configOf(dialect, source), file })).rejects.toMatchObject({ code: 'already_exists' });
      expect(await readFile(file, 'utf8')).toBe('keep me');
      await expect(writeBackup({ config: configOf(dialect, source), file, overwrite: true })).resolves.toMatchObject({ blobs: 0 });
      expect((await stat(file)).mode & 0o777).toBe(0o600);
    });

    it('stops when interrupted, and leaves no archive behind', async () => {
      await uploadBlob(source, randomBytes(1000));
      const file = join(scratch, 'interrupted.tar');
      await expect(writeBackup({ config: configOf(dialect, source), file, signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'unavailable' });
      expect(existsSync(file)).toBe(false);
      expect((await readdir(scratch)).filter((n) => n.includes('partial'))).toEqual([]);
    });

    it('fails on a corrupt blob, naming it, and leaves no archive behind', async () => {
      const { digest } = await uploadBlob(source, randomBytes(10_000));
      const path = source.server.registry.blobs.pathOf(digest as never);
      const bytes = await readFile(path);
      bytes[0]! ^= 0xff;
      await rm(path);
      await writeFile(path, bytes);
      const file = join(scratch, 'corrupt-blob.tar');
      const refusal = await writeBackup({ config: configOf(dialect, source), file }).catch((error: unknown) => error);
      expect(refusal).toMatchObject({ code: 'digest_mismatch' });
      expect((refusal as Error).message).toContain(`Blob ${digest} is corrupt on disk`);
      expect(existsSync(file)).toBe(false);
      expect((await readdir(scratch)).filter((n) => n.includes('partial'))).toEqual([]);
      await rm(path);
    });

    it('fails on a ledger entry altered in the database, and leaves no archive behind', async () => {
      await source.server.registry.store.db
        .updateTable('ledger_entries')
        .set({ canonical: (eb) => eb.fn('replace', ['canonical', eb.val('fraud team'), eb.val('fraud teem')]) })
        .where('action', '=', 'namespace.created')
        .execute();
      const file = join(scratch, 'altered-ledger.tar');
      const refusal = await writeBackup({ config: configOf(dialect, source), file }).catch((error: unknown) => error);
      expect(refusal).toMatchObject({ code: 'verification_failed' });
      expect((refusal as Error).message).toMatch(/Ledger entry \d+ does not hash to the leaf hash stored with it/);
      expect(existsSync(file)).toBe(false);
    });
  });
}

function configOf(dialect: DialectName, registry: TestRegistry) {
  return { dataDir: registry.dataDir, db: dialect === 'postgres' ? testPostgresUrl : undefined, dbSchema: registry.schema };
}
