/*
 * What the registry knows about one model when it scores it, gathered by the
 * shell and handed to the pure scorer. Absence is meaningful: an empty
 * dataset list or a null verdict means "not known", and each signal decides
 * (through the rubric's `whenMissing`) how much an unknown weighs.
 */

export type Level = 'low' | 'medium' | 'high';
export type FindingSeverity = 'low' | 'medium' | 'high' | 'critical';

export interface RiskFacts {
  /** ISO time the score is computed at (the ledger entry's time). */
  now: string;
  profile: { sensitivity?: Level; regulatoryImpact?: Level; customerExposure?: Level };
  /** Datasets the model's live versions were trained on. */
  datasets: readonly { urn: string; sensitivity?: Level | null; pii?: boolean | null }[];
  /** Slices flagged edgeCase in the model's latest evaluation. */
  edgeCaseSlices: readonly { name: string; metrics: Readonly<Record<string, number>> }[];
  /** The other slices of that evaluation. */
  overallSlices: readonly { name: string; metrics: Readonly<Record<string, number>> }[];
  bias: { verdict: 'pass' | 'pass_with_conditions' | 'fail' | null; findings: readonly { severity: FindingSeverity; mitigated: boolean }[] };
  vulnerabilities: readonly { advisory: string; library: string; severity: FindingSeverity | 'unknown' }[];
  deprecatedLibraries: readonly string[];
  licenseConflicts: readonly { dataset: string; severity: 'conflict' | 'warning'; reason: string }[];
  /** Last passing evaluation, or last promotion to validation/production. */
  lastValidatedAt: string | null;
  openIncidents: readonly { id: string; kind: 'incident' | 'drift'; severity: FindingSeverity }[];
}
