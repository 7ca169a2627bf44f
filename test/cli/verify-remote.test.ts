import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LedgerSigner } from '../../src/ledger/ledger-signer.js';
import { MerkleFrontier } from '../../src/ledger/merkle-frontier.js';
import { hashLeaf } from '../../src/ledger/merkle.js';
import { writeLogin } from '../../src/cli/credentials.js';
import { storedFrontier } from '../../src/store/merkle/head-frontier.js';
import { LOWEST_STORED_LEVEL } from '../../src/store/merkle/insert-nodes.js';
import { LEDGER_KEY_FILE } from '../../src/server/ledger-key.js';
import { type TestRegistry, dialects, discardTestRegistry, startTestRegistry } from '../support/test-registry.js';
import { jsonOf, runCli } from './cli-harness.js';

const TAMPER_EXIT = 8;

/**
 * Rewrites entry `seq` behind the server's back, and the Merkle tree with it
 * (stored subtrees and the head's frontier), as a thorough attacker with
 * database access would: the server itself then signs the forged history.
 */
async function rewriteHistory(registry: TestRegistry, seq: number): Promise<void> {
  const db = registry.server.registry.store.db;
  await registry.server.registry.writer.idle();
  const entry = await db.selectFrom('ledger_entries').select('canonical').where('seq', '=', seq).executeTakeFirstOrThrow();
  const canonical = entry.canonical.replace(/"actor":"[^"]*"/, '"actor":"user:mallory"');
  expect(canonical).not.toBe(entry.canonical);
  const forgedLeaf = hashLeaf(Buffer.from(canonical, 'utf8'));
  await db.updateTable('ledger_entries').set({ canonical, leaf_hash: forgedLeaf.toString('hex') }).where('seq', '=', seq).execute();
  const rows = await db.selectFrom('ledger_entries').select(['seq', 'leaf_hash']).orderBy('seq').execute();
  const frontier = MerkleFrontier.empty();
  for (const row of rows) {
    for (const node of frontier.append(Buffer.from(row.leaf_hash, 'hex'))) {
      if (node.level < LOWEST_STORED_LEVEL) continue;
      await db.updateTable('ledger_nodes').set({ hash: node.hash.toString('hex') }).where('level', '=', node.level).where('idx', '=', node.index).execute();
    }
  }
  await db.updateTable('ledger_head').set({ frontier: storedFrontier(frontier) }).where('id', '=', 1).execute();
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

for (const { name: dialect, skip } of dialects) {
  describe.skipIf(skip)(`modelkeep verify --remote on ${dialect}`, { timeout: 60_000 }, () => {
    let registry: TestRegistry;
    let scratch: string;
    let env: Record<string, string>;
    let serverKey: string;
    let namespaces = 0;
    const file = (name: string) => join(scratch, name);
    const verify = (...args: string[]) => runCli(['verify', '--remote', registry.url, ...args], { env });
    const grow = async (count: number) => {
      for (let i = 0; i < count; i += 1) {
        const created = await registry.api('POST', '/api/v1/namespaces', { name: `team-${namespaces++}` });
        expect(created.status).toBe(201);
      }
      return (await registry.api('GET', '/api/v1/ledger/entries?from=0&to=0')).body.size as number;
    };
    /** A fresh checkpoint file of the current log, saved by the CLI itself. */
    const saveNow = async (name: string) => {
      const run = await verify('--save', file(name));
      expect(run.code, run.stderr).toBe(0);
      return readFile(file(name), 'utf8');
    };

    beforeAll(async () => {
      registry = await startTestRegistry(dialect);
      scratch = await mkdtemp(join(tmpdir(), 'mk-verify-remote-'));
      env = { MODELKEEP_TOKEN: registry.adminToken, MODELKEEP_CONFIG: join(scratch, 'config.json'), HOME: scratch };
      serverKey = (await (await fetch(`${registry.url}/api/v1/ledger/key`)).text()).trim();
      await grow(40);
    });
    afterAll(async () => {
      if (registry) await discardTestRegistry(registry);
      if (scratch) await rm(scratch, { recursive: true, force: true });
    });

    it('proves that the log today extends the checkpoint saved earlier', async () => {
      const first = await verify('--save', file('checkpoint.txt'));
      expect(first.code, first.stderr).toBe(0);
      const savedSize = Number((await readFile(file('checkpoint.txt'), 'utf8')).split('\n')[1]);
      expect(first.stdout).toContain(`Saved the checkpoint at size ${savedSize}`);
      expect((await readFile(file('checkpoint.txt.key'), 'utf8')).trim()).toBe(serverKey);
      expect(first.stderr).toMatch(/not pinned/);

      const size = await grow(7);
      const run = await verify('--since', file('checkpoint.txt'), '--save', file('checkpoint.txt'));
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain(`Verified: the log at size ${size} extends the checkpoint you saved at size ${savedSize}.`);
      expect(run.stderr).toMatch(/not pinned; this audit trusted the one saved beside/);
      expect(Number((await readFile(file('checkpoint.txt'), 'utf8')).split('\n')[1])).toBe(size);
    });

    it('with a pinned key and --json, reports each check for a script', async () => {
      await writeFile(file('registry.key'), `${serverKey}\n`);
      const since = await saveNow('json-since.txt');
      await grow(3);
      const run = await runCli(['verify', '--remote', registry.url, '--since', file('json-since.txt'), '--key', file('registry.key'), '--json'], { env });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toBe('');
      const result = jsonOf<{ verified: boolean; exit: number; key: { pinned: boolean; text: string }; since: { size: number }; latest: { size: number }; checks: { name: string; ok: boolean }[] }>(run);
      expect(result).toMatchObject({ verified: true, exit: 0, key: { pinned: true, text: serverKey }, since: { size: Number(since.split('\n')[1]) } });
      expect(result.checks.map((c) => [c.name, c.ok])).toEqual([
        ['verifier key', true],
        ['latest checkpoint', true],
        ['saved checkpoint', true],
        ['consistency', true],
      ]);
    });

    it('passes when the log has not grown, with the same root', async () => {
      await saveNow('same.txt');
      const run = await verify('--since', file('same.txt'));
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/Verified: the log is still at size \d+, with the root you saved/);
    });

    describe('fails with the tamper exit code, naming the problem', () => {
      let note: string;
      beforeAll(async () => {
        note = await saveNow('honest.txt');
        await grow(2);
      });
      const failsWith = async (name: string, content: string, message: RegExp, ...args: string[]) => {
        await writeFile(file(name), content);
        const run = await verify('--since', file(name), '--save', file(`${name}.next`), ...args);
        expect(run.code, run.stdout + run.stderr).toBe(TAMPER_EXIT);
        expect(run.stderr).toMatch(message);
        expect(run.stdout).toMatch(/NOT VERIFIED/);
        await expect(readFile(file(`${name}.next`))).rejects.toThrow(/ENOENT/);
      };

      it('a saved checkpoint whose root was changed', async () => {
        const root = note.split('\n')[2]!;
        const other = Buffer.from(root, 'base64');
        other[0]! ^= 1;
        await failsWith('changed-root.txt', note.replace(root, other.toString('base64')), /checkpoint you saved does not verify: the signature by \S+ does not verify/);
      });

      it('a saved checkpoint with a forged signature', async () => {
        const signature = /— \S+ (\S+)\n$/.exec(note)![1]!;
        const forged = Buffer.from(signature, 'base64');
        forged[20]! ^= 1;
        await failsWith('forged.txt', note.replace(signature, forged.toString('base64')), /checkpoint you saved does not verify: the signature by \S+ does not verify/);
      });

      it('a checkpoint the server signed at a larger size than its log now has (a rollback)', async () => {
        const signer = LedgerSigner.fromPem(await readFile(join(registry.dataDir, LEDGER_KEY_FILE), 'utf8'));
        const ahead = signer.signCheckpoint(namespaces + 1000, hashLeaf(Buffer.from('the future')));
        await failsWith('ahead.txt', ahead, /fewer than the \d+ of the checkpoint you saved: it was truncated or rolled back/);
      });

      it('a checkpoint signed by a different key under the same origin', async () => {
        const impostor = LedgerSigner.fromPem(LedgerSigner.generatePem(), note.split('\n')[0]);
        const [, size, root] = note.split('\n');
        await failsWith('impostor.txt', impostor.signCheckpoint(Number(size), Buffer.from(root!, 'base64')), /checkpoint you saved does not verify: the note carries no signature by/);
      });

      it('a pinned key that is not the one the server signs with', async () => {
        const other = LedgerSigner.fromPem(LedgerSigner.generatePem());
        await failsWith('pinned-other.txt', note, /announces the verifier key .*not the pinned key you trust/, '--key-text', other.verifierKey);
      });

      it('a saved checkpoint whose key file names another key than the server now uses', async () => {
        const other = LedgerSigner.fromPem(LedgerSigner.generatePem());
        await writeFile(file('rotated.txt.key'), `${other.verifierKey}\n`);
        await failsWith('rotated.txt', note, /not the saved key you trust/);
      });
    });

    it('fails the consistency check when the history behind a saved checkpoint was rewritten in the database', async () => {
      await saveNow('before-rewrite.txt');
      await rewriteHistory(registry, 5);
      // The server goes on, and signs the forged history as it grows.
      await grow(3);
      const run = await verify('--since', file('before-rewrite.txt'));
      expect(run.code, run.stdout + run.stderr).toBe(TAMPER_EXIT);
      expect(run.stdout).toMatch(/FAILED\s+consistency/);
      expect(run.stderr).toMatch(/error: the log at size \d+ does not extend the checkpoint you saved at size \d+: the proof does not lead to the first root/);
      // A checkpoint saved after the rewrite verifies against what the server signs now: only an earlier one catches it.
      await saveNow('after-rewrite.txt');
      await grow(1);
      expect((await verify('--since', file('after-rewrite.txt'))).code).toBe(0);
    });

    if (dialect === 'sqlite') {
      describe('usage and network errors are not tamper evidence', () => {
        it('uses the login saved for that server when no token is given', async () => {
          const config = join(scratch, 'login.json');
          await writeLogin(config, { url: registry.url, token: registry.adminToken });
          const run = await runCli(['verify', '--remote', registry.url], { env: { MODELKEEP_CONFIG: config, HOME: scratch } });
          expect(run.code, run.stderr).toBe(0);
        });

        it('exits 5 without a token for that server', async () => {
          const run = await runCli(['verify', '--remote', registry.url], { env: { MODELKEEP_CONFIG: join(scratch, 'none.json'), HOME: scratch } });
          expect(run.code).toBe(5);
          expect(run.stderr).toMatch(/No token for http/);
        });

        it('exits 2 for a --since file that is missing or is not a checkpoint', async () => {
          expect((await verify('--since', file('missing.txt'))).code).toBe(2);
          await writeFile(file('not-a-note.txt'), '{"size": 3}\n');
          const run = await verify('--since', file('not-a-note.txt'));
          expect(run.code).toBe(2);
          expect(run.stderr).toMatch(/is not a signed checkpoint note/);
        });

        it('exits 2 for a pinned key that is not a key, and 10 when the server does not answer', async () => {
          expect((await verify('--key-text', 'not-a-key')).code).toBe(2);
          const run = await runCli(['verify', '--remote', `http://127.0.0.1:${await closedPort()}`, '--token', 'mk_x'], { env });
          expect(run.code).toBe(10);
        });
      });
    }
  });
}
