import type { GovernanceTables } from './governance/governance-rows.js';
import type { RiskTables } from './risk/risk-rows.js';
import type { Kysely } from 'kysely';

/*
 * Row types: how tables look to SQL. JSON is stored as text and integers as
 * numbers in both dialects; mapping to domain types happens in the queries.
 */

export interface LedgerEntryRow {
  seq: number;
  at: string;
  actor: string;
  action: string;
  subject: string;
  reason: string | null;
  /** The RFC 8785 text that was hashed; the payload is read back from it, so there is one source of truth. */
  canonical: string;
  leaf_hash: string;
}

/** One row, id 1: the lock every writer takes, and the ledger's size. */
export interface LedgerHeadRow {
  id: number;
  size: number;
  /** The Merkle frontier at `size`: JSON array of hex peak hashes, largest subtree first. */
  frontier: string;
  /** 1 when the projections must be rebuilt from the ledger (set by a migration that adds one). */
  rebuild_projections: number;
}

/** A complete subtree of level ≥ 1 of the ledger's Merkle tree; hash in hex. */
export interface LedgerNodeRow {
  level: number;
  idx: number;
  hash: string;
}

/** A signed checkpoint (C2SP tlog-checkpoint note) of the ledger at `size`. */
export interface LedgerCheckpointRow {
  size: number;
  root: string;
  note: string;
  created_at: string;
}

export interface NamespaceRow {
  name: string;
  description: string;
  created_at: string;
  created_by: string;
  created_seq: number;
}

export interface ExtensionSchemaRow {
  namespace: string;
  kind: string;
  schema: string;
  updated_seq: number;
}

export interface ModelRow {
  id: number;
  namespace: string;
  name: string;
  description: string;
  domain: string | null;
  owners: string;
  tags: string;
  risk_profile: string | null;
  risk_tier: string | null;
  stage: string;
  extra: string;
  created_at: string;
  created_by: string;
  updated_at: string;
  revision: number;
  /** Space-joined tags, fed to full-text search. */
  search_tags: string;
}

/** A model row as it stood from ledger seq `valid_from` until `valid_to` (null: still current). */
export interface ModelHistoryRow extends ModelRow {
  /** Space-separated words of name, description and tags, as `searchWords` gives them. */
  search_words: string;
  valid_from: number;
  valid_to: number | null;
}

export interface ModelTagRow {
  model_id: number;
  tag: string;
}

export interface ModelOwnerRow {
  model_id: number;
  owner: string;
}

export interface VersionRow {
  id: number;
  model_id: number;
  namespace: string;
  model: string;
  number: number;
  status: string;
  stage: string;
  artifact_digest: string;
  license: string | null;
  metadata: string;
  manifest: string;
  created_at: string;
  created_by: string;
  updated_at: string;
  published_at: string | null;
  published_by: string | null;
  revision: number;
}

export interface VersionHistoryRow extends VersionRow {
  valid_from: number;
  valid_to: number | null;
}

export interface ExtensionSchemaHistoryRow {
  namespace: string;
  kind: string;
  schema: string;
  valid_from: number;
  valid_to: number | null;
}

export interface VersionTagRow {
  version_id: number;
  tag: string;
}

export interface ApiTokenRow {
  id: string;
  name: string;
  principal: string;
  /** JSON: the roles the token may use of its holder's grants, or null for all of them. */
  roles: string;
  /** JSON: the namespaces it may act in, or null for all. */
  scope_namespaces: string;
  token_hash: string;
  created_at: string;
  created_by: string;
  expires_at: string | null;
  revoked_at: string | null;
}

/** One audited read; `leaf_hash` (hex) is SHA-256(0x00 || canonical JSON of the other columns but batch_seq). */
export interface AccessLogRow {
  id: number;
  at: string;
  actor: string;
  action: string;
  subject: string;
  status: number;
  /** The ledger seq of the `access.batch_anchored` entry whose Merkle root covers this record. */
  batch_seq: number;
  leaf_hash: string;
}

export interface IdempotencyRow {
  principal: string;
  key: string;
  request_hash: string;
  status: number;
  body: string;
  created_at: string;
}

export interface RoleBindingRow {
  id: string;
  principal: string;
  role: string;
  namespace: string | null;
  /** `binding`, `elevation:<id>`, `bootstrap`, `token:<id>` (a grant carried by a token from before bindings existed). */
  via: string;
  reason: string;
  created_at: string;
  created_by: string;
  expires_at: string | null;
}

export interface GroupMemberRow {
  group_id: string;
  member: string;
  added_at: string;
  added_by: string;
}

export interface AccessPolicyRow {
  id: string;
  text: string;
  description: string;
  updated_at: string;
  updated_by: string;
  updated_seq: number;
}

export interface ElevationRequestRow {
  id: string;
  requester: string;
  role: string;
  namespace: string | null;
  duration_seconds: number;
  justification: string;
  status: 'pending' | 'approved' | 'denied';
  requested_at: string;
  decided_by: string | null;
  decided_at: string | null;
  decision_reason: string | null;
  expires_at: string | null;
}

export interface SecurityEventRow {
  seq: number;
  at: string;
  kind: string;
  principal: string;
  summary: string;
  detail: string;
}

export interface VersionBlobRow {
  digest: string;
  version_id: number;
  namespace: string;
}

export interface BlobHolderRow {
  digest: string;
  namespace: string;
  versions: number;
  /** How many of those versions are quarantined. */
  quarantined: number;
}

export interface TokenUsageRow {
  token_id: string;
  last_used_at: string;
}

export interface Database extends GovernanceTables, RiskTables {
  ledger_entries: LedgerEntryRow;
  ledger_head: LedgerHeadRow;
  ledger_nodes: LedgerNodeRow;
  ledger_checkpoints: LedgerCheckpointRow;
  namespaces: NamespaceRow;
  extension_schemas: ExtensionSchemaRow;
  models: ModelRow;
  model_tags: ModelTagRow;
  model_owners: ModelOwnerRow;
  versions: VersionRow;
  version_tags: VersionTagRow;
  model_history: ModelHistoryRow;
  version_history: VersionHistoryRow;
  extension_schema_history: ExtensionSchemaHistoryRow;
  api_tokens: ApiTokenRow;
  idempotency_keys: IdempotencyRow;
  access_log: AccessLogRow;
  role_bindings: RoleBindingRow;
  group_members: GroupMemberRow;
  access_policies: AccessPolicyRow;
  elevation_requests: ElevationRequestRow;
  security_events: SecurityEventRow;
  version_blobs: VersionBlobRow;
  blob_holders: BlobHolderRow;
  token_usage: TokenUsageRow;
}

export type Db = Kysely<Database>;
