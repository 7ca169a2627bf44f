import type { Kysely, Migration } from 'kysely';

/*
 * Governance: attestations, gate policies, promotion requests and their
 * approvals, environments with their aliases and deployment history, reports
 * from deployment systems, quarantine / retirement / deprecation notes,
 * change requests and the amendments they applied. All are projections of
 * ledger actions that did not exist before, so nothing needs replaying.
 */
export function governanceMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('attestations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('version_id', 'bigint', (c) => c.notNull())
        .addColumn('namespace', 'text', (c) => c.notNull())
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('number', 'integer', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('verdict', 'text', (c) => c.notNull())
        .addColumn('summary', 'text', (c) => c.notNull())
        .addColumn('details', 'text', (c) => c.notNull())
        .addColumn('evidence', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('superseded_by', 'text')
        .execute();
      await db.schema.createIndex('attestations_version_idx').on('attestations').columns(['version_id', 'type', 'seq']).execute();

      await db.schema
        .createTable('gate_policies')
        .addColumn('scope', 'text', (c) => c.primaryKey())
        .addColumn('policy', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('format', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('updated_by', 'text', (c) => c.notNull())
        .addColumn('updated_seq', 'bigint', (c) => c.notNull())
        .addColumn('revision', 'integer', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('promotion_requests')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('version_id', 'bigint', (c) => c.notNull())
        .addColumn('namespace', 'text', (c) => c.notNull())
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('number', 'integer', (c) => c.notNull())
        .addColumn('from_stage', 'text', (c) => c.notNull())
        .addColumn('to_stage', 'text', (c) => c.notNull())
        .addColumn('tier', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('rationale', 'text', (c) => c.notNull())
        .addColumn('report', 'text', (c) => c.notNull())
        .addColumn('requested_at', 'text', (c) => c.notNull())
        .addColumn('requested_by', 'text', (c) => c.notNull())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('decided_at', 'text')
        .addColumn('decided_by', 'text')
        .addColumn('decision_reason', 'text')
        .execute();
      await db.schema.createIndex('promotion_requests_status_idx').on('promotion_requests').columns(['status', 'seq']).execute();
      await db.schema.createIndex('promotion_requests_version_idx').on('promotion_requests').columns(['version_id', 'seq']).execute();

      await db.schema
        .createTable('promotion_approvals')
        .addColumn('request_id', 'text', (c) => c.notNull())
        .addColumn('approver', 'text', (c) => c.notNull())
        .addColumn('rationale', 'text', (c) => c.notNull())
        .addColumn('roles', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('promotion_approvals_pk', ['request_id', 'approver'])
        .execute();

      await db.schema
        .createTable('environments')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('required_stage', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('aliases')
        .addColumn('environment', 'text', (c) => c.notNull())
        .addColumn('namespace', 'text', (c) => c.notNull())
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('number', 'integer', (c) => c.notNull())
        .addColumn('deployment_id', 'text', (c) => c.notNull())
        .addColumn('since_at', 'text', (c) => c.notNull())
        .addColumn('since_seq', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('aliases_pk', ['environment', 'namespace', 'model'])
        .execute();
      await db.schema.createIndex('aliases_version_idx').on('aliases').columns(['namespace', 'model', 'number']).execute();

      await db.schema
        .createTable('deployments')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('environment', 'text', (c) => c.notNull())
        .addColumn('namespace', 'text', (c) => c.notNull())
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('number', 'integer', (c) => c.notNull())
        .addColumn('artifact_digest', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('previous', 'integer')
        .addColumn('reason', 'text')
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('by', 'text', (c) => c.notNull())
        .addColumn('health', 'text', (c) => c.notNull())
        .addColumn('reported_at', 'text')
        .addColumn('external_id', 'text')
        .execute();
      await db.schema.createIndex('deployments_alias_idx').on('deployments').columns(['environment', 'namespace', 'model', 'seq']).execute();
      await db.schema.createIndex('deployments_version_idx').on('deployments').columns(['namespace', 'model', 'number']).execute();

      await db.schema
        .createTable('deployment_reports')
        .addColumn('seq', 'bigint', (c) => c.primaryKey())
        .addColumn('environment', 'text', (c) => c.notNull())
        .addColumn('deployment_id', 'text')
        .addColumn('namespace', 'text', (c) => c.notNull())
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('number', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('artifact_digest', 'text')
        .addColumn('external_id', 'text')
        .addColumn('detail', 'text', (c) => c.notNull())
        .addColumn('matches_alias', 'integer', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('by', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('deployment_reports_env_idx').on('deployment_reports').columns(['environment', 'seq']).execute();

      await db.schema
        .createTable('version_notes')
        .addColumn('seq', 'bigint', (c) => c.primaryKey())
        .addColumn('version_id', 'bigint', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('by', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('version_notes_version_idx').on('version_notes').columns(['version_id', 'seq']).execute();

      await db.schema
        .createTable('change_requests')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('version_id', 'bigint', (c) => c.notNull())
        .addColumn('namespace', 'text', (c) => c.notNull())
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('number', 'integer', (c) => c.notNull())
        .addColumn('template', 'text', (c) => c.notNull())
        .addColumn('changes', 'text', (c) => c.notNull())
        .addColumn('rationale', 'text', (c) => c.notNull())
        .addColumn('impact', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('requested_at', 'text', (c) => c.notNull())
        .addColumn('requested_by', 'text', (c) => c.notNull())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('decided_at', 'text')
        .addColumn('decided_by', 'text')
        .addColumn('decision_reason', 'text')
        .execute();
      await db.schema.createIndex('change_requests_status_idx').on('change_requests').columns(['status', 'seq']).execute();
      await db.schema.createIndex('change_requests_version_idx').on('change_requests').columns(['version_id', 'seq']).execute();

      await db.schema
        .createTable('version_amendments')
        .addColumn('seq', 'bigint', (c) => c.primaryKey())
        .addColumn('version_id', 'bigint', (c) => c.notNull())
        .addColumn('request_id', 'text', (c) => c.notNull())
        .addColumn('changes', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('by', 'text', (c) => c.notNull())
        .execute();
      // How many of a namespace's versions holding a blob are quarantined: when all are, downloads need an investigation role.
      await db.schema.alterTable('blob_holders').addColumn('quarantined', 'integer', (c) => c.notNull().defaultTo(0)).execute();

      await db.schema.createIndex('version_amendments_version_idx').on('version_amendments').columns(['version_id', 'seq']).execute();
    },
  };
}
