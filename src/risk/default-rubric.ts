import type { Rubric } from './rubric-types.js';

/*
 * The built-in rubric, as the text an administrator copies and edits, and as
 * the value it parses to (a test holds the two together).
 */

export const defaultRubricText = `# ModelKeep risk rubric.
#
# Each signal below reads one kind of fact about a model and gives a value
# from 0 (no risk) to 1 (full risk). The score is
#     100 x sum(weight x value) / sum(weight)
# so weights are relative: only their proportions matter. A signal left out
# of this file is not scored; a signal with weight 0 is shown but adds nothing.
#
# whenMissing (0 to 1): what a signal counts when its facts are unknown, for
# the signals whose facts can be unknown. An unassessed model is not a safe
# one, so unknowns count half by default.
#
# Levels (low, medium, high) count 0, 0.5 and 1. Finding severities (low,
# medium, high, critical) count 0.25, 0.5, 0.75 and 1.

description: Built-in rubric

signals:
  # The most sensitive training dataset, or the sensitivity declared in the
  # risk profile, whichever is higher. A dataset holding PII counts as high; a
  # dataset with no sensitivity recorded counts whenMissing.
  dataSensitivity: { weight: 15, whenMissing: 0.5 }

  # Declared in the model's risk profile.
  customerExposure: { weight: 15, whenMissing: 0.5 }
  regulatoryImpact: { weight: 15, whenMissing: 0.5 }

  # The edge-case slices of the latest evaluation. Counts 1 when a slice's
  # metric is worse than limit, or trails the mean of the other slices by more
  # than gap; 0 otherwise. Set higherIsBetter: false for error rates, where
  # limit is then a maximum. No evaluation, no edge-case slice, or no slice
  # reporting the metric counts whenMissing. Leave out limit or gap to skip
  # that check (not both).
  edgeCasePerformance:
    weight: 10
    metric: accuracy
    higherIsBetter: true
    limit: 0.8
    gap: 0.1
    whenMissing: 0.5

  # The bias assessment: a failed verdict counts 1, passed with conditions
  # 0.25, passed 0; an unmitigated finding counts its severity if that is
  # higher. Mitigated findings are named but add nothing.
  biasFindings: { weight: 10, whenMissing: 0.5 }

  # Open vulnerabilities in the model's dependencies: the worst severity, plus
  # perAdditional for each further one, capped at 1. An advisory without a
  # severity counts as unknownSeverityAs; each deprecated library counts as
  # deprecatedLibraryAs (or write ignored).
  vulnerabilities:
    weight: 15
    perAdditional: 0.1
    unknownSeverityAs: medium
    deprecatedLibraryAs: low

  # License conflicts with the training data: any conflict counts 1; warnings
  # alone count warningValue.
  licenseConflicts: { weight: 5, warningValue: 0.25 }

  # Days since the last passing evaluation or promotion to validation or
  # production: within maxAgeDays counts 0, older counts 1, never validated
  # counts whenMissing (in full by default).
  staleValidation: { weight: 5, maxAgeDays: 180, whenMissing: 1 }

  # Open incidents and drift alerts: the worst severity, plus perAdditional
  # for each further one, capped at 1.
  openIncidents: { weight: 10, perAdditional: 0.1 }

# The lowest score of each tier, inclusive: 50.0 is high. Below medium is low.
# Each must be strictly above the one before, between 0 and 100.
tiers: { medium: 25, high: 50, critical: 75 }

# What each tier makes the registry do, exactly as written here: no tier
# inherits another's actions, so repeat an action in every tier above the one
# that first needs it (a rubric where a riskier tier does less is refused).
#   extraApprovals     approvals gates require on top of the gate policy (0 to 10)
#   restrictArtifacts  artifacts downloadable only by privileged roles
#   retrainingRequired the model is flagged as needing retraining
# A tier or an action left out is off.
actions:
  high: { extraApprovals: 1 }
  critical: { extraApprovals: 2, restrictArtifacts: true, retrainingRequired: true }

# Alert when a model's tier rises to this tier or above (from below it, or on
# its first score). Leave out alerts for none.
alerts: { tierAtLeast: high }
`;

const off = { extraApprovals: 0, restrictArtifacts: false, retrainingRequired: false } as const;

export const defaultRubric: Rubric = {
  description: 'Built-in rubric',
  signals: {
    dataSensitivity: { weight: 15, whenMissing: 0.5 },
    customerExposure: { weight: 15, whenMissing: 0.5 },
    regulatoryImpact: { weight: 15, whenMissing: 0.5 },
    edgeCasePerformance: { weight: 10, metric: 'accuracy', higherIsBetter: true, limit: 0.8, gap: 0.1, whenMissing: 0.5 },
    biasFindings: { weight: 10, whenMissing: 0.5 },
    vulnerabilities: { weight: 15, perAdditional: 0.1, unknownSeverityAs: 'medium', deprecatedLibraryAs: 'low' },
    licenseConflicts: { weight: 5, warningValue: 0.25 },
    staleValidation: { weight: 5, maxAgeDays: 180, whenMissing: 1 },
    openIncidents: { weight: 10, perAdditional: 0.1 },
  },
  tiers: { medium: 25, high: 50, critical: 75 },
  actions: {
    low: off,
    medium: off,
    high: { extraApprovals: 1, restrictArtifacts: false, retrainingRequired: false },
    critical: { extraApprovals: 2, restrictArtifacts: true, retrainingRequired: true },
  },
  alerts: { tierAtLeast: 'high' },
};
