import type { FindingSeverity } from './risk-facts.js';
import type { RiskTier } from './risk-tiers.js';

/*
 * The rubric as the scorer reads it: every default filled in, so nothing in
 * scoring guesses. checkRubric turns a written rubric (rubric-schema.ts) into
 * this; storing the resolved form in the ledger keeps an old rubric version
 * meaning what it meant even if a default changes later.
 */

/** Every signal a rubric may weigh, in the order explanations list ties. */
export const riskSignals = [
  'dataSensitivity',
  'customerExposure',
  'regulatoryImpact',
  'edgeCasePerformance',
  'biasFindings',
  'vulnerabilities',
  'licenseConflicts',
  'staleValidation',
  'openIncidents',
] as const;
export type RiskSignal = (typeof riskSignals)[number];

interface Weighted {
  /** Relative weight; the score divides by the sum of all weights. */
  readonly weight: number;
}

/** For signals whose facts can be unknown: the value (0..1) an unknown counts as. */
interface MissingAware {
  readonly whenMissing: number;
}

/** For signals over a list of findings: what each finding beyond the worst adds (0..1). */
interface Accumulating {
  readonly perAdditional: number;
}

export interface EdgeCaseSettings extends Weighted, MissingAware {
  /** The metric compared across slices (`accuracy`, `recall`, `false_positive_rate`, …). */
  readonly metric: string;
  readonly higherIsBetter: boolean;
  /** The worst acceptable value on an edge slice (a minimum when higher is better, a maximum otherwise); null for no limit. */
  readonly limit: number | null;
  /** How far an edge slice may trail the mean of the other slices; null for no comparison. */
  readonly gap: number | null;
}

export interface VulnerabilitySettings extends Weighted, Accumulating {
  /** How an advisory without a severity counts. */
  readonly unknownSeverityAs: FindingSeverity;
  /** How a deprecated library counts, or `ignored`. */
  readonly deprecatedLibraryAs: FindingSeverity | 'ignored';
}

export interface SignalSettings {
  readonly dataSensitivity: Weighted & MissingAware;
  readonly customerExposure: Weighted & MissingAware;
  readonly regulatoryImpact: Weighted & MissingAware;
  readonly edgeCasePerformance: EdgeCaseSettings;
  readonly biasFindings: Weighted & MissingAware;
  readonly vulnerabilities: VulnerabilitySettings;
  /** A conflict counts in full; a warning counts as `warningValue`. */
  readonly licenseConflicts: Weighted & { readonly warningValue: number };
  /** Validated within `maxAgeDays` counts 0, older counts 1, never counts `whenMissing`. */
  readonly staleValidation: Weighted & MissingAware & { readonly maxAgeDays: number };
  readonly openIncidents: Weighted & Accumulating;
}

/** What a tier makes the registry do. */
export interface TierActions {
  /** Approvals a gate requires on top of what the gate policy asks. */
  readonly extraApprovals: number;
  /** Artifacts downloadable only by holders of a privileged role. */
  readonly restrictArtifacts: boolean;
  /** The model is flagged as needing retraining. */
  readonly retrainingRequired: boolean;
}

export interface Rubric {
  readonly description: string | null;
  /** Only the signals the rubric lists are scored. */
  readonly signals: Partial<SignalSettings>;
  /** The lowest score (inclusive) of each tier above `low`. */
  readonly tiers: { readonly medium: number; readonly high: number; readonly critical: number };
  /** Exactly what each tier does; no tier inherits another's actions. */
  readonly actions: Readonly<Record<RiskTier, TierActions>>;
  /** An alert is raised when a model's tier rises to `tierAtLeast` or above; null for no alerts. */
  readonly alerts: { readonly tierAtLeast: RiskTier } | null;
}

export const noActions: TierActions = { extraApprovals: 0, restrictArtifacts: false, retrainingRequired: false };
