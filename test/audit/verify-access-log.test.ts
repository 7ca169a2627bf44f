import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessRecordLeaf } from '../../src/audit/access-record.js';
import { type AccessLogProblem, verifyAccessLog } from '../../src/audit/verify-access-log.js';
import type { AccessLogRow } from '../../src/store/database.js';
import type { Store } from '../../src/store/open-store.js';
import { type TestRegistry, dialects, discardTestRegistry, startTestRegistry } from '../support/test-registry.js';
import { flushReads, openDirect } from './audit-support.js';

for (const { name: dialect, skip } of dialects) {
  describe.skipIf(skip)(`access log verification on ${dialect}`, () => {
    let registry: TestRegistry;
    let direct: Store;
    let rows: AccessLogRow[];

    const verify = async () => {
      const problems: AccessLogProblem[] = [];
      const checked = await verifyAccessLog(direct.db, (p) => problems.push(p));
      return { problems, checked };
    };
    const row = (id: number) => rows.find((r) => Number(r.id) === id)!;

    beforeAll(async () => {
      registry = await startTestRegistry(dialect);
      await registry.api('POST', '/api/v1/namespaces', { name: 'fraud' });
      // Two batches: ids 1-4 and 5-7.
      for (let i = 0; i < 4; i += 1) await registry.api('GET', '/api/v1/namespaces/fraud');
      await flushReads(registry);
      for (let i = 0; i < 3; i += 1) await registry.api('GET', '/api/v1/namespaces');
      await flushReads(registry);
      direct = await openDirect(registry);
      rows = await direct.db.selectFrom('access_log').selectAll().orderBy('id').execute();
    });
    afterAll(async () => {
      await direct?.close();
      if (registry) await discardTestRegistry(registry);
    });

    it('finds nothing wrong in an access log written only by the registry', async () => {
      expect(rows.map((r) => Number(r.id))).toEqual([1, 2, 3, 4, 5, 6, 7]);
      expect(new Set(rows.map((r) => Number(r.batch_seq))).size).toBe(2);
      expect(await verify()).toEqual({ problems: [], checked: { batches: 2, records: 7 } });
    });

    it('names a record whose row was changed, and the batch whose root no longer matches', async () => {
      const target = row(3);
      await direct.db.updateTable('access_log').set({ subject: 'mk:namespace:other' }).where('id', '=', 3).execute();
      try {
        const { problems } = await verify();
        expect(problems).toEqual([
          { resource: 'access record 3', problem: expect.stringMatching(/^changed: /) },
          { resource: `access batch ${Number(target.batch_seq)}`, problem: expect.stringMatching(/^root mismatch: records 1-4 /) },
        ]);
      } finally {
        await direct.db.updateTable('access_log').set({ subject: target.subject }).where('id', '=', 3).execute();
      }
      expect((await verify()).problems).toEqual([]);
    });

    it('finds a changed record even when its leaf hash was recomputed to match: the anchored root differs', async () => {
      const target = row(6);
      const forged = { id: 6, at: target.at, actor: 'user:someone-else', action: target.action, subject: target.subject, status: Number(target.status) };
      await direct.db.updateTable('access_log').set({ actor: forged.actor, leaf_hash: accessRecordLeaf(forged) }).where('id', '=', 6).execute();
      try {
        const { problems } = await verify();
        expect(problems).toEqual([{ resource: `access batch ${Number(target.batch_seq)}`, problem: expect.stringMatching(/^root mismatch: records 5-7 /) }]);
      } finally {
        await direct.db.updateTable('access_log').set({ actor: target.actor, leaf_hash: target.leaf_hash }).where('id', '=', 6).execute();
      }
    });

    it('names a deleted record by id', async () => {
      const target = row(2);
      await direct.db.deleteFrom('access_log').where('id', '=', 2).execute();
      try {
        const { problems, checked } = await verify();
        expect(checked.records).toBe(6);
        expect(problems).toEqual([
          { resource: 'access record 2', problem: expect.stringMatching(/^removed: anchored in batch /) },
          { resource: `access batch ${Number(target.batch_seq)}`, problem: expect.stringMatching(/^root mismatch/) },
        ]);
      } finally {
        await direct.db.insertInto('access_log').values(target).execute();
      }
      expect((await verify()).problems).toEqual([]);
    });

    it('names records added outside the writer, to an anchored batch or to none', async () => {
      const template = row(7);
      const added = (id: number, batchSeq: number): AccessLogRow => {
        const record = { id, at: template.at, actor: 'user:ghost', action: 'model.read', subject: 'mk:model:fraud/x', status: 200 };
        return { ...record, batch_seq: batchSeq, leaf_hash: accessRecordLeaf(record) };
      };
      await direct.db.insertInto('access_log').values([added(8, Number(template.batch_seq)), added(9, 999_999)]).execute();
      try {
        const { problems } = await verify();
        expect(problems).toEqual([
          { resource: 'access record 8', problem: expect.stringMatching(/^added: filed under batch \d+, which anchors ids 5-7 only/) },
          { resource: 'access record 9', problem: expect.stringMatching(/^added: filed under batch 999999, but no access.batch_anchored entry/) },
        ]);
      } finally {
        await direct.db.deleteFrom('access_log').where('id', '>', 7).execute();
      }
    });

    it('names a record moved from one batch to another', async () => {
      const target = row(4);
      const otherBatch = Number(row(5).batch_seq);
      await direct.db.updateTable('access_log').set({ batch_seq: otherBatch }).where('id', '=', 4).execute();
      try {
        const problems = (await verify()).problems.map((p) => `${p.resource}: ${p.problem.split(':')[0]}`);
        expect(problems).toEqual([
          'access record 4: removed',
          `access batch ${Number(target.batch_seq)}: root mismatch`,
          'access record 4: added',
        ]);
      } finally {
        await direct.db.updateTable('access_log').set({ batch_seq: target.batch_seq }).where('id', '=', 4).execute();
      }
    });
  });
}
