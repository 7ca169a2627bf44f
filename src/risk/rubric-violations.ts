import { riskTiers } from './risk-tiers.js';
import { riskSignals } from './rubric-types.js';

/*
 * What the schema cannot say about a rubric. These checks read the raw value
 * defensively, so they run even when the schema already failed and a refusal
 * lists every problem at once, not the schema's first and then ours.
 */

type Loose = Record<string, unknown>;
const isObject = (v: unknown): v is Loose => typeof v === 'object' && v !== null && !Array.isArray(v);
const numberOr = <T>(v: unknown, fallback: T): number | T => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);

export function rubricViolations(value: unknown): string[] {
  if (!isObject(value)) return [];
  return [...weightViolations(value['signals']), ...edgeCaseViolations(value['signals']), ...tierViolations(value['tiers']), ...actionViolations(value['actions'])];
}

function weightViolations(signals: unknown): string[] {
  if (!isObject(signals)) return [];
  const weights = riskSignals.map((name) => signals[name]).filter(isObject).map((s) => s['weight']);
  // A non-numeric weight is the schema's to report; only a rubric that truly weighs nothing is ours.
  if (weights.some((w) => typeof w !== 'number')) return [];
  return weights.some((w) => (w as number) > 0) ? [] : ['signals: no signal weighs more than 0, so every model would score 0; give at least one signal a positive weight'];
}

function edgeCaseViolations(signals: unknown): string[] {
  const edge = isObject(signals) ? signals['edgeCasePerformance'] : undefined;
  if (!isObject(edge) || edge['limit'] != null || edge['gap'] != null) return [];
  return ['signals.edgeCasePerformance needs a limit, a gap or both: without either no slice can fall short'];
}

function tierViolations(tiers: unknown): string[] {
  if (!isObject(tiers)) return [];
  const violations: string[] = [];
  const order = ['medium', 'high', 'critical'] as const;
  for (let i = 1; i < order.length; i++) {
    const [lower, upper] = [order[i - 1]!, order[i]!];
    const [a, b] = [numberOr(tiers[lower], null), numberOr(tiers[upper], null)];
    if (a !== null && b !== null && !(b > a)) {
      violations.push(`tiers.${upper} (${b}) must be above tiers.${lower} (${a}): each tier starts strictly above the one below it`);
    }
  }
  return violations;
}

/*
 * No tier inherits another's actions, so that what is written is what applies.
 * The price is repetition, and this check keeps a forgotten repetition from
 * making a riskier tier laxer than a safer one.
 */
function actionViolations(actions: unknown): string[] {
  if (!isObject(actions)) return [];
  const violations: string[] = [];
  const of = (tier: string): Loose => (isObject(actions[tier]) ? actions[tier] : {});
  for (let i = 1; i < riskTiers.length; i++) {
    const [lower, upper] = [riskTiers[i - 1]!, riskTiers[i]!];
    const [below, above] = [of(lower), of(upper)];
    const [approvalsBelow, approvalsAbove] = [numberOr(below['extraApprovals'], 0), numberOr(above['extraApprovals'], 0)];
    if (approvalsAbove < approvalsBelow) {
      violations.push(`actions.${upper}.extraApprovals (${approvalsAbove}) is below actions.${lower}.extraApprovals (${approvalsBelow}): a riskier tier cannot need fewer approvals`);
    }
    for (const flag of ['restrictArtifacts', 'retrainingRequired'] as const) {
      if (below[flag] === true && above[flag] !== true) {
        violations.push(`actions.${upper}.${flag} is off while actions.${lower}.${flag} is on: tiers do not inherit actions, so repeat it for ${upper}`);
      }
    }
  }
  return violations;
}
