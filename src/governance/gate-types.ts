import type { Role } from '../access/roles.js';

/*
 * The shapes gates work with: what a gate policy says, what a gate is
 * evaluated over, and the report it yields. Pure data, shared by the policy
 * parser, the evaluator, the store and the routes.
 */

export const attestationTypes = ['bias_assessment', 'safety_review', 'license_review', 'evaluation', 'red_team'] as const;
export type AttestationType = (typeof attestationTypes)[number];

export const verdicts = ['pass', 'pass_with_conditions', 'fail'] as const;
export type Verdict = (typeof verdicts)[number];

/** A model's risk tier as gates see it; `unassessed` when nothing was assessed yet. */
export const gateTiers = ['low', 'medium', 'high', 'critical', 'unassessed'] as const;
export type GateTier = (typeof gateTiers)[number];
export const highRiskTiers: readonly GateTier[] = ['high', 'critical'];

/** The stages a promotion can move a version to (retirement is its own step). */
export const promotionTargets = ['exploration', 'validation', 'production'] as const;
export type PromotionTarget = (typeof promotionTargets)[number];

export interface RequiredAttestation {
  readonly type: AttestationType;
  /** Verdicts that satisfy it; `["pass"]` when absent. */
  readonly verdicts?: readonly Verdict[];
  /** The newest attestation of this type must be at most this old. */
  readonly maxAgeDays?: number;
}

export interface GateCondition {
  /** Shown in the report; the expression itself when absent. */
  readonly name?: string;
  /** A CEL expression over `version` and `model` that must be true. */
  readonly expr: string;
  /** Said in the report when the condition is false. */
  readonly message?: string;
}

export interface ApprovalRequirement {
  readonly count: number;
  /** The role an approver must hold in the version's namespace; `approver` when absent. */
  readonly role?: Role;
}

export interface GateRule {
  /** The stage this rule guards: it applies to every promotion that reaches or passes it. */
  readonly to: PromotionTarget;
  /** Tiers it applies to; every tier when absent. */
  readonly tiers?: readonly GateTier[];
  readonly attestations?: readonly RequiredAttestation[];
  readonly conditions?: readonly GateCondition[];
  readonly approvals?: ApprovalRequirement;
}

export interface GatePolicy {
  readonly description?: string;
  readonly rules: readonly GateRule[];
}

/** Where the policy a gate used came from: a namespace's, the global one, or the built-in default. */
export interface PolicySource {
  readonly scope: 'namespace' | 'global' | 'builtin';
  /** The ledger entry that set it; null for the built-in default. */
  readonly seq: number | null;
}

/** The current (not superseded) attestation of a type, as the gate sees it. */
export interface CurrentAttestation {
  readonly id: string;
  readonly type: AttestationType;
  readonly verdict: Verdict;
  readonly at: string;
  readonly by: string;
}

/** What CEL conditions see: `version` and `model`, plain JSON. */
export interface GateSubject {
  readonly version: Readonly<Record<string, unknown>>;
  readonly model: Readonly<Record<string, unknown>>;
}

export interface GateInput {
  readonly urn: string;
  readonly status: string;
  readonly from: string;
  readonly to: PromotionTarget;
  readonly tier: GateTier;
  readonly policy: GatePolicy;
  readonly source: PolicySource;
  readonly subject: GateSubject;
  readonly attestations: readonly CurrentAttestation[];
  readonly now: Date;
  /** Approvals the model's risk tier adds to a promotion to production (the rubric's `extraApprovals`). */
  readonly extraApprovals?: number;
}

export type CheckKind = 'state' | 'attestation' | 'condition';

export interface GateCheck {
  readonly kind: CheckKind;
  readonly name: string;
  /** The stage whose rule asked for it (null for state checks). */
  readonly stage: PromotionTarget | null;
  readonly passed: boolean;
  /** Why it passed or failed, in words a reviewer can act on. */
  readonly why: string;
}

export interface GateReport {
  readonly version: string;
  readonly from: string;
  readonly to: PromotionTarget;
  readonly tier: GateTier;
  readonly policy: PolicySource;
  readonly evaluatedAt: string;
  readonly checks: GateCheck[];
  /** Every automatic check passed. */
  readonly passed: boolean;
  /** Human approvals still needed on top, one requirement per role. */
  readonly approvals: { readonly role: Role; readonly count: number }[];
}
