import type { Static } from '@sinclair/typebox';
import type { Role } from '../access/roles.js';
import type { Stage } from '../catalog/schemas.js';
import type { RollbackView } from '../governance/deployment-commands.js';
import type { QuarantineView } from '../governance/lifecycle-commands.js';
import type { ChangeTemplate, ReportedStatus } from '../governance/entry-payloads.js';
import type { RecordAttestationSchema } from '../governance/attestation-schemas.js';
import type { AttestationType, GateCheck, GatePolicy, GateReport, GateTier, PromotionTarget, Verdict } from '../governance/gate-types.js';
import type { attestationView, amendmentView, changeView, deploymentView, environmentView, noteView, promotionView, reportView } from '../governance/views.js';

/*
 * Governance: attestations, gate policies and reports, promotions and their
 * approvals, environments and deployments, quarantine, change requests.
 * Answers are the server's views (src/governance/views.ts) and command
 * results, so their types are derived from those; the few shapes routes
 * assemble inline are restated here: keep them in step with
 * src/http/routes/governance.
 */

export type { AttestationType, ChangeTemplate, GateCheck, GatePolicy, GateReport, GateTier, PromotionTarget, ReportedStatus, Verdict };

/** `fraud/scorer@3`, or the parsed form. */
export type VersionLabel = string;
/** `fraud/scorer`. */
export type ModelLabel = string;

/** A typed statement about a published version, as recorded. */
export type Attestation = ReturnType<typeof attestationView>;

/**
 * What an attestation says. `details` is shaped by `type`: an `evaluation`
 * needs `slices` (`[{ name, metrics }]`), a `license_review` `licenses`, a
 * `bias_assessment` `protectedAttributes`, a `safety_review` and a `red_team`
 * a `scope`. Evidence blobs must be uploaded first; links are never fetched.
 */
export type AttestationStatement = Static<typeof RecordAttestationSchema>;

export type PromotionStatus = 'pending' | 'promoted' | 'refused' | 'rejected' | 'withdrawn' | 'cancelled';

/** One approval of a promotion: who, when, why, and the roles it counted with. */
export interface PromotionApproval {
  readonly by: string;
  readonly at: string;
  readonly rationale: string;
  readonly roles: string[];
  readonly seq: number;
}

/** A promotion request with the gate report it was decided on and its approvals so far. */
export type Promotion = Omit<ReturnType<typeof promotionView>, 'status' | 'to'> & { readonly status: PromotionStatus; readonly to: PromotionTarget };

/** A human approval requirement not met yet: `count` more approvers holding `role`. */
export interface ApprovalNeed {
  readonly role: Role;
  readonly count: number;
}

/** `GET /api/v1/promotions/{id}`: the request, and what approvals it still waits for (none unless pending). */
export type PromotionDetail = Promotion & { readonly stillNeeded: ApprovalNeed[] };

export interface PromotionQuery {
  readonly status?: PromotionStatus;
  readonly namespace?: string;
  /** 1–500; the server's default is 50. */
  readonly limit?: number;
  readonly cursor?: string;
}

/** The gate policy set at one scope, as stored. */
export interface OwnGatePolicy {
  readonly policy: GatePolicy;
  /** The text as it was sent (YAML or JSON). */
  readonly source: string;
  readonly format: 'yaml' | 'json';
  readonly revision: number;
  readonly updatedAt: string;
  readonly updatedBy: string;
  readonly seq: number;
}

/** `GET …/gate-policy`: the scope's own policy (null when it has none) and the one in force there. */
export interface GatePolicyAnswer {
  /** A namespace name, or `global`. */
  readonly scope: string;
  readonly own: OwnGatePolicy | null;
  /** Where the policy that applies comes from: this namespace, the global default, or the built-in one. */
  readonly effective: { readonly from: 'namespace' | 'global' | 'builtin'; readonly policy: GatePolicy; readonly seq: number | null };
}

