import type { RiskFacts } from './risk-facts.js';
import type { EdgeCaseSettings, SignalSettings } from './rubric-types.js';
import { counted, countedAs, decimal, type SignalReading, severityValue, worstBy } from './signal-scales.js';

/* Signals read from the evidence gathered about the model: evaluations, bias assessments, validation. */

const DAY_MS = 86_400_000;
// Metrics arrive as floats: 0.91 - 0.81 must not count as trailing by more than 0.1.
const EPSILON = 1e-9;

/**
 * 1 when an edge-case slice of the latest evaluation is beyond the limit, or
 * trails the mean of the other slices by more than the gap; 0 when every
 * slice is within both. No slice to judge is unknown, not a pass.
 */
export function edgeCasePerformance(facts: RiskFacts, settings: EdgeCaseSettings): SignalReading {
  const { metric, limit, gap, higherIsBetter, whenMissing } = settings;
  const missing = (why: string): SignalReading => ({ value: whenMissing, reason: `${why} ${countedAs(whenMissing)}` });
  if (facts.edgeCaseSlices.length === 0) {
    return missing(facts.overallSlices.length === 0 ? 'no evaluation with edge-case slices' : 'the latest evaluation flags no edge-case slices');
  }
  const measured = facts.edgeCaseSlices.flatMap((slice) => {
    const value = slice.metrics[metric];
    return typeof value === 'number' && Number.isFinite(value) ? [{ name: slice.name, value }] : [];
  });
  if (measured.length === 0) return missing(`no edge-case slice reports ${metric}`);

  const others = facts.overallSlices.map((s) => s.metrics[metric]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  const reference = others.length === 0 ? null : others.reduce((a, b) => a + b, 0) / others.length;
  // How much worse than `than` a value is, positive when worse, whichever way the metric points.
  const worseBy = (value: number, than: number) => (higherIsBetter ? than - value : value - than);
  const judged = measured.map((slice) => ({
    ...slice,
    beyondLimit: limit !== null && worseBy(slice.value, limit) > EPSILON,
    trailing: reference === null ? null : worseBy(slice.value, reference),
  }));
  const short = judged.filter((s) => s.beyondLimit || (gap !== null && s.trailing !== null && s.trailing - gap > EPSILON));
  const unmeasured = facts.edgeCaseSlices.length - measured.length;
  const note = unmeasured === 0 ? '' : `; ${counted(unmeasured, 'edge-case slice')} without ${metric}`;

  const worst = worstBy(short.length > 0 ? short : judged, (s) => (higherIsBetter ? -s.value : s.value))!;
  if (short.length === 0) {
    return { value: 0, reason: `${counted(measured.length, 'edge-case slice')} within policy, worst ${worst.name}: ${metric} ${decimal(worst.value)}${note}` };
  }
  const why = worst.beyondLimit
    ? `${metric} ${decimal(worst.value)} ${higherIsBetter ? 'under' : 'over'} the limit ${decimal(limit!)}`
    : `${metric} ${decimal(worst.value)} trails the other slices (${decimal(reference!)}) by ${decimal(worst.trailing!)}, more than ${decimal(gap!)}`;
  const lead = short.length === 1 ? `edge-case slice ${worst.name}` : `${short.length} of ${measured.length} edge-case slices fall short, worst ${worst.name}`;
  return { value: 1, reason: `${lead}: ${why}${note}` };
}

const verdictValue = { pass: 0, pass_with_conditions: 0.25, fail: 1 } as const;
const verdictWords = { pass: 'passed', pass_with_conditions: 'passed with conditions', fail: 'failed' } as const;

/** The verdict or the worst unmitigated finding, whichever is higher; mitigated findings are named but do not count. */
export function biasFindings(facts: RiskFacts, settings: SignalSettings['biasFindings']): SignalReading {
  const { verdict, findings } = facts.bias;
  if (verdict === null && findings.length === 0) return { value: settings.whenMissing, reason: `no bias assessment ${countedAs(settings.whenMissing)}` };
  const open = findings.filter((f) => !f.mitigated);
  const worst = worstBy(open, (f) => severityValue[f.severity]);
  const mitigated = findings.length - open.length;
  const value = Math.max(verdict === null ? 0 : verdictValue[verdict], worst === undefined ? 0 : severityValue[worst.severity]);
  const parts = [
    verdict === null ? 'bias findings recorded without a verdict' : `bias assessment ${verdictWords[verdict]}`,
    worst === undefined ? 'no unmitigated findings' : `${counted(open.length, 'unmitigated finding')}, worst ${worst.severity}`,
  ];
  return { value, reason: `${parts.join('; ')}${mitigated === 0 ? '' : ` (${mitigated} mitigated)`}` };
}

/** 0 when validated within `maxAgeDays`, 1 when longer ago; never validated counts `whenMissing`. */
export function staleValidation(facts: RiskFacts, settings: SignalSettings['staleValidation']): SignalReading {
  const now = Date.parse(facts.now);
  // The time comes from the ledger entry being written; an unreadable one is a bug upstream, not a risk fact.
  if (Number.isNaN(now)) throw new RangeError(`The scoring time is not an ISO time: ${JSON.stringify(facts.now)}`);
  if (facts.lastValidatedAt === null) return { value: settings.whenMissing, reason: `never validated ${countedAs(settings.whenMissing)}` };
  const last = Date.parse(facts.lastValidatedAt);
  if (Number.isNaN(last)) return { value: settings.whenMissing, reason: `last validation time unreadable ${countedAs(settings.whenMissing)}` };
  // A validation stamped after `now` (clock skew between writers) is as fresh as it gets.
  const days = Math.max(0, Math.floor((now - last) / DAY_MS));
  const ago = days === 0 ? 'today' : `${counted(days, 'day')} ago`;
  const policy = `(policy: ${settings.maxAgeDays})`;
  return days > settings.maxAgeDays ? { value: 1, reason: `last validated ${ago} ${policy}` } : { value: 0, reason: `validated ${ago} ${policy}` };
}
