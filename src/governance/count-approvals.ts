import { type Role, roleCovers } from '../access/roles.js';
import type { GateReport } from './gate-types.js';

export interface ApprovalTally {
  readonly satisfied: boolean;
  /** Requirements not yet met, with how many more approvers each needs. */
  readonly missing: readonly { readonly role: Role; readonly count: number }[];
}

/**
 * Counts, for each required role, the distinct approvers holding a role that
 * covers it (an admin covers every role). One approver may count towards
 * several requirements: the roles are what is required, not separate people
 * per role; separation of duties is decided where approvals are accepted.
 */
export function countApprovals(required: GateReport['approvals'], approvals: readonly { by: string; roles: readonly Role[] }[]): ApprovalTally {
  const missing = required.flatMap(({ role, count }) => {
    const approvers = new Set(approvals.filter((a) => a.roles.some((held) => roleCovers(held, role))).map((a) => a.by));
    return approvers.size >= count ? [] : [{ role, count: count - approvers.size }];
  });
  return { satisfied: missing.length === 0, missing };
}
