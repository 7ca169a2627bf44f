import { type Kysely, type Migration, Migrator, sql } from 'kysely';
import { MerkleFrontier } from '../ledger/merkle-frontier.js';
import type { Database } from './database.js';
import type { StoreDialect } from './dialect.js';
import { storedFrontier } from './merkle/head-frontier.js';
import { insertNodes } from './merkle/insert-nodes.js';
import { historyMigration } from './history/history-migration.js';
import { accessLogMigration } from './access-log/access-log-migration.js';
import { accessMigration } from './access/access-migration.js';
import { governanceMigration } from './governance/governance-migration.js';
import { riskMigration } from './risk/risk-migration.js';

/*
 * Migrations are written once with Kysely's schema builder; only the
 * full-text index differs per dialect and is delegated to it.
 */
function coreSchema(dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('ledger_entries')
        .addColumn('seq', 'bigint', (c) => c.primaryKey())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('canonical', 'text', (c) => c.notNull())
        .addColumn('leaf_hash', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('ledger_entries_subject_idx').on('ledger_entries').columns(['subject', 'seq']).execute();
      await db.schema.createIndex('ledger_entries_actor_idx').on('ledger_entries').columns(['actor', 'seq']).execute();

      await db.schema
        .createTable('ledger_head')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('size', 'bigint', (c) => c.notNull())
        .execute();
      await sql`INSERT INTO ledger_head (id, size) VALUES (1, 0)`.execute(db);

      await db.schema
        .createTable('namespaces')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_seq', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('extension_schemas')
        .addColumn('namespace', 'text', (c) => c.notNull().references('namespaces.name'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('schema', 'text', (c) => c.notNull())
        .addColumn('updated_seq', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('extension_schemas_pk', ['namespace', 'kind'])
        .execute();

      await db.schema
        .createTable('models')
        .addColumn('id', 'bigint', (c) => c.primaryKey())
        .addColumn('namespace', 'text', (c) => c.notNull().references('namespaces.name'))
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
        .addUniqueConstraint('models_namespace_name_uq', ['namespace', 'name'])
        .execute();
      await db.schema.createIndex('models_stage_idx').on('models').columns(['stage', 'id']).execute();
      await db.schema.createIndex('models_risk_tier_idx').on('models').columns(['risk_tier', 'id']).execute();

      await db.schema
        .createTable('model_tags')
        .addColumn('model_id', 'bigint', (c) => c.notNull().references('models.id'))
        .addColumn('tag', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('model_tags_pk', ['tag', 'model_id'])
        .execute();
      await db.schema.createIndex('model_tags_model_idx').on('model_tags').column('model_id').execute();
      await db.schema
        .createTable('model_owners')
        .addColumn('model_id', 'bigint', (c) => c.notNull().references('models.id'))
        .addColumn('owner', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('model_owners_pk', ['owner', 'model_id'])
        .execute();
      await db.schema.createIndex('model_owners_model_idx').on('model_owners').column('model_id').execute();

      await db.schema
        .createTable('versions')
        .addColumn('id', 'bigint', (c) => c.primaryKey())
        .addColumn('model_id', 'bigint', (c) => c.notNull().references('models.id'))
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
        .execute();
      await db.schema.createIndex('versions_namespace_idx').on('versions').columns(['namespace', 'id']).execute();
      await db.schema.createIndex('versions_model_idx').on('versions').columns(['namespace', 'model', 'id']).execute();
      await db.schema.createIndex('versions_ref_uq').on('versions').columns(['namespace', 'model', 'number']).unique().execute();
      await db.schema.createIndex('versions_namespace_status_idx').on('versions').columns(['namespace', 'status', 'id']).execute();
      await db.schema.createIndex('versions_status_idx').on('versions').columns(['status', 'id']).execute();
      await db.schema.createIndex('versions_stage_idx').on('versions').columns(['stage', 'id']).execute();
      await db.schema.createIndex('versions_license_idx').on('versions').columns(['license', 'id']).execute();

      await db.schema
        .createTable('version_tags')
        .addColumn('version_id', 'bigint', (c) => c.notNull().references('versions.id'))
        .addColumn('tag', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('version_tags_pk', ['tag', 'version_id'])
        .execute();
      await db.schema.createIndex('version_tags_version_idx').on('version_tags').column('version_id').execute();

      await db.schema
        .createTable('api_tokens')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('principal', 'text', (c) => c.notNull())
        .addColumn('roles', 'text', (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text')
        .addColumn('revoked_at', 'text')
        .execute();

      await db.schema
        .createTable('idempotency_keys')
        .addColumn('principal', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('request_hash', 'text', (c) => c.notNull())
        .addColumn('status', 'integer', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('idempotency_keys_pk', ['principal', 'key'])
        .execute();
      await db.schema.createIndex('idempotency_keys_created_idx').on('idempotency_keys').column('created_at').execute();

      await dialect.createModelSearchIndex(db as never);
    },
  };
}

/** Level ≥ 1 nodes of the Merkle tree over the ledger (leaves are the entries' leaf hashes), and signed checkpoints. */
function merkleTree(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('ledger_nodes')
        .addColumn('level', 'integer', (c) => c.notNull())
        .addColumn('idx', 'bigint', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('ledger_nodes_pk', ['level', 'idx'])
        .execute();
      await db.schema.alterTable('ledger_head').addColumn('frontier', 'text', (c) => c.notNull().defaultTo('[]')).execute();
      await db.schema
        .createTable('ledger_checkpoints')
        .addColumn('size', 'bigint', (c) => c.primaryKey())
        .addColumn('root', 'text', (c) => c.notNull())
        .addColumn('note', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await backfillMerkleTree(db as Kysely<Database>);
    },
  };
}

/** Builds the tree for a ledger written before it was kept, in one pass. */
async function backfillMerkleTree(db: Kysely<Database>): Promise<void> {
  const frontier = MerkleFrontier.empty();
  for (let from = 0; ; from += 10_000) {
    const rows = await db.selectFrom('ledger_entries').select(['seq', 'leaf_hash']).where('seq', '>=', from).where('seq', '<', from + 10_000).orderBy('seq').execute();
    const nodes = rows.flatMap((row) => frontier.append(Buffer.from(row.leaf_hash, 'hex')));
    await insertNodes(db, nodes);
    if (rows.length < 10_000) break;
  }
  await db.updateTable('ledger_head').set({ frontier: storedFrontier(frontier) }).where('id', '=', 1).execute();
}

/** Proofs read runs of leaf hashes; a narrow index holding them answers without touching the wide entry rows. */
function leafHashIndex(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.createIndex('ledger_entries_leaf_idx').on('ledger_entries').columns(['seq', 'leaf_hash']).execute();
    },
  };
}

function migratorOf(dialect: StoreDialect): Migrator {
  return new Migrator({
    db: dialect.db,
    ...(dialect.migrationSchema === undefined ? {} : { migrationTableSchema: dialect.migrationSchema }),
    provider: { getMigrations: async () => ({ '0001-core': coreSchema(dialect), '0002-merkle-tree': merkleTree(), '0003-history': historyMigration(), '0004-access-log': accessLogMigration(), '0005-leaf-hash-index': leafHashIndex(), '0006-access': accessMigration(), '0007-governance': governanceMigration(), '0008-dependencies-and-risk': riskMigration() }) },
  });
}

export async function migrate(dialect: StoreDialect): Promise<void> {
  const { error } = await migratorOf(dialect).migrateToLatest();
  if (error !== undefined) throw error;
}

/** The migrations this code knows that the database has not had: an inspection must not apply them. */
export async function pendingMigrations(dialect: StoreDialect): Promise<string[]> {
  const migrations = await migratorOf(dialect).getMigrations();
  return migrations.filter((m) => m.executedAt === undefined).map((m) => m.name);
}
