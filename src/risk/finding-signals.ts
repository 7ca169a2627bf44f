import type { FindingSeverity, RiskFacts } from './risk-facts.js';
import type { SignalSettings } from './rubric-types.js';
import { accumulate, counted, countedAs, severityValue, type SignalReading, worstBy } from './signal-scales.js';

/*
 * Signals read from open findings. These lists are what is known to be open:
 * an empty list reads as none, which is why these signals take no `whenMissing`.
 */

/** The worst open vulnerability, plus `perAdditional` for each further one; deprecated libraries count as the rubric says. */
export function vulnerabilities(facts: RiskFacts, settings: SignalSettings['vulnerabilities']): SignalReading {
  const vulns = facts.vulnerabilities.map((v) => ({ ...v, counts: v.severity === 'unknown' ? settings.unknownSeverityAs : v.severity }));
  const deprecatedAs = settings.deprecatedLibraryAs;
  const deprecated = deprecatedAs === 'ignored' ? [] : facts.deprecatedLibraries;
  const severities: FindingSeverity[] = [...vulns.map((v) => v.counts), ...deprecated.map(() => deprecatedAs as FindingSeverity)];
  const value = accumulate(severities.map((s) => severityValue[s]), settings.perAdditional);

  const worst = worstBy(vulns, (v) => severityValue[v.counts]);
  const parts: string[] = [];
  if (worst !== undefined) {
    const unrated = worst.severity === 'unknown' ? ` (no severity given, counted as ${worst.counts})` : '';
    parts.push(`${counted(vulns.length, 'open vulnerability', 'open vulnerabilities')}, worst ${worst.counts}: ${worst.advisory} in ${worst.library}${unrated}`);
  }
  if (facts.deprecatedLibraries.length > 0) {
    const [first] = facts.deprecatedLibraries;
    const more = facts.deprecatedLibraries.length > 1 ? ` and ${facts.deprecatedLibraries.length - 1} more` : '';
    const weighs = deprecatedAs === 'ignored' ? 'ignored by the rubric' : `each counted as ${deprecatedAs}`;
    parts.push(`${counted(facts.deprecatedLibraries.length, 'deprecated library', 'deprecated libraries')} (${weighs}): ${first}${more}`);
  }
  return { value, reason: parts.length === 0 ? 'no open vulnerabilities or deprecated libraries known' : parts.join('; ') };
}

/** 1 for any conflict, `warningValue` when there are only warnings. */
export function licenseConflicts(facts: RiskFacts, settings: SignalSettings['licenseConflicts']): SignalReading {
  const conflicts = facts.licenseConflicts.filter((c) => c.severity === 'conflict');
  const warnings = facts.licenseConflicts.filter((c) => c.severity === 'warning');
  const [conflict] = conflicts;
  const [warning] = warnings;
  if (conflict !== undefined) {
    const more = conflicts.length > 1 ? `, and ${counted(conflicts.length - 1, 'more conflict')}` : '';
    const alsoWarnings = warnings.length > 0 ? `; ${counted(warnings.length, 'warning')}` : '';
    return { value: 1, reason: `license conflict with ${conflict.dataset}: ${conflict.reason}${more}${alsoWarnings}` };
  }
  if (warning !== undefined) {
    const more = warnings.length > 1 ? `, and ${counted(warnings.length - 1, 'more warning')}` : '';
    return { value: settings.warningValue, reason: `license warning for ${warning.dataset}: ${warning.reason}${more} ${countedAs(settings.warningValue)}` };
  }
  return { value: 0, reason: 'no license conflicts known' };
}

/** The worst open incident or drift alert, plus `perAdditional` for each further one. */
export function openIncidents(facts: RiskFacts, settings: SignalSettings['openIncidents']): SignalReading {
  const open = facts.openIncidents;
  const worst = worstBy(open, (i) => severityValue[i.severity]);
  if (worst === undefined) return { value: 0, reason: 'no open incidents or drift alerts' };
  const incidents = open.filter((i) => i.kind === 'incident').length;
  const drift = open.length - incidents;
  const what = [incidents > 0 ? counted(incidents, 'open incident') : '', drift > 0 ? counted(drift, 'open drift alert') : ''].filter(Boolean).join(' and ');
  const kind = worst.kind === 'drift' ? 'drift alert' : 'incident';
  return { value: accumulate(open.map((i) => severityValue[i.severity]), settings.perAdditional), reason: `${what}, worst ${worst.severity}: ${kind} ${worst.id}` };
}
