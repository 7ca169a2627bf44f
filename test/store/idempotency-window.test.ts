import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeCommands } from '../../src/server/write-commands.js';
import { IDEMPOTENCY_WINDOW_MS, LedgerWriter } from '../../src/store/ledger-writer.js';
import { openStore } from '../../src/store/open-store.js';
import { testPostgresUrl, uniqueSchemaName } from '../support/postgres.js';
import { dialects } from '../support/test-registry.js';

for (const { name: dialect, skip } of dialects) {
  describe.skipIf(skip)(`idempotency keys on ${dialect}`, () => {
    it('replay within the window, and are free again after it', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'mk-idem-'));
      const schema = dialect === 'postgres' ? uniqueSchemaName() : undefined;
      const store = await openStore({ location: dialect === 'postgres' ? testPostgresUrl : join(dir, 'db.sqlite'), schema });
      let now = Date.parse('2026-01-01T00:00:00Z');
      const writer = new LedgerWriter(store.dialect, writeCommands, () => new Date(now));
      try {
        const context = (requestHash: string) => ({ actor: 'user:alice', idempotency: { key: 'k-1', requestHash, status: 201 } });
        const first = await writer.write(context('a'), 'createNamespace', { name: 'first' });
        const replay = await writer.write(context('a'), 'createNamespace', { name: 'first' });
        expect(replay.replayed).toBe(true);
        expect(replay.result).toEqual(first.result);
        await expect(writer.write(context('b'), 'createNamespace', { name: 'second' })).rejects.toMatchObject({ code: 'idempotency_key_reused' });

        now += IDEMPOTENCY_WINDOW_MS + 1;
        const later = await writer.write(context('b'), 'createNamespace', { name: 'second' });
        expect(later.replayed).toBe(false);
        expect(later.result).toMatchObject({ name: 'second' });
      } finally {
        await writer.close();
        await store.close();
        await rm(dir, { recursive: true, force: true });
      }
    });
  });
}
