import { describe, expect, it } from 'vitest';
import { countApprovals } from '../../src/governance/count-approvals.js';

describe('counting approvals', () => {
  it('counts distinct approvers, not approvals', () => {
    const tally = countApprovals([{ role: 'approver', count: 2 }], [
      { by: 'user:ann', roles: ['approver'] },
      { by: 'user:ann', roles: ['approver'] },
    ]);
    expect(tally).toEqual({ satisfied: false, missing: [{ role: 'approver', count: 1 }] });
    expect(countApprovals([{ role: 'approver', count: 2 }], [
      { by: 'user:ann', roles: ['approver'] },
      { by: 'user:bob', roles: ['approver'] },
    ])).toEqual({ satisfied: true, missing: [] });
  });

  it('counts only approvers holding a role that covers the required one', () => {
    const tally = countApprovals([{ role: 'approver', count: 1 }, { role: 'compliance', count: 1 }], [
      { by: 'user:ann', roles: ['approver'] },
      { by: 'user:cody', roles: ['contributor', 'viewer'] },
    ]);
    expect(tally).toEqual({ satisfied: false, missing: [{ role: 'compliance', count: 1 }] });
  });

  it('lets an admin cover every role, and one approver satisfy several requirements', () => {
    const tally = countApprovals([{ role: 'approver', count: 1 }, { role: 'compliance', count: 1 }], [{ by: 'user:root', roles: ['admin'] }]);
    expect(tally).toEqual({ satisfied: true, missing: [] });
  });

  it('is satisfied when nothing is required', () => {
    expect(countApprovals([], [])).toEqual({ satisfied: true, missing: [] });
  });
});
