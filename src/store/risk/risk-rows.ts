/* Rows of the dependency and risk tables (JSON columns are text; bigints may come back as strings from PostgreSQL). */

export interface LineageNodeRow {
  urn: string;
  kind: string;
  namespace: string | null;
  attributes: string;
  created_at: string;
  updated_at: string;
  updated_by: string;
  updated_seq: number;
}

export interface LineageEdgeRow {
  from_urn: string;
  type: string;
  to_urn: string;
  owner: string;
  seq: number;
}

export interface LibraryRow {
  urn: string;
  purl: string;
  package: string;
  package_key: string | null;
  first_seq: number;
}

export interface LibraryDeprecationRow {
  target: string;
  reason: string;
  replacement: string | null;
  deprecated_at: string;
  deprecated_by: string;
  seq: number;
}

export interface AdvisoryRow {
  id: string;
  modified: string;
  severity: string;
  summary: string | null;
  withdrawn: string | null;
  advisory: string;
  imported_at: string;
  seq: number;
}

export interface AdvisoryPackageRow {
  advisory_id: string;
  package_key: string;
}

export interface VulnerabilityFindingRow {
  advisory_id: string;
  library_urn: string;
  severity: string;
  reason: string;
  seq: number;
}

export interface PolicyDocumentRow {
  kind: string;
  document: string;
  source: string;
  format: string;
  revision: number;
  updated_at: string;
  updated_by: string;
  seq: number;
}

export interface ModelRiskRow {
  namespace: string;
  model: string;
  score: number;
  tier: string;
  contributions: string;
  actions: string;
  rubric_revision: number;
  computed_at: string;
  seq: number;
}

export interface RiskScoreRow {
  seq: number;
  namespace: string;
  model: string;
  score: number;
  tier: string;
  previous_tier: string | null;
  contributions: string;
  computed_at: string;
}

export interface IncidentRow {
  id: string;
  namespace: string;
  model: string;
  number: number | null;
  kind: string;
  severity: string;
  summary: string;
  status: string;
  opened_at: string;
  opened_by: string;
  seq: number;
  resolved_at: string | null;
  resolved_by: string | null;
  resolution: string | null;
}

export interface WebhookRow {
  id: string;
  url: string;
  events: string;
  description: string | null;
  active: number;
  created_at: string;
  created_by: string;
  seq: number;
}

export interface AlertEventRow {
  position: number;
  id: string;
  type: string;
  subject: string;
  occurred_at: string;
  data: string;
}

export interface WebhookDeliveryRow {
  id: string;
  event_position: number;
  webhook_id: string;
  status: string;
  attempts: number;
  next_attempt_at: string | null;
  lease_until: string | null;
  last_status: number | null;
  last_error: string | null;
  delivered_at: string | null;
}

export interface RiskTables {
  lineage_nodes: LineageNodeRow;
  lineage_edges: LineageEdgeRow;
  libraries: LibraryRow;
  library_deprecations: LibraryDeprecationRow;
  advisories: AdvisoryRow;
  advisory_packages: AdvisoryPackageRow;
  vulnerability_findings: VulnerabilityFindingRow;
  policy_documents: PolicyDocumentRow;
  model_risk: ModelRiskRow;
  risk_scores: RiskScoreRow;
  incidents: IncidentRow;
  webhooks: WebhookRow;
  alert_events: AlertEventRow;
  webhook_deliveries: WebhookDeliveryRow;
}
