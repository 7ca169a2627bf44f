import type { AsOf } from '../store/queries/as-of.js';

/** How a missing record is described, now or at a past ledger point: one wording, so a hidden record answers exactly like a missing one. */
export const existed = (asOf: AsOf): string => (asOf === undefined ? 'does not exist' : `did not exist as of ledger entry ${asOf}`);
