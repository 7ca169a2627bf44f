import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogCommands } from '../../src/catalog/catalog-commands.js';
import { LedgerWriter } from '../../src/store/ledger-writer.js';
import { openStore } from '../../src/store/open-store.js';
import { ledgerSize } from '../../src/store/queries/read-ledger.js';
import type { WriteSteps } from '../../src/store/write-command.js';
import { testPostgresUrl, uniqueSchemaName } from '../support/postgres.js';
import { dialects } from '../support/test-registry.js';

/** A write that appends its entry and then fails: only a rollback can undo it. */
const failingAfterWrite = {
  ...catalogCommands,
  breakAfterWriting: (args: { name: string }): WriteSteps<never> => {
    const steps = catalogCommands.createNamespace({ name: args.name });
    return {
      decide: steps.decide,
      respond: async () => {
        throw new Error('failed after writing');
      },
    };
  },
};

for (const { name: dialect, skip } of dialects) {
  describe.skipIf(skip)(`the ledger writer on ${dialect}`, () => {
    it('undoes a write that fails after it began writing, and keeps the others of its batch', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'mk-writer-'));
      const schema = dialect === 'postgres' ? uniqueSchemaName() : undefined;
      const store = await openStore({ location: dialect === 'postgres' ? testPostgresUrl : join(dir, 'db.sqlite'), schema });
      const writer = new LedgerWriter(store.dialect, failingAfterWrite);
      try {
        const actor = { actor: 'user:test' };
        // Queued together, so they share one transaction.
        const results = await Promise.allSettled([
          writer.write(actor, 'createNamespace', { name: 'before' }),
          writer.write(actor, 'breakAfterWriting', { name: 'broken' }),
          writer.write(actor, 'createNamespace', { name: 'after' }),
          writer.write(actor, 'createNamespace', { name: 'before' }),
        ]);
        expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected']);
        expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ message: 'failed after writing' });
        expect((results[3] as PromiseRejectedResult).reason).toMatchObject({ code: 'already_exists' });
        const names = (await store.db.selectFrom('namespaces').select('name').orderBy('name').execute()).map((r) => r.name);
        expect(names).toEqual(['after', 'before']);
        const entries = await store.db.selectFrom('ledger_entries').select(['seq', 'subject']).orderBy('seq').execute();
        expect(entries.map((e) => [Number(e.seq), e.subject])).toEqual([
          [0, 'mk:namespace:before'],
          [1, 'mk:namespace:after'],
        ]);
        expect(await ledgerSize(store.db)).toBe(2);
      } finally {
        await writer.close();
        await store.close();
        await rm(dir, { recursive: true, force: true });
      }
    });
  });
}
