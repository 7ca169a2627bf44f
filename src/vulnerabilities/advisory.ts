/*
 * An OSV advisory as ModelKeep keeps it: only what matching and reporting
 * need. It is stored in the ledger, so it stays small (no `details`, no
 * references, a bounded summary). GIT ranges are dropped on import: we match
 * package versions, not commits.
 */

export type Severity = 'low' | 'medium' | 'high' | 'critical' | 'unknown';

export const severities: readonly Severity[] = ['low', 'medium', 'high', 'critical', 'unknown'];

export type RangeEvent = { introduced: string } | { fixed: string } | { last_affected: string } | { limit: string };

export interface AffectedRange {
  /** SEMVER ranges order by SemVer 2.0 precedence; ECOSYSTEM ranges by the package ecosystem's own rules. */
  type: 'SEMVER' | 'ECOSYSTEM';
  events: readonly RangeEvent[];
}

export interface AffectedPackage {
  /** The OSV ecosystem as written in the record (`PyPI`, `npm`, `Maven`, …). */
  ecosystem: string;
  name: string;
  ranges: readonly AffectedRange[];
  versions: readonly string[];
}

export interface Advisory {
  id: string;
  modified: string;
  published?: string;
  withdrawn?: string;
  aliases: readonly string[];
  summary?: string;
  severity: Severity;
  /** The CVSS base score the severity was computed from, when there was one. */
  score?: number;
  affected: readonly AffectedPackage[];
}

/** The longest summary kept; longer ones are cut with an ellipsis. */
export const MAX_SUMMARY_CHARS = 1000;
