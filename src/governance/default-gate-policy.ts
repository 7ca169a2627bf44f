import type { GatePolicy } from './gate-types.js';

/**
 * The built-in policy, used where neither the namespace nor the registry set
 * one. Exploration has no rule: moving a version there is automatic. The
 * high-risk floor of two approvers is enforced by the evaluator as well, so a
 * policy cannot lower it.
 */
export const defaultGatePolicy: GatePolicy = {
  description: 'Built-in: validation needs a passing evaluation; production needs a recent evaluation, a license review, a declared license and approval, and more evidence and a second approver for high-risk models.',
  rules: [
    { to: 'validation', attestations: [{ type: 'evaluation' }] },
    {
      to: 'production',
      attestations: [{ type: 'evaluation', maxAgeDays: 90 }, { type: 'license_review' }],
      conditions: [{ name: 'license-declared', expr: 'version.license != ""', message: 'the version must declare its license' }],
      approvals: { count: 1, role: 'approver' },
    },
    {
      to: 'production',
      tiers: ['high', 'critical'],
      attestations: [{ type: 'bias_assessment' }, { type: 'safety_review' }],
      approvals: { count: 2, role: 'approver' },
    },
  ],
};
