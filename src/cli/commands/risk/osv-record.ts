import type { Advisory, Severity } from '../../../vulnerabilities/advisory.js';
import { cvss3BaseScore } from '../../../vulnerabilities/cvss3.js';

/*
 * `readOsvSource` hands the CLI advisories already normalized (it has to
 * parse each record to report the bad ones by name), while the server's
 * POST /api/v1/advisories takes OSV records and runs `parseOsvRecord` on
 * each. This writes a normalized advisory back as the OSV record that parses
 * to it again, field for field, so what the server stores is what the reader
 * read. Everything the normalized form keeps is an OSV field already, except
 * the severity and its CVSS score:
 *
 * - a score travels as a CVSS v3.1 vector with that base score. The base
 *   score depends on the eight base metrics only, so every score a vector can
 *   give is the score of one of their 2,592 combinations; the carrier vector
 *   may differ from the original (which the server never keeps: it keeps the
 *   score and the severity computed from it, both reproduced exactly);
 * - a severity without a score travels as the database's own word
 *   (`database_specific.severity`), which parse-osv reads back to the same level.
 *
 * Should the reader ever yield the raw record as well, sending that verbatim
 * makes this file unnecessary.
 */

const databaseWord: Readonly<Record<Exclude<Severity, 'unknown'>, string>> = { low: 'LOW', medium: 'MODERATE', high: 'HIGH', critical: 'CRITICAL' };

const baseMetricValues: readonly (readonly [string, readonly string[]])[] = [
  ['AV', ['N', 'A', 'L', 'P']],
  ['AC', ['L', 'H']],
  ['PR', ['N', 'L', 'H']],
  ['UI', ['N', 'R']],
  ['S', ['U', 'C']],
  ['C', ['H', 'L', 'N']],
  ['I', ['H', 'L', 'N']],
  ['A', ['H', 'L', 'N']],
];

let vectorsByScore: Map<number, string> | undefined;

/** One CVSS v3.1 vector for each reachable base score, built on first use. */
function vectorScoring(score: number): string | undefined {
  if (vectorsByScore === undefined) {
    vectorsByScore = new Map();
    const walk = (at: number, parts: string[]): void => {
      if (at === baseMetricValues.length) {
        const vector = `CVSS:3.1/${parts.join('/')}`;
        const base = cvss3BaseScore(vector);
        if (base !== undefined && !vectorsByScore!.has(base)) vectorsByScore!.set(base, vector);
        return;
      }
      const [metric, values] = baseMetricValues[at]!;
      for (const value of values) walk(at + 1, [...parts, `${metric}:${value}`]);
    };
    walk(0, []);
  }
  return vectorsByScore.get(score);
}

/** The OSV record `parseOsvRecord` turns back into `advisory`. */
export function osvRecordOf(advisory: Advisory): Record<string, unknown> {
  const record: Record<string, unknown> = {
    id: advisory.id,
    modified: advisory.modified,
    aliases: [...advisory.aliases],
    affected: advisory.affected.map((a) => ({
      package: { ecosystem: a.ecosystem, name: a.name },
      ranges: a.ranges.map((r) => ({ type: r.type, events: r.events.map((e) => ({ ...e })) })),
      versions: [...a.versions],
    })),
  };
  if (advisory.published !== undefined) record.published = advisory.published;
  if (advisory.withdrawn !== undefined) record.withdrawn = advisory.withdrawn;
  if (advisory.summary !== undefined) record.summary = advisory.summary;
  const vector = advisory.score === undefined ? undefined : vectorScoring(advisory.score);
  if (vector !== undefined) record.severity = [{ type: 'CVSS_V3', score: vector }];
  else if (advisory.severity !== 'unknown') record.database_specific = { severity: databaseWord[advisory.severity] };
  return record;
}
