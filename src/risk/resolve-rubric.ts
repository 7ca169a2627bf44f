import { riskTiers } from './risk-tiers.js';
import type { RubricDocument } from './rubric-schema.js';
import type { Rubric, SignalSettings, TierActions } from './rubric-types.js';

/*
 * The defaults a written rubric leaves out. Unknowns default to counting half
 * (an unassessed model is not a safe one), except a model never validated,
 * which counts in full.
 */
export const rubricDefaults = {
  whenMissing: 0.5,
  neverValidated: 1,
  perAdditional: 0.1,
  edgeCaseMetric: 'accuracy',
  unknownSeverityAs: 'medium',
  deprecatedLibraryAs: 'low',
  licenseWarningValue: 0.25,
  maxValidationAgeDays: 180,
} as const;

/** Fills every default in a rubric that satisfies RubricSchema. */
export function resolveRubric(document: RubricDocument): Rubric {
  const s = document.signals;
  const d = rubricDefaults;
  const signals: { -readonly [K in keyof SignalSettings]?: SignalSettings[K] } = {};
  if (s.dataSensitivity) signals.dataSensitivity = { weight: s.dataSensitivity.weight, whenMissing: s.dataSensitivity.whenMissing ?? d.whenMissing };
  if (s.customerExposure) signals.customerExposure = { weight: s.customerExposure.weight, whenMissing: s.customerExposure.whenMissing ?? d.whenMissing };
  if (s.regulatoryImpact) signals.regulatoryImpact = { weight: s.regulatoryImpact.weight, whenMissing: s.regulatoryImpact.whenMissing ?? d.whenMissing };
  if (s.edgeCasePerformance) {
    const e = s.edgeCasePerformance;
    signals.edgeCasePerformance = {
      weight: e.weight,
      whenMissing: e.whenMissing ?? d.whenMissing,
      metric: e.metric ?? d.edgeCaseMetric,
      higherIsBetter: e.higherIsBetter ?? true,
      limit: e.limit ?? null,
      gap: e.gap ?? null,
    };
  }
  if (s.biasFindings) signals.biasFindings = { weight: s.biasFindings.weight, whenMissing: s.biasFindings.whenMissing ?? d.whenMissing };
  if (s.vulnerabilities) {
    const v = s.vulnerabilities;
    signals.vulnerabilities = {
      weight: v.weight,
      perAdditional: v.perAdditional ?? d.perAdditional,
      unknownSeverityAs: v.unknownSeverityAs ?? d.unknownSeverityAs,
      deprecatedLibraryAs: v.deprecatedLibraryAs ?? d.deprecatedLibraryAs,
    };
  }
  if (s.licenseConflicts) signals.licenseConflicts = { weight: s.licenseConflicts.weight, warningValue: s.licenseConflicts.warningValue ?? d.licenseWarningValue };
  if (s.staleValidation) {
    const v = s.staleValidation;
    signals.staleValidation = { weight: v.weight, whenMissing: v.whenMissing ?? d.neverValidated, maxAgeDays: v.maxAgeDays ?? d.maxValidationAgeDays };
  }
  if (s.openIncidents) signals.openIncidents = { weight: s.openIncidents.weight, perAdditional: s.openIncidents.perAdditional ?? d.perAdditional };
  return {
    description: document.description ?? null,
    signals,
    tiers: { ...document.tiers },
    actions: resolveActions(document.actions),
    alerts: document.alerts == null ? null : { tierAtLeast: document.alerts.tierAtLeast },
  };
}

/** Each tier's actions exactly as written; an action left out is off. */
export function resolveActions(written: RubricDocument['actions']): Rubric['actions'] {
  const entry = (tier: (typeof riskTiers)[number]): TierActions => {
    const a = written?.[tier];
    return { extraApprovals: a?.extraApprovals ?? 0, restrictArtifacts: a?.restrictArtifacts ?? false, retrainingRequired: a?.retrainingRequired ?? false };
  };
  return { low: entry('low'), medium: entry('medium'), high: entry('high'), critical: entry('critical') };
}
