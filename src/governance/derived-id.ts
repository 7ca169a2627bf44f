import { createHash } from 'node:crypto';

/**
 * The n-th id of a decision that makes several records (a quarantine's
 * rollbacks): derived from one random seed the caller chose, so the decision
 * stays a pure function of its arguments and the ids look like every other.
 */
export function derivedId(seed: string, index: number): string {
  const hex = createHash('sha256').update(`${seed}/${index}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
