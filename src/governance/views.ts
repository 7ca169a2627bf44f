import { versionLabel } from '../catalog/catalog-commands.js';
import { attestationUrn, changeUrn, deploymentUrn, promotionUrn, versionUrn } from '../catalog/urns.js';
import type {
  AttestationRow,
  ChangeRequestRow,
  DeploymentReportRow,
  DeploymentRow,
  EnvironmentRow,
  PromotionApprovalRow,
  PromotionRequestRow,
  VersionAmendmentRow,
  VersionNoteRow,
} from '../store/governance/governance-rows.js';
import type { GateReport } from './gate-types.js';

/* Rows as the API answers them: camelCase, JSON parsed, URNs added. */


export function attestationView(row: AttestationRow) {
  return {
    id: row.id,
    urn: attestationUrn(row.id),
    version: versionLabel(row),
    type: row.type,
    verdict: row.verdict,
    summary: row.summary,
    details: JSON.parse(row.details) as Record<string, unknown>,
    evidence: JSON.parse(row.evidence) as { blobs?: string[]; links?: string[] },
    createdAt: row.created_at,
    createdBy: row.created_by,
    seq: Number(row.seq),
    supersededBy: row.superseded_by,
  };
}
export type AttestationView = ReturnType<typeof attestationView>;

export function approvalView(row: PromotionApprovalRow) {
  return { by: row.approver, at: row.at, rationale: row.rationale, roles: JSON.parse(row.roles) as string[], seq: Number(row.seq) };
}

export function promotionView(row: PromotionRequestRow, approvals: readonly PromotionApprovalRow[]) {
  return {
    id: row.id,
    urn: promotionUrn(row.id),
    version: versionLabel(row),
    versionUrn: versionUrn(row.namespace, row.model, row.number),
    from: row.from_stage,
    to: row.to_stage,
    tier: row.tier,
    status: row.status,
    rationale: row.rationale,
    requestedAt: row.requested_at,
    requestedBy: row.requested_by,
    seq: Number(row.seq),
    decidedAt: row.decided_at,
    decidedBy: row.decided_by,
    decisionReason: row.decision_reason,
    report: JSON.parse(row.report) as GateReport,
    approvals: approvals.filter((a) => a.request_id === row.id).map(approvalView),
  };
}
export type PromotionView = ReturnType<typeof promotionView>;

export function environmentView(row: EnvironmentRow) {
  return { name: row.name, requiredStage: row.required_stage, description: row.description, createdAt: row.created_at, createdBy: row.created_by };
}

export function deploymentView(row: DeploymentRow) {
  return {
    id: row.id,
    urn: deploymentUrn(row.id),
    environment: row.environment,
    version: versionLabel(row),
    artifactDigest: row.artifact_digest,
    kind: row.kind,
    previous: row.previous === null ? null : `${row.namespace}/${row.model}@${row.previous}`,
    reason: row.reason,
    at: row.at,
    by: row.by,
    seq: Number(row.seq),
    health: row.health,
    reportedAt: row.reported_at,
    externalId: row.external_id,
  };
}
export type DeploymentView = ReturnType<typeof deploymentView>;

export function reportView(row: DeploymentReportRow) {
  return {
    seq: Number(row.seq),
    environment: row.environment,
    deploymentId: row.deployment_id,
    version: versionLabel(row),
    status: row.status,
    artifactDigest: row.artifact_digest,
    externalId: row.external_id,
    detail: row.detail,
    matchesAlias: Number(row.matches_alias) === 1,
    at: row.at,
    by: row.by,
  };
}

export function noteView(row: VersionNoteRow) {
  return { kind: row.kind, reason: row.reason, at: row.at, by: row.by, seq: Number(row.seq) };
}

export function changeView(row: ChangeRequestRow) {
  return {
    id: row.id,
    urn: changeUrn(row.id),
    version: versionLabel(row),
    template: row.template,
    changes: JSON.parse(row.changes) as Record<string, unknown>,
    rationale: row.rationale,
    impact: row.impact,
    status: row.status,
    requestedAt: row.requested_at,
    requestedBy: row.requested_by,
    seq: Number(row.seq),
    decidedAt: row.decided_at,
    decidedBy: row.decided_by,
    decisionReason: row.decision_reason,
  };
}
export type ChangeView = ReturnType<typeof changeView>;

export function amendmentView(row: VersionAmendmentRow) {
  return { seq: Number(row.seq), requestId: row.request_id, changes: JSON.parse(row.changes) as Record<string, { from: unknown; to: unknown }>, at: row.at, by: row.by };
}
