import type { Severity } from './advisory.js';
import { cvss3BaseScore } from './cvss3.js';

/*
 * One severity per advisory, from the best evidence the record holds:
 *   1. a CVSS v3.x vector, scored here per the specification (the highest
 *      when the record has several, e.g. one per affected package);
 *   2. the severity the database states (GitHub writes LOW, MODERATE, HIGH,
 *      CRITICAL in database_specific.severity): used for CVSS v2 and v4
 *      vectors, whose scores we do not compute;
 *   3. an Ubuntu priority;
 *   4. otherwise unknown.
 */

export type SeverityScoreType = 'CVSS_V2' | 'CVSS_V3' | 'CVSS_V4' | 'Ubuntu';

export interface SeverityScore {
  type: SeverityScoreType;
  score: string;
}

export interface AdvisorySeverity {
  severity: Severity;
  score?: number;
}

/** CVSS v3.1 §5 qualitative rating. A score of 0.0 ("None") reads as low: the record still names a flaw. */
export function severityOfScore(score: number): Exclude<Severity, 'unknown'> {
  if (score >= 9) return 'critical';
  if (score >= 7) return 'high';
  if (score >= 4) return 'medium';
  return 'low';
}

const databaseSeverities: Readonly<Record<string, Exclude<Severity, 'unknown'>>> = {
  LOW: 'low',
  MODERATE: 'medium',
  MEDIUM: 'medium',
  HIGH: 'high',
  CRITICAL: 'critical',
};

/** Ubuntu priorities (https://ubuntu.com/security/cves/about#priority); "negligible" is the lowest. */
const ubuntuPriorities: Readonly<Record<string, Exclude<Severity, 'unknown'>>> = {
  negligible: 'low',
  low: 'low',
  medium: 'medium',
  high: 'high',
  critical: 'critical',
};

/** A database's own severity word, or undefined when it is not one we read. */
export const severityOfDatabaseWord = (word: unknown): Severity | undefined =>
  typeof word === 'string' ? databaseSeverities[word.trim().toUpperCase()] : undefined;

/** `databaseSeverity` is database_specific.severity as found: free-form, so anything we do not read counts as absent. */
export function advisorySeverity(scores: readonly SeverityScore[], databaseSeverity?: unknown): AdvisorySeverity {
  const cvss3 = scores.flatMap((s) => (s.type === 'CVSS_V3' ? [cvss3BaseScore(s.score)] : [])).filter((n) => n !== undefined);
  if (cvss3.length > 0) {
    const score = Math.max(...cvss3);
    return { severity: severityOfScore(score), score };
  }
  const stated = severityOfDatabaseWord(databaseSeverity);
  if (stated !== undefined) return { severity: stated };
  const ubuntu = scores.flatMap((s) => (s.type === 'Ubuntu' ? [ubuntuPriorities[s.score.trim().toLowerCase()]] : [])).filter((s) => s !== undefined);
  if (ubuntu.length > 0) return { severity: highest(ubuntu) };
  return { severity: 'unknown' };
}

const rank: Readonly<Record<Severity, number>> = { unknown: 0, low: 1, medium: 2, high: 3, critical: 4 };

const highest = (list: readonly Severity[]): Severity => list.reduce((a, b) => (rank[b] > rank[a] ? b : a));
