import type { GatePolicy, GateReport, GateTier, PromotionTarget, Verdict, AttestationType } from './gate-types.js';

/*
 * What each governance entry carries: enough for the projections to be
 * rebuilt from the ledger alone, and for an auditor reading one entry to see
 * the whole decision (who, why, on what evidence).
 */

export interface VersionKey {
  readonly namespace: string;
  readonly model: string;
  readonly number: number;
}

export interface Evidence {
  /** Blobs in the registry that back the statement (reports, notebooks). */
  readonly blobs?: readonly string[];
  /** Labels only: the server never fetches them. */
  readonly links?: readonly string[];
}

export interface AttestationRecorded extends VersionKey {
  readonly id: string;
  readonly type: AttestationType;
  readonly verdict: Verdict;
  readonly summary: string;
  readonly details: Readonly<Record<string, unknown>>;
  readonly evidence: Evidence;
  /** The attestation of the same type it replaces as current, if any. */
  readonly supersedes: string | null;
}

export interface GatePolicySet {
  /** A namespace, or null for the global default. */
  readonly namespace: string | null;
  readonly policy: GatePolicy;
  /** The text as the author wrote it (YAML or JSON), kept so a review reads what was written. */
  readonly source: string;
  readonly format: 'yaml' | 'json';
}

export interface GatePolicyRemoved {
  readonly namespace: string | null;
}

export interface Approval {
  readonly by: string;
  readonly at: string;
  readonly rationale: string;
  /** The roles the approver held in the namespace when approving. */
  readonly roles: readonly string[];
}

export type RequestOutcome = 'pending' | 'refused' | 'promoted';

export interface PromotionRequested extends VersionKey {
  readonly id: string;
  readonly from: string;
  readonly to: PromotionTarget;
  readonly tier: GateTier;
  readonly rationale: string;
  readonly report: GateReport;
  /** `refused`: the gate failed (recorded all the same); `promoted`: passed and needed no approval; `pending`: waits for approvals. */
  readonly outcome: RequestOutcome;
}

export interface PromotionApproved {
  readonly id: string;
  readonly approval: Approval;
}

export interface PromotionRejected {
  readonly id: string;
  readonly reason: string;
}

/** The requester takes a pending request back (a promotion or a change request). */
export interface RequestWithdrawn {
  readonly id: string;
  readonly reason: string;
}

export interface VersionPromoted extends VersionKey {
  readonly requestId: string;
  readonly from: string;
  readonly to: PromotionTarget;
  readonly rationale: string;
  /** The report the promotion was decided on (re-evaluated at the last approval). */
  readonly report: GateReport;
  readonly approvals: readonly Approval[];
}

export interface EnvironmentCreated {
  readonly name: string;
  readonly requiredStage: string;
  readonly description: string;
}

export interface VersionDeployed extends VersionKey {
  readonly deploymentId: string;
  readonly environment: string;
  readonly artifactDigest: string;
  /** The version the alias pointed at before, if any. */
  readonly previous: number | null;
}

export const reportedStatuses = ['deployed', 'failed', 'removed'] as const;
export type ReportedStatus = (typeof reportedStatuses)[number];

export interface DeploymentReported extends VersionKey {
  readonly environment: string;
  readonly deploymentId: string | null;
  readonly status: ReportedStatus;
  readonly artifactDigest: string | null;
  readonly externalId: string | null;
  readonly detail: string;
  /** True when what was reported is what the alias points at, with the version's own artifact. */
  readonly matchesAlias: boolean;
}

/** An alias moving back: by hand, or because the version it pointed at was quarantined. */
export interface AliasRollback {
  readonly environment: string;
  readonly namespace: string;
  readonly model: string;
  readonly from: number;
  /** null: no earlier healthy version, so the alias is removed. */
  readonly to: number | null;
  readonly deploymentId: string | null;
}

export interface AliasRolledBack {
  readonly rollback: AliasRollback;
}

export interface VersionQuarantined extends VersionKey {
  readonly reason: string;
  readonly rollbacks: readonly AliasRollback[];
  /** Pending promotion requests and change requests closed by the quarantine. */
  readonly cancelledPromotions: readonly string[];
}

export interface VersionReleased extends VersionKey {
  readonly reason: string;
}

export interface VersionRetired extends VersionKey {
  readonly reason: string;
  readonly from: string;
}

export const changeTemplates = ['correction', 'deprecation', 'retrain'] as const;
export type ChangeTemplate = (typeof changeTemplates)[number];

export interface ChangeRequested extends VersionKey {
  readonly id: string;
  readonly template: ChangeTemplate;
  /** For corrections: the metadata fields and their new values. */
  readonly changes: Readonly<Record<string, unknown>>;
  readonly rationale: string;
  readonly impact: string;
}

export interface ChangeApproved {
  readonly id: string;
  readonly rationale: string;
}

export interface ChangeRejected {
  readonly id: string;
  readonly reason: string;
}

export interface VersionAmended extends VersionKey {
  readonly requestId: string;
  /** Each field changed, with the value it had: the original stays readable. */
  readonly changes: Readonly<Record<string, { readonly from: unknown; readonly to: unknown }>>;
  /** The metadata as it is after the amendment, so replay needs no merge logic. */
  readonly metadata: Readonly<Record<string, unknown>>;
}

export interface VersionDeprecated extends VersionKey {
  readonly requestId: string;
  readonly reason: string;
}
