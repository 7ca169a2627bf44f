import { writeFile, readFile, rm, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseVerifierKey } from '../../src/ledger/verifier/index.js';
import { verifyRegistry, type VerifyReport } from '../../src/verify/verify-registry.js';
import { type TestRegistry, dialects, discardTestRegistry, startTestRegistry, uploadBlob } from '../support/test-registry.js';

for (const { name: dialect, skip } of dialects) {
  describe.skipIf(skip)(`modelkeep verify, offline, on ${dialect}`, () => {
    let registry: TestRegistry;
    let blob: { digest: string; size: number };

    const db = () => registry.server.registry.store.db;
    const run = (query: ReturnType<typeof sql>) => query.execute(db());
    const verify = async (): Promise<VerifyReport> => {
      // Reads are logged in batches; let the last one land before looking.
      await registry.server.registry.access.flush();
      await registry.server.registry.writer.idle();
      const key = parseVerifierKey(registry.server.registry.signer.verifierKey);
      return verifyRegistry({ store: registry.server.registry.store, key, blobRoot: join(registry.dataDir, 'blobs') });
    };
    const errors = (report: VerifyReport) => report.problems.filter((p) => p.severity === 'error');
    const ok = (response: { status: number; body: unknown }) => expect(response.status, JSON.stringify(response.body)).toBeLessThan(300);

    /** Changes a stored value behind the API's back, checks verify names it, and puts it back. */
    const tampered = async (change: ReturnType<typeof sql>, undo: ReturnType<typeof sql>, expectProblem: (report: VerifyReport) => void) => {
      await run(change);
      try {
        const report = await verify();
        expect(report.ok).toBe(false);
        expectProblem(report);
      } finally {
        await run(undo);
      }
      expect(errors(await verify())).toEqual([]);
    };

    beforeAll(async () => {
      registry = await startTestRegistry(dialect);
      blob = await uploadBlob(registry, 'the weights of a model');
      ok(await registry.api('POST', '/api/v1/namespaces', { name: 'risk', description: 'Risk team' }));
      ok(await registry.api('POST', '/api/v1/models', { namespace: 'risk', name: 'scorer', description: 'Credit scorer', tags: ['gbm', 'credit'], owners: ['carol@example.com'] }));
      for (let i = 0; i < 3; i++) ok(await registry.api('POST', '/api/v1/models/risk/scorer/versions', { manifest: [{ path: `m${i}.bin`, sha256: blob.digest, size: blob.size }], tags: ['candidate'] }));
      // Keys out of canonical order: the live tables must still hold what a replay of the hashed text gives.
      ok(await registry.api('POST', '/api/v1/models/risk/scorer/versions', { tags: ['z'], metrics: { recall: 0.8, auc: 0.9 }, license: 'MIT', manifest: [{ size: blob.size, sha256: blob.digest, path: 'w.bin' }] }));
      ok(await registry.api('PATCH', '/api/v1/models/risk/scorer', { description: 'Consumer credit scorer' }));
      ok(await registry.api('POST', '/api/v1/models/risk/scorer/versions/1/publish', {}));
      ok(await registry.api('GET', '/api/v1/models/risk/scorer'));
      ok(await registry.api('GET', '/api/v1/ledger/checkpoint'));
    });

    afterAll(async () => {
      if (registry) await discardTestRegistry(registry);
    });

    it('passes a registry nobody tampered with, having checked every part', async () => {
      const report = await verify();
      expect(errors(report)).toEqual([]);
      expect(report.ok).toBe(true);
      expect(report.ledger.entries).toBeGreaterThan(7);
      expect(report.ledger.latestCheckpoint?.matches).toBe(true);
      expect(report.signaturesChecked).toBe(true);
      expect(report.projections.compared).toBe(true);
      expect(report.projections.rows).toBeGreaterThan(10);
      expect(report.blobs?.blobs).toBe(1);
    });

    it('names a query-table row changed behind the API', async () => {
      await tampered(
        sql`update models set description = 'Totally safe model' where name = 'scorer'`,
        sql`update models set description = 'Consumer credit scorer' where name = 'scorer'`,
        (report) => {
          expect(errors(report)).toContainEqual(expect.objectContaining({
            check: 'projection',
            resource: expect.stringMatching(/^models\[id=\d+\] \(mk:model:risk\/scorer\)$/),
            problem: 'column description is "Totally safe model" but the ledger says "Consumer credit scorer"',
          }));
        },
      );
    });

    it('names a row deleted from, or added to, a query table', async () => {
      await tampered(sql`delete from model_tags where tag = 'credit'`, sql`insert into model_tags (model_id, tag) select id, 'credit' from models where name = 'scorer'`, (report) => {
        expect(errors(report)).toContainEqual(expect.objectContaining({ resource: expect.stringContaining('model_tags['), problem: 'is missing from the database though the ledger made it' }));
      });
      await tampered(sql`insert into model_tags (model_id, tag) select id, 'approved' from models where name = 'scorer'`, sql`delete from model_tags where tag = 'approved'`, (report) => {
        expect(errors(report)).toContainEqual(expect.objectContaining({ resource: expect.stringContaining('tag=approved'), problem: 'is in the database but no ledger entry made it' }));
      });
    });

    it('names a changed history row, so the past cannot be edited either', async () => {
      await tampered(
        sql`update version_history set status = 'published' where number = 2`,
        sql`update version_history set status = 'draft' where number = 2`,
        (report) => expect(errors(report)).toContainEqual(expect.objectContaining({ resource: expect.stringContaining('(mk:version:risk/scorer@2)'), problem: expect.stringContaining('column status') })),
      );
    });

    it('names a ledger entry whose hashed text was changed, and the signed checkpoint it breaks', async () => {
      const target = (await run(sql`select seq, canonical, leaf_hash from ledger_entries where action = 'model.updated'`)).rows[0] as { seq: number; canonical: string; leaf_hash: string };
      const forged = target.canonical.replace('Consumer credit scorer', 'Consumer credit scorer (approved)');
      await tampered(sql`update ledger_entries set canonical = ${forged} where seq = ${target.seq}`, sql`update ledger_entries set canonical = ${target.canonical} where seq = ${target.seq}`, (report) => {
        expect(errors(report)).toContainEqual(expect.objectContaining({ check: 'ledger', resource: `ledger entry ${Number(target.seq)}`, problem: 'its stored leaf hash is not the hash of its canonical text' }));
        expect(errors(report)).toContainEqual(expect.objectContaining({ check: 'checkpoint', problem: expect.stringContaining('history was rewritten') }));
      });
      // Re-hashing the forged entry does not help: the tree and the signed root still disagree.
      const leaf = createHash('sha256').update(Buffer.concat([Buffer.from([0]), Buffer.from(forged)])).digest('hex');
      await tampered(
        sql`update ledger_entries set canonical = ${forged}, leaf_hash = ${leaf} where seq = ${target.seq}`,
        sql`update ledger_entries set canonical = ${target.canonical}, leaf_hash = ${target.leaf_hash} where seq = ${target.seq}`,
        (report) => expect(errors(report)).toContainEqual(expect.objectContaining({ check: 'checkpoint', problem: expect.stringContaining('history was rewritten') })),
      );
    });

    it('names a ledger column that no longer says what was hashed', async () => {
      const row = (await run(sql`select seq, actor from ledger_entries where action = 'model.updated'`)).rows[0] as { seq: number; actor: string };
      await tampered(sql`update ledger_entries set actor = 'token:nobody' where seq = ${row.seq}`, sql`update ledger_entries set actor = ${row.actor} where seq = ${row.seq}`, (report) => {
        expect(errors(report)).toContainEqual(expect.objectContaining({ check: 'ledger', resource: `ledger entry ${Number(row.seq)}`, problem: `column actor is "token:nobody" but the hashed entry says ${JSON.stringify(row.actor)}` }));
      });
    });

    it('finds the same ledger problems without replaying the ledger (--skip-projections)', async () => {
      const ledgerOnly = async () => {
        await registry.server.registry.access.flush();
        await registry.server.registry.writer.idle();
        const key = parseVerifierKey(registry.server.registry.signer.verifierKey);
        return verifyRegistry({ store: registry.server.registry.store, key, blobRoot: undefined, projections: false });
      };
      expect(errors(await ledgerOnly())).toEqual([]);
      const row = (await run(sql`select seq, actor, canonical from ledger_entries where action = 'model.updated'`)).rows[0] as { seq: number; actor: string; canonical: string };
      await run(sql`update ledger_entries set actor = 'token:nobody' where seq = ${row.seq}`);
      try {
        expect(errors(await ledgerOnly())).toContainEqual(expect.objectContaining({ resource: `ledger entry ${Number(row.seq)}`, problem: expect.stringMatching(/^column actor is "token:nobody"/) }));
      } finally {
        await run(sql`update ledger_entries set actor = ${row.actor} where seq = ${row.seq}`);
      }
      await run(sql`update ledger_entries set canonical = ${row.canonical.replace('Consumer', 'Commercial')} where seq = ${row.seq}`);
      try {
        const report = await ledgerOnly();
        expect(report.projections.compared).toBe(false);
        expect(errors(report)).toContainEqual(expect.objectContaining({ resource: `ledger entry ${Number(row.seq)}`, problem: 'its stored leaf hash is not the hash of its canonical text' }));
      } finally {
        await run(sql`update ledger_entries set canonical = ${row.canonical} where seq = ${row.seq}`);
      }
    });

    it('finds entries swapped in order', async () => {
      const rows = (await run(sql`select seq, canonical, leaf_hash from ledger_entries where action = 'version.registered' order by seq limit 2`)).rows as { seq: number; canonical: string; leaf_hash: string }[];
      const [a, b] = rows as [typeof rows[0], typeof rows[0]];
      // Row a gets x's content, row b gets y's.
      const put = (x: typeof a, y: typeof a) => sql`update ledger_entries set canonical = case when seq = ${a.seq} then ${x.canonical} else ${y.canonical} end, leaf_hash = case when seq = ${a.seq} then ${x.leaf_hash} else ${y.leaf_hash} end where seq in (${a.seq}, ${b.seq})`;
      await tampered(put(b, a), put(a, b), (report) => {
        expect(errors(report)).toContainEqual(expect.objectContaining({ resource: `ledger entry ${Number(a.seq)}`, problem: `its hashed text says it is entry ${Number(b.seq)}` }));
      });
    });

    it('finds a truncated ledger against the checkpoint signed before', async () => {
      await verify();
      const note = (await registry.api('GET', '/api/v1/ledger/checkpoint')).body as string;
      const size = Number(note.split('\n')[1]);
      const removed = (await run(sql`select * from ledger_entries where seq >= ${size - 1} order by seq`)).rows as Record<string, unknown>[];
      const putBack = sql`insert into ledger_entries (seq, at, actor, action, subject, reason, canonical, leaf_hash) values ${sql.join(
        removed.map((r) => sql`(${r.seq}, ${r.at}, ${r.actor}, ${r.action}, ${r.subject}, ${r.reason}, ${r.canonical}, ${r.leaf_hash})`),
      )}`;
      await tampered(sql`delete from ledger_entries where seq >= ${size - 1}`, putBack, (report) => {
        expect(errors(report)).toContainEqual(expect.objectContaining({ check: 'tree', resource: 'ledger head', problem: expect.stringContaining('says the ledger has') }));
        expect(errors(report)).toContainEqual(
          expect.objectContaining({ check: 'checkpoint', resource: `checkpoint at size ${size}`, problem: `was signed for ${size} entries but the ledger holds ${size - 1}: entries were removed` }),
        );
      });
    });

    it('rejects a stored checkpoint whose signature was forged', async () => {
      const row = (await run(sql`select size, note from ledger_checkpoints order by size desc limit 1`)).rows[0] as { size: number; note: string };
      const lines = row.note.split('\n');
      const sigLine = lines.findIndex((l) => l.startsWith('— '));
      const sig = Buffer.from(lines[sigLine]!.split(' ')[2]!, 'base64');
      sig[sig.length - 1]! ^= 1;
      const forged = [...lines.slice(0, sigLine), `${lines[sigLine]!.split(' ').slice(0, 2).join(' ')} ${sig.toString('base64')}`, ...lines.slice(sigLine + 1)].join('\n');
      await tampered(sql`update ledger_checkpoints set note = ${forged} where size = ${row.size}`, sql`update ledger_checkpoints set note = ${row.note} where size = ${row.size}`, (report) => {
        expect(errors(report)).toContainEqual(expect.objectContaining({ check: 'checkpoint', resource: `checkpoint at size ${Number(row.size)}`, problem: expect.stringContaining('signature does not verify') }));
      });
    });

    it('names a stored Merkle subtree that was changed, since proofs are served from it', async () => {
      ok(await registry.api('POST', '/api/v1/models', { namespace: 'risk', name: 'filler', description: 'makes the ledger 16+ entries long' }));
      for (let i = 0; i < 12; i++) ok(await registry.api('POST', '/api/v1/models/risk/filler/versions', { manifest: [{ path: 'w', sha256: blob.digest, size: blob.size }] }));
      const node = (await run(sql`select level, idx, hash from ledger_nodes order by level, idx limit 1`)).rows[0] as { level: number; idx: number; hash: string };
      await tampered(sql`update ledger_nodes set hash = ${'00'.repeat(32)} where level = ${node.level} and idx = ${node.idx}`, sql`update ledger_nodes set hash = ${node.hash} where level = ${node.level} and idx = ${node.idx}`, (report) => {
        expect(errors(report)).toContainEqual(expect.objectContaining({ check: 'tree', resource: `tree node level ${node.level} index ${node.idx}` }));
      });
    });

    it('names a blob altered or removed on disk, and warns of one nobody references', async () => {
      const path = join(registry.dataDir, 'blobs', 'sha256', blob.digest.slice(7, 9), blob.digest.slice(7));
      const original = await readFile(path);
      await writeFile(path, Buffer.concat([original, Buffer.from('!')]));
      try {
        const report = await verify();
        expect(report.ok).toBe(false);
        expect(errors(report)).toContainEqual(expect.objectContaining({ check: 'blob', resource: `blob ${blob.digest}`, problem: expect.stringContaining('the file was altered') }));
      } finally {
        await writeFile(path, original);
      }
      await rm(path);
      try {
        const report = await verify();
        expect(errors(report)).toContainEqual(expect.objectContaining({ resource: `blob ${blob.digest}`, problem: expect.stringMatching(/^is referenced by mk:version:risk\/(scorer|filler)@\d+ but missing/) }));
      } finally {
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, original);
      }
      const stray = await uploadBlob(registry, 'uploaded, never registered');
      const report = await verify();
      expect(report.ok).toBe(true);
      expect(report.problems).toContainEqual(expect.objectContaining({ severity: 'warning', resource: `blob ${stray.digest}`, problem: 'is stored but no version references it' }));
    });

    it('names an access record changed after it was anchored', async () => {
      const record = (await run(sql`select id, subject from access_log order by id limit 1`)).rows[0] as { id: number; subject: string } | undefined;
      expect(record).toBeDefined();
      await tampered(sql`update access_log set subject = 'mk:model:risk/other' where id = ${record!.id}`, sql`update access_log set subject = ${record!.subject} where id = ${record!.id}`, (report) => {
        expect(errors(report)).toContainEqual(expect.objectContaining({ check: 'access-log', resource: expect.stringContaining(String(record!.id)) }));
      });
    });
  });
}
