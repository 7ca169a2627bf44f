import type { ModelRisk, RescoreSummary, RiskSummary, TierActions, TierName } from '../../../sdk/dependency-types.js';
import { formatTime, plural } from '../../format.js';
import type { Output } from '../../output.js';

/* How risk reads in human output: the portfolio, one model's score and its contributions, a rescore. */

/** Most severe first, as people scan a portfolio. */
const tiersShown: readonly TierName[] = ['critical', 'high', 'medium', 'low', 'unassessed'];

/** "1 extra approval, artifacts restricted, retraining required", or "none". */
export function actionsText(actions: TierActions | null): string {
  if (actions === null) return 'none (not scored yet)';
  const parts = [
    ...(actions.extraApprovals > 0 ? [`${plural(actions.extraApprovals, 'extra approval')} on promotion`] : []),
    ...(actions.restrictArtifacts ? ['artifacts restricted to privileged roles'] : []),
    ...(actions.retrainingRequired ? ['retraining required'] : []),
  ];
  return parts.length === 0 ? 'none' : parts.join(', ');
}

export function printSummary(out: Output, s: RiskSummary): void {
  out.line(`${plural(s.models, 'model')}: ${tiersShown.map((t) => `${s.byTier[t] ?? 0} ${t}`).join(', ')}.`);
  out.line();
  out.line('By namespace:');
  out.table(['NAMESPACE', ...tiersShown.map((t) => t.toUpperCase())], Object.entries(s.byNamespace).map(([ns, counts]) => [ns, ...tiersShown.map((t) => String(counts[t] ?? 0))]));
  out.line();
  out.line('Riskiest models:');
  out.table(['MODEL', 'TIER', 'SCORE', 'TOP REASONS'], s.riskiest.map((r) => [`${r.namespace}/${r.model}`, r.tier, r.score === null ? '-' : r.score.toFixed(1), r.reasons.join('; ') || '-']), '(no model is scored yet)');
  out.line();
  out.line('Dependencies shared by high and critical models:');
  out.table(['DEPENDENCY', 'EDGE', 'MODELS', 'SOME OF THEM'], s.sharedDependencies.map((d) => [d.urn, d.type, String(d.models), d.sample.join(', ')]));
  if (s.retrainingRequired.length > 0) {
    out.line();
    out.line(`Retraining required: ${s.retrainingRequired.join(', ')}.`);
  }
}

export function printModelRisk(out: Output, r: ModelRisk): void {
  if (!r.scored) {
    out.line(`${r.model} is not scored yet (tier ${r.tier}); \`modelkeep risk rescore ${r.model}\` scores it now.`);
    return;
  }
  out.line(`${r.model}: score ${r.score!.toFixed(1)} of 100, tier ${r.tier} (rubric revision ${r.rubricRevision}, computed ${formatTime(r.computedAt!)}).`);
  out.line(`What the tier does: ${actionsText(r.actions)}.`);
  out.line();
  out.table(['SIGNAL', 'WEIGHT', 'VALUE', 'POINTS', 'WHY'], r.contributions.map((c) => [c.signal, String(c.weight), c.value.toFixed(2), c.points.toFixed(1), c.reason]), '(no signal is scored)');
  out.line();
  out.line('History, newest first:');
  out.table(['SEQ', 'TIME', 'SCORE', 'TIER'], r.history.map((h) => [String(h.seq), formatTime(h.at), h.score.toFixed(1), h.previousTier === null || h.previousTier === h.tier ? h.tier : `${h.previousTier} → ${h.tier}`]));
}

/** "Rescored 12 models: 3 scores moved." */
export function rescoreText(r: RescoreSummary): string {
  return `Rescored ${plural(r.scored, 'model')}: ${r.changed === 1 ? '1 score' : `${r.changed} scores`} moved.`;
}
