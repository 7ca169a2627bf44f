import type { Kysely, Migration } from 'kysely';

/*
 * The access log: who read what, appended in batches whose Merkle root is
 * anchored in the ledger (`batch_seq` is the anchoring entry). Not a
 * projection: rows are written only by the anchoring command, beside the
 * entry that commits to them.
 *
 * The audit search walks both it and the ledger in (at, id) order, filtered
 * by one of actor, subject or action, so each of those leads an index that
 * continues with the sort key; a search at 100k+ records reads only its page.
 */
export function accessLogMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('access_log')
        .addColumn('id', 'bigint', (c) => c.primaryKey())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('status', 'integer', (c) => c.notNull())
        .addColumn('batch_seq', 'bigint', (c) => c.notNull())
        .addColumn('leaf_hash', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('access_log_batch_idx').on('access_log').columns(['batch_seq', 'id']).execute();
      await db.schema.createIndex('access_log_at_idx').on('access_log').columns(['at', 'id']).execute();
      await db.schema.createIndex('access_log_actor_idx').on('access_log').columns(['actor', 'at', 'id']).execute();
      await db.schema.createIndex('access_log_subject_idx').on('access_log').columns(['subject', 'at', 'id']).execute();
      await db.schema.createIndex('access_log_action_idx').on('access_log').columns(['action', 'at', 'id']).execute();

      await db.schema.createIndex('ledger_entries_at_idx').on('ledger_entries').columns(['at', 'seq']).execute();
      await db.schema.createIndex('ledger_entries_actor_at_idx').on('ledger_entries').columns(['actor', 'at', 'seq']).execute();
      await db.schema.createIndex('ledger_entries_subject_at_idx').on('ledger_entries').columns(['subject', 'at', 'seq']).execute();
      await db.schema.createIndex('ledger_entries_action_at_idx').on('ledger_entries').columns(['action', 'at', 'seq']).execute();
      // The verifier walks the anchoring entries in ledger order.
      await db.schema.createIndex('ledger_entries_action_seq_idx').on('ledger_entries').columns(['action', 'seq']).execute();
    },
  };
}
