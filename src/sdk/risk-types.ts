import type { LicensePolicy } from '../licenses/license-policy-schema.js';
import type { HealthIssue } from '../risk/record-health.js';
import type { RiskTier } from '../risk/risk-tiers.js';
import type { Rubric, TierActions } from '../risk/rubric-types.js';
import type { SignalContribution } from '../risk/score-model.js';
import type { Urn } from './lineage-types.js';

/*
 * Risk: the rubric and license policy documents, a model's score and health,
 * the portfolio summary, incidents. Keep the inline shapes in step with
 * src/http/routes/risk/risk-routes.ts.
 */

export type { HealthIssue, LicensePolicy, Rubric, SignalContribution, TierActions };

/** A policy document (the rubric or the license policy) as text: YAML or JSON, told apart by the server unless `format` says. */
export interface PolicyTextInput {
  readonly source: string;
  readonly format?: 'yaml' | 'json';
}

/** …or as an object. */
export interface PolicyObjectInput {
  readonly document: Readonly<Record<string, unknown>>;
}

export type PolicyDocumentInput = PolicyTextInput | PolicyObjectInput;

/** The rubric or license policy in force: the built-in default until one is set. */
export interface PolicyDocumentAnswer<T> {
  readonly from: 'builtin' | 'set';
  readonly revision: number;
  /** The document as the server resolved it, every default filled in. */
  readonly document: T;
  /** The text it was set from (for the built-in rubric, its text); null for the built-in license policy. */
  readonly source: string | null;
  readonly updatedAt: string | null;
  readonly updatedBy: string | null;
}

export type RubricAnswer = PolicyDocumentAnswer<Rubric>;
export type LicensePolicyAnswer = PolicyDocumentAnswer<LicensePolicy>;

/** What a rescore did: models scored, and how many of their scores moved (only those are written). */
export interface RescoreSummary {
  readonly scored: number;
  readonly changed: number;
}

/** Setting a document rescores every model at once. */
export interface PolicyDocumentSetResult {
  readonly revision: number;
  readonly rescored: RescoreSummary;
}

export interface PolicyRevision {
  readonly seq: number;
  readonly at: string;
  readonly actor: string;
  readonly reason: string | null;
  readonly source: string | null;
}

export type TierName = RiskTier | 'unassessed';

/** `GET /api/v1/models/{ns}/{name}/risk`. */
export interface ModelRisk {
  readonly model: string;
  readonly scored: boolean;
  /** 0–100, one decimal; null until scored. */
  readonly score: number | null;
  readonly tier: TierName;
  /** Every scored signal, most points first; the points sum to the score. */
  readonly contributions: SignalContribution[];
  /** What the tier makes the registry do. */
  readonly actions: TierActions | null;
  readonly rubricRevision: number | null;
  readonly computedAt: string | null;
  /** Scores over time, newest first. */
  readonly history: { readonly seq: number; readonly score: number; readonly tier: string; readonly previousTier: string | null; readonly at: string }[];
}

/** `GET /api/v1/models/{ns}/{name}/health`: what is missing or broken in a model's record, each with how to fix it. */
export interface ModelHealth {
  readonly model: string;
  readonly healthy: boolean;
  readonly errors: number;
  readonly warnings: number;
  readonly issues: HealthIssue[];
}

export interface RiskSummaryQuery {
  readonly namespace?: string;
  /** Only models of exactly this tier. */
  readonly tier?: TierName;
  /** Only models of this tier or above. */
  readonly minTier?: RiskTier;
  /** How many riskiest models and shared dependencies; default 20. */
  readonly top?: number;
}

export interface RiskiestModel {
  readonly namespace: string;
  readonly model: string;
  readonly tier: string;
  readonly score: number | null;
  /** The top contributions, as `reason (+points)`. */
  readonly reasons: readonly string[];
  readonly retrainingRequired: boolean;
  readonly computedAt: string | null;
}

export interface SharedDependency {
  readonly urn: Urn;
  readonly type: string;
  /** How many high-risk models share it. */
  readonly models: number;
  readonly sample: readonly string[];
}

/** `GET /api/v1/risk/summary`: the portfolio. */
export interface RiskSummary {
  readonly models: number;
  readonly byTier: Readonly<Record<TierName, number>>;
  readonly byNamespace: Readonly<Record<string, Readonly<Record<TierName, number>>>>;
  readonly riskiest: RiskiestModel[];
  /** Dependencies the live versions of high and critical models share, most shared first. */
  readonly sharedDependencies: SharedDependency[];
  readonly retrainingRequired: string[];
}

export type IncidentKind = 'incident' | 'drift';
export type IncidentSeverity = 'low' | 'medium' | 'high' | 'critical';

export interface IncidentInput {
  readonly kind: IncidentKind;
  readonly severity: IncidentSeverity;
  readonly summary: string;
  /** The version it concerns, when it is one. */
  readonly version?: number;
}

/** The answer to opening an incident. */
export interface OpenedIncident {
  readonly id: string;
  readonly namespace: string;
  readonly model: string;
  readonly number: number | null;
  readonly kind: IncidentKind;
  readonly severity: IncidentSeverity;
  readonly summary: string;
  readonly status: 'open';
}

export interface Incident {
  readonly id: string;
  /** `mk:model:ns/name`. */
  readonly model: Urn;
  readonly version: number | null;
  readonly kind: IncidentKind;
  readonly severity: IncidentSeverity;
  readonly summary: string;
  readonly status: 'open' | 'resolved';
  readonly openedAt: string;
  readonly openedBy: string;
  readonly resolvedAt: string | null;
  readonly resolvedBy: string | null;
  readonly resolution: string | null;
}
