import { InvalidArgumentError } from 'commander';
import { asOfParam } from '../sdk/as-of.js';
import type { IfMatch } from '../sdk/if-match.js';
import { parseModelRef, parseVersionRef } from '../sdk/refs.js';
import type { ModelRef, VersionRef } from '../sdk/types.js';

/*
 * Commander argument parsers. Throwing InvalidArgumentError makes Commander
 * report a usage error naming the option, which main.ts turns into exit 2.
 */

/** For repeatable options: `--tag a --tag b`. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function modelRefArg(text: string): ModelRef {
  try {
    return parseModelRef(text);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

export function versionRefArg(text: string): VersionRef {
  try {
    return parseVersionRef(text);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

/** How help texts describe a point in the registry's history. */
export const POINT_HELP = 'a ledger sequence number or an ISO time (e.g. 2026-11-22T10:00:00Z)';

/** `--as-of`, `--from`, `--to`: a ledger sequence number or an ISO time, checked before anything is sent. */
export function pointArg(text: string): string {
  try {
    return asOfParam(text);
  } catch {
    throw new InvalidArgumentError(`${JSON.stringify(text)} is not a point in the registry's history; give ${POINT_HELP}. \`modelkeep ledger tail\` lists entry numbers and times.`);
  }
}

/** `--if-match`: a revision as `model show` prints it (7), or an ETag as the API sends it ("r7"). */
export function ifMatchArg(text: string): IfMatch {
  const match = /^"?r?([0-9]{1,15})"?$/.exec(text);
  if (match === null) throw new InvalidArgumentError(`${JSON.stringify(text)} is neither a revision (e.g. 7, as \`modelkeep model show\` prints it) nor an ETag (e.g. "r7").`);
  return Number(match[1]);
}

export function positiveInteger(text: string): number {
  if (!/^[1-9][0-9]{0,8}$/.test(text)) throw new InvalidArgumentError(`${JSON.stringify(text)} is not a positive whole number.`);
  return Number(text);
}

/** `--metric name=value`, repeatable, into a record. */
export function collectMetric(text: string, previous: Record<string, number> = {}): Record<string, number> {
  const match = /^([^=]+)=(.+)$/.exec(text);
  const value = match === null ? Number.NaN : Number(match[2]);
  if (match === null || !Number.isFinite(value)) throw new InvalidArgumentError(`${JSON.stringify(text)} is not name=number, e.g. auc=0.91.`);
  return { ...previous, [match[1]!.trim()]: value };
}

/** A repeatable option restricted to `allowed`. */
export function collectChoice<T extends string>(allowed: readonly T[]) {
  return (value: string, previous: T[] = []): T[] => {
    if (!(allowed as readonly string[]).includes(value)) throw new InvalidArgumentError(`Allowed choices are ${allowed.join(', ')}.`);
    return previous.includes(value as T) ? previous : [...previous, value as T];
  };
}
