import type { Kysely, Migration } from 'kysely';

/*
 * Dependencies and risk: the lineage graph (nodes described through the API,
 * and typed edges, derived from what versions record or declared), libraries
 * with their deprecations, imported OSV advisories and the findings they give
 * per library, the license policy and risk rubric, risk scores over time,
 * incidents, webhooks, and the alert outbox with its deliveries.
 * Everything but the outbox and deliveries is a projection of new ledger
 * actions; versions registered before this migration get their edges when
 * the ledger is replayed (`modelkeep verify --rebuild` or a restore).
 */
export function riskMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('lineage_nodes')
        .addColumn('urn', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('namespace', 'text')
        .addColumn('attributes', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('updated_by', 'text', (c) => c.notNull())
        .addColumn('updated_seq', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('lineage_nodes_kind_idx').on('lineage_nodes').columns(['kind', 'namespace']).execute();

      // `owner` is the version or deployment an edge was derived from, '' for an edge declared through the API.
      await db.schema
        .createTable('lineage_edges')
        .addColumn('from_urn', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('to_urn', 'text', (c) => c.notNull())
        .addColumn('owner', 'text', (c) => c.notNull())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('lineage_edges_pk', ['from_urn', 'type', 'to_urn', 'owner'])
        .execute();
      await db.schema.createIndex('lineage_edges_to_idx').on('lineage_edges').columns(['to_urn', 'type']).execute();
      await db.schema.createIndex('lineage_edges_owner_idx').on('lineage_edges').columns(['owner']).execute();

      await db.schema
        .createTable('libraries')
        .addColumn('urn', 'text', (c) => c.primaryKey())
        .addColumn('purl', 'text', (c) => c.notNull())
        .addColumn('package', 'text', (c) => c.notNull())
        .addColumn('package_key', 'text')
        .addColumn('first_seq', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('libraries_package_key_idx').on('libraries').columns(['package_key']).execute();
      await db.schema.createIndex('libraries_package_idx').on('libraries').columns(['package']).execute();

      // A deprecation names a package (`pkg:pypi/nose`) or one version of it (`pkg:pypi/nose@1.3.7`).
      await db.schema
        .createTable('library_deprecations')
        .addColumn('target', 'text', (c) => c.primaryKey())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('replacement', 'text')
        .addColumn('deprecated_at', 'text', (c) => c.notNull())
        .addColumn('deprecated_by', 'text', (c) => c.notNull())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('advisories')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('modified', 'text', (c) => c.notNull())
        .addColumn('severity', 'text', (c) => c.notNull())
        .addColumn('summary', 'text')
        .addColumn('withdrawn', 'text')
        .addColumn('advisory', 'text', (c) => c.notNull())
        .addColumn('imported_at', 'text', (c) => c.notNull())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('advisory_packages')
        .addColumn('advisory_id', 'text', (c) => c.notNull())
        .addColumn('package_key', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('advisory_packages_pk', ['advisory_id', 'package_key'])
        .execute();
      await db.schema.createIndex('advisory_packages_key_idx').on('advisory_packages').columns(['package_key']).execute();
      await db.schema
        .createTable('vulnerability_findings')
        .addColumn('advisory_id', 'text', (c) => c.notNull())
        .addColumn('library_urn', 'text', (c) => c.notNull())
        .addColumn('severity', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('vulnerability_findings_pk', ['advisory_id', 'library_urn'])
        .execute();
      await db.schema.createIndex('vulnerability_findings_library_idx').on('vulnerability_findings').columns(['library_urn']).execute();

      // The license policy and the risk rubric: one current document of each kind; every revision stays in the ledger.
      await db.schema
        .createTable('policy_documents')
        .addColumn('kind', 'text', (c) => c.primaryKey())
        .addColumn('document', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('format', 'text', (c) => c.notNull())
        .addColumn('revision', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('updated_by', 'text', (c) => c.notNull())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('model_risk')
        .addColumn('namespace', 'text', (c) => c.notNull())
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('score', 'real', (c) => c.notNull())
        .addColumn('tier', 'text', (c) => c.notNull())
        .addColumn('contributions', 'text', (c) => c.notNull())
        .addColumn('actions', 'text', (c) => c.notNull())
        .addColumn('rubric_revision', 'integer', (c) => c.notNull())
        .addColumn('computed_at', 'text', (c) => c.notNull())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('model_risk_pk', ['namespace', 'model'])
        .execute();
      await db.schema.createIndex('model_risk_tier_idx').on('model_risk').columns(['tier', 'score']).execute();
      await db.schema
        .createTable('risk_scores')
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('namespace', 'text', (c) => c.notNull())
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('score', 'real', (c) => c.notNull())
        .addColumn('tier', 'text', (c) => c.notNull())
        .addColumn('previous_tier', 'text')
        .addColumn('contributions', 'text', (c) => c.notNull())
        .addColumn('computed_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('risk_scores_pk', ['seq', 'namespace', 'model'])
        .execute();
      await db.schema.createIndex('risk_scores_model_idx').on('risk_scores').columns(['namespace', 'model', 'seq']).execute();

      await db.schema
        .createTable('incidents')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('namespace', 'text', (c) => c.notNull())
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('number', 'integer')
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('severity', 'text', (c) => c.notNull())
        .addColumn('summary', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('opened_at', 'text', (c) => c.notNull())
        .addColumn('opened_by', 'text', (c) => c.notNull())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('resolved_at', 'text')
        .addColumn('resolved_by', 'text')
        .addColumn('resolution', 'text')
        .execute();
      await db.schema.createIndex('incidents_model_idx').on('incidents').columns(['namespace', 'model', 'status']).execute();

      await db.schema
        .createTable('webhooks')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('events', 'text', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('active', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .execute();

      // The outbox: written in the transaction of the entry that caused each event, so none is lost.
      await db.schema
        .createTable('alert_events')
        .addColumn('position', 'bigint', (c) => c.primaryKey())
        .addColumn('id', 'text', (c) => c.notNull().unique())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('occurred_at', 'text', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('webhook_deliveries')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('event_position', 'bigint', (c) => c.notNull())
        .addColumn('webhook_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('next_attempt_at', 'text')
        .addColumn('lease_until', 'text')
        .addColumn('last_status', 'integer')
        .addColumn('last_error', 'text')
        .addColumn('delivered_at', 'text')
        .execute();
      await db.schema.createIndex('webhook_deliveries_due_idx').on('webhook_deliveries').columns(['status', 'next_attempt_at']).execute();
      await db.schema.createIndex('webhook_deliveries_hook_idx').on('webhook_deliveries').columns(['webhook_id', 'event_position']).execute();
    },
  };
}
