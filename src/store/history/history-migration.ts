import { type Kysely, type Migration, sql } from 'kysely';

/*
 * Every version of every catalog row, with the ledger sequence it became
 * valid at and the one that replaced it (null while current): the registry
 * as it stood at any point is a query over these tables.
 */
export function historyMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('model_history')
        .addColumn('id', 'bigint', (c) => c.notNull())
        .addColumn('valid_from', 'bigint', (c) => c.notNull())
        .addColumn('valid_to', 'bigint')
        .addColumn('namespace', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('domain', 'text')
        .addColumn('owners', 'text', (c) => c.notNull())
        .addColumn('tags', 'text', (c) => c.notNull())
        .addColumn('risk_profile', 'text')
        .addColumn('risk_tier', 'text')
        .addColumn('stage', 'text', (c) => c.notNull())
        .addColumn('extra', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('revision', 'integer', (c) => c.notNull())
        .addColumn('search_tags', 'text', (c) => c.notNull())
        // The words full-text search sees, normalised as a query's terms are, for word-prefix matching of past states.
        .addColumn('search_words', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('model_history_pk', ['id', 'valid_from'])
        .execute();
      await db.schema.createIndex('model_history_ref_idx').on('model_history').columns(['namespace', 'name', 'valid_from']).execute();
      await db.schema.createIndex('model_history_from_idx').on('model_history').column('valid_from').execute();
      await db.schema.createIndex('model_history_to_idx').on('model_history').column('valid_to').execute();

      await db.schema
        .createTable('version_history')
        .addColumn('id', 'bigint', (c) => c.notNull())
        .addColumn('valid_from', 'bigint', (c) => c.notNull())
        .addColumn('valid_to', 'bigint')
        .addColumn('model_id', 'bigint', (c) => c.notNull())
        .addColumn('namespace', 'text', (c) => c.notNull())
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('number', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('stage', 'text', (c) => c.notNull())
        .addColumn('artifact_digest', 'text', (c) => c.notNull())
        .addColumn('license', 'text')
        .addColumn('metadata', 'text', (c) => c.notNull())
        .addColumn('manifest', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('published_at', 'text')
        .addColumn('published_by', 'text')
        .addColumn('revision', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('version_history_pk', ['id', 'valid_from'])
        .execute();
      await db.schema.createIndex('version_history_ref_idx').on('version_history').columns(['namespace', 'model', 'number', 'valid_from']).execute();
      await db.schema.createIndex('version_history_from_idx').on('version_history').column('valid_from').execute();
      await db.schema.createIndex('version_history_to_idx').on('version_history').column('valid_to').execute();

      await db.schema
        .createTable('extension_schema_history')
        .addColumn('namespace', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('valid_from', 'bigint', (c) => c.notNull())
        .addColumn('valid_to', 'bigint')
        .addColumn('schema', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('extension_schema_history_pk', ['namespace', 'kind', 'valid_from'])
        .execute();

      // "As of a time" walks ledger_entries_at_idx, made by the access-log migration that follows.
      // A registry that already has entries gets its history by replaying them once the schema is current.
      await db.schema.alterTable('ledger_head').addColumn('rebuild_projections', 'integer', (c) => c.notNull().defaultTo(0)).execute();
      await sql`UPDATE ledger_head SET rebuild_projections = CASE WHEN size > 0 THEN 1 ELSE 0 END`.execute(db);
    },
  };
}
