import type { RiskFacts } from './risk-facts.js';
import type { TierActions } from './rubric-types.js';

/** One thing missing or broken in a model's record, with what to do about it. */
export interface HealthIssue {
  readonly code: string;
  readonly severity: 'error' | 'warning';
  readonly message: string;
  readonly fix: string;
}

export interface HealthInput {
  readonly model: string;
  readonly owners: readonly string[];
  readonly versions: number;
  readonly license: string | null;
  readonly facts: RiskFacts;
  /** Datasets versions are trained on that nothing describes (no sensitivity, license, owner known). */
  readonly undescribedDatasets: readonly string[];
  /** Versions or models named by edges that do not exist. */
  readonly brokenLinks: readonly { from: string; to: string }[];
  /** The longest an evaluation may age (the rubric's staleValidation.maxAgeDays); null when the rubric sets none. */
  readonly maxEvaluationAgeDays: number | null;
  readonly lastEvaluationAt: string | null;
  readonly actions: TierActions | null;
}

const DAY_MS = 86_400_000;

/** Pure: what an owner should fix in the record, most serious first. */
export function recordHealth(input: HealthInput): HealthIssue[] {
  const issues: HealthIssue[] = [];
  const add = (code: string, severity: HealthIssue['severity'], message: string, fix: string) => issues.push({ code, severity, message, fix });
  const { facts, model } = input;
  if (input.owners.length === 0) add('no_owner', 'error', `${model} has no owner`, `modelkeep model update ${model} --owner <email>`);
  if (input.versions > 0 && input.license === null) add('no_license', 'error', 'The newest version has no license', 'record an SPDX license on the next version (or a correction of this one)');
  if (Object.keys(facts.profile).length === 0) add('no_risk_profile', 'warning', 'No risk profile (sensitivity, regulatory impact, customer exposure)', `modelkeep model update ${model} --risk-profile sensitivity=…`);
  for (const dataset of input.undescribedDatasets) add('dataset_undescribed', 'warning', `Trained on ${dataset}, which nothing describes (sensitivity, license, owner unknown)`, `PUT /api/v1/lineage-nodes {"urn":"${dataset}",…}`);
  for (const link of input.brokenLinks) add('broken_link', 'error', `${link.from} links to ${link.to}, which does not exist`, 'correct the record (a draft update or a change request)');
  for (const conflict of facts.licenseConflicts) add(conflict.severity === 'conflict' ? 'license_conflict' : 'license_warning', conflict.severity === 'conflict' ? 'error' : 'warning', `${conflict.dataset}: ${conflict.reason}`, 'change the model license, or train without the dataset');
  if (input.versions > 0 && input.lastEvaluationAt === null) add('no_evaluation', 'warning', 'No evaluation is recorded', 'modelkeep attest <version> --type evaluation …');
  if (input.lastEvaluationAt !== null && input.maxEvaluationAgeDays !== null) {
    const days = Math.floor((Date.parse(facts.now) - Date.parse(input.lastEvaluationAt)) / DAY_MS);
    if (days > input.maxEvaluationAgeDays) add('stale_evaluation', 'warning', `The last evaluation is ${days} days old; the rubric allows ${input.maxEvaluationAgeDays}`, 'evaluate again and record it');
  }
  const serious = facts.vulnerabilities.filter((v) => v.severity === 'critical' || v.severity === 'high');
  for (const v of serious) add('vulnerable_dependency', 'error', `${v.library} is affected by ${v.advisory} (${v.severity})`, 'upgrade the library in a new version');
  for (const library of facts.deprecatedLibraries) add('deprecated_dependency', 'warning', `${library} is deprecated`, 'move off it in a new version');
  for (const incident of facts.openIncidents) add('open_incident', incident.severity === 'critical' || incident.severity === 'high' ? 'error' : 'warning', `Open ${incident.kind} ${incident.id} (${incident.severity})`, 'resolve it when handled');
  if (input.actions?.retrainingRequired === true) add('retraining_required', 'error', "The model's risk tier requires retraining", 'retrain, register and promote a new version');
  return issues.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
}