/** A policy as YAML or JSON text (the server guesses the format when not given), or as an object. */
export type GatePolicyInput = { readonly source: string; readonly format?: 'yaml' | 'json' } | { readonly policy: GatePolicy };

/** One ledger entry of a scope's gate policy history, newest first. */
export interface GatePolicyRevision {
  readonly seq: number;
  readonly at: string;
  readonly actor: string;
  /** `gate_policy.set` or `gate_policy.removed`. */
  readonly action: string;
  readonly reason: string | null;
  /** Null for a removal. */
  readonly policy: GatePolicy | null;
  readonly source: string | null;
}

export type Environment = ReturnType<typeof environmentView>;

/** An environment and what its aliases point at (only models the caller may read). */
export type EnvironmentDetail = Environment & {
  readonly aliases: { readonly model: ModelLabel; readonly version: VersionLabel; readonly deploymentId: string; readonly since: string }[];
};

export interface CreateEnvironment {
  readonly name: string;
  /** The stage a version must have reached to be deployed there. */
  readonly requiredStage: Exclude<Stage, 'retired'>;
  readonly description?: string;
}

/** A deployment (or a rollback, which is a deployment of an earlier version). */
export type Deployment = ReturnType<typeof deploymentView>;

/** Where an alias moved: `to` is null when nothing healthy was left, and the alias was removed. */
export type Rollback = RollbackView;

export interface DeploymentReportRequest {
  readonly status: ReportedStatus;
  /** The deployment being reported on; the latest deployment of the version there when absent. */
  readonly deploymentId?: string;
  /** The artifact digest actually running; a mismatch with the version's is flagged. */
  readonly artifactDigest?: string;
  /** The deployment system's own release id. */
  readonly externalId?: string;
  readonly detail?: string;
}

/** What the server made of a report: `matchesAlias` is false when it runs something other than the alias says. */
export interface DeploymentReportResult {
  readonly seq: number;
  readonly deploymentId: string | null;
  readonly matchesAlias: boolean;
  /** The version the alias points at, if any. */
  readonly alias: VersionLabel | null;
}

/** A report as listed. */
export type DeploymentReport = ReturnType<typeof reportView>;

/** One environment's alias for a model. */
export interface ModelAlias {
  readonly environment: string;
  readonly version: VersionLabel;
  readonly number: number;
  readonly deploymentId: string;
  readonly since: string;
  readonly sinceSeq: number;
}

/** A quarantine: the rollbacks it caused in every environment running the version, and the promotions it cancelled. */
export type Quarantine = QuarantineView;

/** Everything governance records of one version. */
export interface GovernanceRecord {
  readonly version: VersionLabel;
  readonly status: string;
  readonly stage: string;
  /** Every attestation ever recorded, superseded ones included. */
  readonly attestations: Attestation[];
  readonly promotions: Promotion[];
  readonly servingIn: { readonly environment: string; readonly deploymentId: string; readonly since: string }[];
  readonly deployments: Deployment[];
  /** Quarantines, releases, retirement, deprecation, with their reasons. */
  readonly notes: ReturnType<typeof noteView>[];
  readonly changes: ChangeRequest[];
  readonly amendments: ReturnType<typeof amendmentView>[];
}

export type ChangeStatus = 'pending' | 'approved' | 'rejected' | 'withdrawn';

export type ChangeRequest = Omit<ReturnType<typeof changeView>, 'status' | 'template'> & { readonly status: ChangeStatus; readonly template: ChangeTemplate };

export interface ChangeRequestInput {
  readonly template: ChangeTemplate;
  /** For a correction: the metadata fields and their new values (e.g. `{ license: 'MIT' }`). */
  readonly changes?: Readonly<Record<string, unknown>>;
  readonly rationale: string;
  /** Who and what the change affects. */
  readonly impact: string;
}

export interface ChangeQuery {
  readonly status?: ChangeStatus;
  readonly template?: ChangeTemplate;
  readonly namespace?: string;
  readonly limit?: number;
  readonly cursor?: string;
}
