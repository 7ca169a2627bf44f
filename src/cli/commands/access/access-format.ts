import { formatTime } from '../../format.js';

/*
 * How access records read in human output. Null has a meaning on every axis
 * (a global grant, an unscoped token, no expiry), so it is spelled out.
 */

/** A namespace column: null is a grant for the registry as a whole. */
export const namespaceCell = (namespace: string | null): string => namespace ?? '(all)';

/** "in fraud" or "globally", for sentences. */
export const where = (namespace: string | null): string => (namespace === null ? 'globally' : `in ${namespace}`);

/** A token's scope on one axis; null: no restriction. */
export const scopeText = (values: readonly string[] | null, unrestricted: string): string => (values === null ? unrestricted : values.join(', '));

/** A time column, or what its absence means. */
export const timeCell = (iso: string | null | undefined, absent: string): string => (iso == null ? absent : formatTime(iso));

export const flagsCell = (flags: readonly string[]): string => (flags.length === 0 ? '-' : flags.join(', '));

/** "45 minutes", "2 hours", "1 day 6 hours": elevations are asked in minutes but read better whole. */
export function formatDuration(seconds: number): string {
  const units: readonly [number, string][] = [
    [86_400, 'day'],
    [3_600, 'hour'],
    [60, 'minute'],
  ];
  const parts: string[] = [];
  let rest = seconds;
  for (const [size, name] of units) {
    const count = Math.floor(rest / size);
    if (count > 0) parts.push(`${count} ${name}${count === 1 ? '' : 's'}`);
    rest -= count * size;
  }
  return parts.length === 0 ? `${seconds} seconds` : parts.slice(0, 2).join(' ');
}
