import type { Database } from '../database.js';

export interface ProjectionTable {
  readonly name: keyof Database & string;
  /** The columns that identify a row, so two copies of the table can be compared row by row. */
  readonly key: readonly string[];
}

/**
 * The tables `applyEntry` writes, children before parents (the order rows
 * can be deleted in). Everything here can be rebuilt from the ledger.
 */
export const projectionTables: readonly ProjectionTable[] = [
  { name: 'webhooks', key: ['id'] },
  { name: 'incidents', key: ['id'] },
  { name: 'risk_scores', key: ['seq', 'namespace', 'model'] },
  { name: 'model_risk', key: ['namespace', 'model'] },
  { name: 'policy_documents', key: ['kind'] },
  { name: 'vulnerability_findings', key: ['advisory_id', 'library_urn'] },
  { name: 'advisory_packages', key: ['advisory_id', 'package_key'] },
  { name: 'advisories', key: ['id'] },
  { name: 'library_deprecations', key: ['target'] },
  { name: 'libraries', key: ['urn'] },
  { name: 'lineage_edges', key: ['from_urn', 'type', 'to_urn', 'owner'] },
  { name: 'lineage_nodes', key: ['urn'] },
  { name: 'version_amendments', key: ['seq'] },
  { name: 'change_requests', key: ['id'] },
  { name: 'version_notes', key: ['seq'] },
  { name: 'deployment_reports', key: ['seq'] },
  { name: 'deployments', key: ['id'] },
  { name: 'aliases', key: ['environment', 'namespace', 'model'] },
  { name: 'environments', key: ['name'] },
  { name: 'promotion_approvals', key: ['request_id', 'approver'] },
  { name: 'promotion_requests', key: ['id'] },
  { name: 'gate_policies', key: ['scope'] },
  { name: 'attestations', key: ['id'] },
  { name: 'blob_holders', key: ['digest', 'namespace'] },
  { name: 'version_blobs', key: ['digest', 'version_id'] },
  { name: 'version_tags', key: ['version_id', 'tag'] },
  { name: 'version_history', key: ['id', 'valid_from'] },
  { name: 'versions', key: ['id'] },
  { name: 'model_tags', key: ['model_id', 'tag'] },
  { name: 'model_owners', key: ['model_id', 'owner'] },
  { name: 'model_history', key: ['id', 'valid_from'] },
  { name: 'models', key: ['id'] },
  { name: 'extension_schema_history', key: ['namespace', 'kind', 'valid_from'] },
  { name: 'extension_schemas', key: ['namespace', 'kind'] },
  { name: 'namespaces', key: ['name'] },
  { name: 'api_tokens', key: ['id'] },
  { name: 'role_bindings', key: ['id'] },
  { name: 'group_members', key: ['group_id', 'member'] },
  { name: 'access_policies', key: ['id'] },
  { name: 'elevation_requests', key: ['id'] },
  { name: 'security_events', key: ['seq'] },
];
