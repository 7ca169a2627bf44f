import type { FindingSeverity, Level } from './risk-facts.js';

/*
 * How the facts' words become values in 0..1, and the small wording helpers
 * reasons share. A low level is no risk on its own; a low-severity finding is
 * still a finding, so it counts a quarter.
 */

export const levelValue: Readonly<Record<Level, number>> = { low: 0, medium: 0.5, high: 1 };

export const severityValue: Readonly<Record<FindingSeverity, number>> = { low: 0.25, medium: 0.5, high: 0.75, critical: 1 };

/** A signal's value and the sentence that explains it. */
export interface SignalReading {
  readonly value: number;
  readonly reason: string;
}

/** The worst finding's value, plus `perAdditional` for each further finding, capped at 1; 0 for none. */
export function accumulate(values: readonly number[], perAdditional: number): number {
  if (values.length === 0) return 0;
  return Math.min(1, Math.max(...values) + perAdditional * (values.length - 1));
}

/** The first item with the highest value. */
export function worstBy<T>(items: readonly T[], valueOf: (item: T) => number): T | undefined {
  return items.reduce<T | undefined>((worst, item) => (worst === undefined || valueOf(item) > valueOf(worst) ? item : worst), undefined);
}

/** At most three decimals, no trailing zeros: 0.8, 0.125, 12. */
export const decimal = (x: number): string => String(Number(x.toFixed(3)));

export const counted = (n: number, singular: string, plural = `${singular}s`): string => `${n} ${n === 1 ? singular : plural}`;

/** The reason suffix for a value that stands in for something unknown. */
export const countedAs = (value: number): string => `(counted as ${decimal(value)})`;
