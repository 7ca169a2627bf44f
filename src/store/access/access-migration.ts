import { type Kysely, type Migration, sql } from 'kysely';

/*
 * Identity and access: role bindings (direct, through groups, from an
 * approved elevation), group members, added Cedar policies, elevation
 * requests, security events and the blobs each version names (so an artifact
 * download is decided by the namespaces that hold it). All are projections of
 * the ledger; `token_usage` alone is operational (last use, not evidence).
 */
export function accessMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('role_bindings')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('principal', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('namespace', 'text')
        .addColumn('via', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text')
        .execute();
      await db.schema.createIndex('role_bindings_principal_idx').on('role_bindings').columns(['principal', 'namespace']).execute();

      await db.schema
        .createTable('group_members')
        .addColumn('group_id', 'text', (c) => c.notNull())
        .addColumn('member', 'text', (c) => c.notNull())
        .addColumn('added_at', 'text', (c) => c.notNull())
        .addColumn('added_by', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('group_members_pk', ['group_id', 'member'])
        .execute();
      await db.schema.createIndex('group_members_member_idx').on('group_members').columns(['member']).execute();

      await db.schema
        .createTable('access_policies')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('updated_by', 'text', (c) => c.notNull())
        .addColumn('updated_seq', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('elevation_requests')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('requester', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('namespace', 'text')
        .addColumn('duration_seconds', 'integer', (c) => c.notNull())
        .addColumn('justification', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('requested_at', 'text', (c) => c.notNull())
        .addColumn('decided_by', 'text')
        .addColumn('decided_at', 'text')
        .addColumn('decision_reason', 'text')
        .addColumn('expires_at', 'text')
        .execute();
      await db.schema.createIndex('elevation_requests_status_idx').on('elevation_requests').columns(['status', 'requested_at']).execute();

      await db.schema
        .createTable('security_events')
        .addColumn('seq', 'bigint', (c) => c.primaryKey())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('principal', 'text', (c) => c.notNull())
        .addColumn('summary', 'text', (c) => c.notNull())
        .addColumn('detail', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('version_blobs')
        .addColumn('digest', 'text', (c) => c.notNull())
        .addColumn('version_id', 'bigint', (c) => c.notNull())
        .addColumn('namespace', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('version_blobs_pk', ['digest', 'version_id'])
        .execute();
      // A draft's manifest change replaces its rows by version.
      await db.schema.createIndex('version_blobs_version_idx').on('version_blobs').columns(['version_id']).execute();
      // Which namespaces hold a blob, with how many versions each: one small read per download, however popular the blob.
      await db.schema
        .createTable('blob_holders')
        .addColumn('digest', 'text', (c) => c.notNull())
        .addColumn('namespace', 'text', (c) => c.notNull())
        .addColumn('versions', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('blob_holders_pk', ['digest', 'namespace'])
        .execute();

      await db.schema
        .createTable('token_usage')
        .addColumn('token_id', 'text', (c) => c.primaryKey())
        .addColumn('last_used_at', 'text', (c) => c.notNull())
        .execute();

      // A token's scope: the roles and namespaces it may use of its holder's grants (JSON; 'null' = all).
      await db.schema.alterTable('api_tokens').addColumn('scope_namespaces', 'text', (c) => c.notNull().defaultTo('null')).execute();
      await db.schema.createIndex('api_tokens_principal_idx').on('api_tokens').columns(['principal']).execute();

      // Existing tokens' roles become bindings, versions' blobs get indexed: both by replaying the ledger.
      await sql`UPDATE ledger_head SET rebuild_projections = CASE WHEN size > 0 THEN 1 ELSE 0 END`.execute(db);
    },
  };
}
