import { InvalidArgumentError } from 'commander';
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
