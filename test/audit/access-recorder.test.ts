import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccessRead } from '../../src/audit/access-record.js';
import { AccessRecorder } from '../../src/audit/access-recorder.js';
import type { Store } from '../../src/store/open-store.js';
import { type TestRegistry, dialects, discardTestRegistry, startTestRegistry } from '../support/test-registry.js';
import { type WireAccessRecord, auditAll, openDirect } from './audit-support.js';

for (const { name: dialect, skip } of dialects) {
  describe.skipIf(skip)(`access recorder on ${dialect}`, () => {
    let registry: TestRegistry;
    let direct: Store;
    const recorders: AccessRecorder[] = [];

    /** Makes every insert into the access log fail, as a full disk or a lost database would. */
    const blockAccessLog = async () => {
      if (dialect === 'sqlite') {
        await sql`CREATE TRIGGER mk_test_block BEFORE INSERT ON access_log BEGIN SELECT RAISE(ABORT, 'access log blocked by the test'); END`.execute(direct.db);
      } else {
        await sql`CREATE FUNCTION mk_test_block() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'access log blocked by the test'; END $$`.execute(direct.db);
        await sql`CREATE TRIGGER mk_test_block BEFORE INSERT ON access_log FOR EACH ROW EXECUTE FUNCTION mk_test_block()`.execute(direct.db);
      }
    };
    const unblockAccessLog = async () => {
      if (dialect === 'sqlite') {
        await sql`DROP TRIGGER mk_test_block`.execute(direct.db);
      } else {
        await sql`DROP TRIGGER mk_test_block ON access_log`.execute(direct.db);
        await sql`DROP FUNCTION mk_test_block()`.execute(direct.db);
      }
    };
    const recorderFor = (options: { batchSize: number; maxBuffered?: number }, warnings: string[] = []) => {
      const recorder = new AccessRecorder({ writer: registry.server.registry.writer, flushMs: 0, onWarning: (m) => warnings.push(m), ...options });
      recorders.push(recorder);
      return recorder;
    };
    const read = (actor: string, n: number): AccessRead => ({ at: new Date().toISOString(), actor, action: 'model.read', subject: `mk:model:t/m${n}`, status: 200 });
    const recordsBy = async (actor: string) => (await auditAll(registry, { kind: 'access', actor })) as WireAccessRecord[];
    const anchors = async () => auditAll(registry, { kind: 'change', action: 'access.batch_anchored' });
    const flushUntilEmpty = async (recorder: AccessRecorder) => {
      // A retry the recorder's own timer started may still be in flight; it ends, and the next flush writes.
      for (let tries = 0; recorder.pending > 0 && tries < 20; tries += 1) await recorder.flush();
    };

    beforeAll(async () => {
      registry = await startTestRegistry(dialect);
      direct = await openDirect(registry);
    });
    afterAll(async () => {
      for (const recorder of recorders) await recorder.close();
      await direct?.close();
      if (registry) await discardTestRegistry(registry);
    });

    it('writes a full batch at once, without waiting for the timer', async () => {
      const recorder = recorderFor({ batchSize: 3 });
      for (let n = 0; n < 3; n += 1) recorder.record(read('user:batch-full', n));
      const deadline = Date.now() + 10_000;
      while ((await recordsBy('user:batch-full')).length < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect((await recordsBy('user:batch-full')).map((r) => r.subject)).toEqual(['mk:model:t/m0', 'mk:model:t/m1', 'mk:model:t/m2']);
      expect(recorder.pending).toBe(0);
    });

    it('keeps the reads of a batch that failed, writes nothing half-way, and writes them on the next flush', async () => {
      const warnings: string[] = [];
      const recorder = recorderFor({ batchSize: 10 }, warnings);
      const anchorsBefore = (await anchors()).length;
      await blockAccessLog();
      try {
        for (let n = 0; n < 5; n += 1) recorder.record(read('user:retried', n));
        await recorder.flush();
        expect(recorder.pending).toBe(5);
        expect(warnings[0]).toMatch(/could not be written/);
        // Neither the anchor nor any record: they commit together or not at all.
        expect((await anchors()).length).toBe(anchorsBefore);
      } finally {
        await unblockAccessLog();
      }
      await flushUntilEmpty(recorder);
      expect((await recordsBy('user:retried')).map((r) => r.subject)).toEqual([0, 1, 2, 3, 4].map((n) => `mk:model:t/m${n}`));
      expect(warnings).toContain('access records are being written again');
    });

    it('drops the oldest reads past its bound while writes fail, and states the gap in the next anchor', async () => {
      const warnings: string[] = [];
      const recorder = recorderFor({ batchSize: 10, maxBuffered: 20 }, warnings);
      await blockAccessLog();
      try {
        recorder.record(read('user:bounded', 0));
        await recorder.flush();
        for (let n = 1; n < 26; n += 1) recorder.record(read('user:bounded', n));
        expect(recorder.pending).toBeLessThanOrEqual(20);
      } finally {
        await unblockAccessLog();
      }
      await flushUntilEmpty(recorder);
      const kept = await recordsBy('user:bounded');
      const keptNumbers = kept.map((r) => Number(r.subject.replace('mk:model:t/m', '')));
      // The newest survive, in order; what was dropped is counted, not hidden.
      expect(keptNumbers).toEqual(Array.from({ length: keptNumbers.length }, (_, i) => 26 - keptNumbers.length + i));
      const batchSeqs = new Set(kept.map((r) => r.batchSeq));
      const stated = (await anchors()).filter((a) => a.kind === 'change' && batchSeqs.has(a.seq)).reduce((sum, a) => sum + (a as { payload: { dropped: number } }).payload.dropped, 0);
      expect(stated).toBe(26 - kept.length);
      expect(stated).toBeGreaterThan(0);
      expect(warnings.some((m) => /buffer is full/.test(m))).toBe(true);
    });
  });
}
