import type { ModelRef, VersionRef } from './types.js';

const NAME = '[a-z0-9][a-z0-9._-]{0,62}';
const MODEL_REF = new RegExp(`^(${NAME})/(${NAME})$`);
const VERSION_REF = new RegExp(`^(${NAME})/(${NAME})@([1-9][0-9]{0,14})$`);

/** Parses `namespace/name`; throws a TypeError naming the expected form. */
export function parseModelRef(text: string): ModelRef {
  const match = MODEL_REF.exec(text);
  if (match === null) throw new TypeError(`${JSON.stringify(text)} is not a model reference; expected namespace/name, e.g. fraud/scorer`);
  return { namespace: match[1]!, name: match[2]! };
}

/** Parses `namespace/name@number`; throws a TypeError naming the expected form. */
export function parseVersionRef(text: string): VersionRef {
  const match = VERSION_REF.exec(text);
  if (match === null) throw new TypeError(`${JSON.stringify(text)} is not a version reference; expected namespace/name@number, e.g. fraud/scorer@3`);
  return { namespace: match[1]!, model: match[2]!, number: Number(match[3]) };
}

export const formatModelRef = (ref: ModelRef): string => `${ref.namespace}/${ref.name}`;
export const formatVersionRef = (ref: VersionRef): string => `${ref.namespace}/${ref.model}@${ref.number}`;
