/* Rows of the governance projections (JSON columns are text; integers may come back as strings from PostgreSQL's bigint). */

export interface AttestationRow {
  id: string;
  version_id: number;
  namespace: string;
  model: string;
  number: number;
  type: string;
  verdict: string;
  summary: string;
  details: string;
  evidence: string;
  created_at: string;
  created_by: string;
  seq: number;
  superseded_by: string | null;
}

export interface GatePolicyRow {
  /** A namespace, or `*` for the global default. */
  scope: string;
  policy: string;
  source: string;
  format: string;
  updated_at: string;
  updated_by: string;
  updated_seq: number;
  revision: number;
}

export interface PromotionRequestRow {
  id: string;
  version_id: number;
  namespace: string;
  model: string;
  number: number;
  from_stage: string;
  to_stage: string;
  tier: string;
  /** pending | promoted | refused | rejected | cancelled */
  status: string;
  rationale: string;
  report: string;
  requested_at: string;
  requested_by: string;
  seq: number;
  decided_at: string | null;
  decided_by: string | null;
  decision_reason: string | null;
}

export interface PromotionApprovalRow {
  request_id: string;
  approver: string;
  rationale: string;
  roles: string;
  at: string;
  seq: number;
}

export interface EnvironmentRow {
  name: string;
  required_stage: string;
  description: string;
  created_at: string;
  created_by: string;
  seq: number;
}

export interface AliasRow {
  environment: string;
  namespace: string;
  model: string;
  number: number;
  deployment_id: string;
  since_at: string;
  since_seq: number;
}

export interface DeploymentRow {
  id: string;
  seq: number;
  environment: string;
  namespace: string;
  model: string;
  number: number;
  artifact_digest: string;
  /** deploy | rollback | quarantine-rollback */
  kind: string;
  previous: number | null;
  reason: string | null;
  at: string;
  by: string;
  /** unknown | healthy | failed | removed | mismatch (it ran another artifact): the last thing a deployment system reported. */
  health: string;
  reported_at: string | null;
  external_id: string | null;
}

export interface DeploymentReportRow {
  seq: number;
  environment: string;
  deployment_id: string | null;
  namespace: string;
  model: string;
  number: number;
  status: string;
  artifact_digest: string | null;
  external_id: string | null;
  detail: string;
  matches_alias: number;
  at: string;
  by: string;
}

export interface VersionNoteRow {
  seq: number;
  version_id: number;
  /** quarantined | released | retired | deprecated */
  kind: string;
  reason: string;
  at: string;
  by: string;
}

export interface ChangeRequestRow {
  id: string;
  version_id: number;
  namespace: string;
  model: string;
  number: number;
  template: string;
  changes: string;
  rationale: string;
  impact: string;
  /** pending | approved | rejected | cancelled */
  status: string;
  requested_at: string;
  requested_by: string;
  seq: number;
  decided_at: string | null;
  decided_by: string | null;
  decision_reason: string | null;
}

export interface VersionAmendmentRow {
  seq: number;
  version_id: number;
  request_id: string;
  changes: string;
  at: string;
  by: string;
}

export interface GovernanceTables {
  attestations: AttestationRow;
  gate_policies: GatePolicyRow;
  promotion_requests: PromotionRequestRow;
  promotion_approvals: PromotionApprovalRow;
  environments: EnvironmentRow;
  aliases: AliasRow;
  deployments: DeploymentRow;
  deployment_reports: DeploymentReportRow;
  version_notes: VersionNoteRow;
  change_requests: ChangeRequestRow;
  version_amendments: VersionAmendmentRow;
}
