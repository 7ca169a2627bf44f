import type { ApprovalNeed, GateCheck, GateReport, Promotion, Rollback } from '../../../sdk/governance-types.js';
import { formatTable, formatTime, plural } from '../../format.js';
import type { Output } from '../../output.js';

/*
 * How governance records read in human output: gate reports as a table of
 * checks, approvals as what is still needed, rollbacks as from → to.
 */

export const PASSED = '✓';
export const FAILED = '✗';

/** "1 from approver, 2 from maintainer", or "none". */
export function approvalsText(needs: readonly ApprovalNeed[]): string {
  return needs.length === 0 ? 'none' : needs.map((n) => `${n.count} from ${n.role}`).join(', ');
}

/** The rows of a check table: mark, stage, check, why. */
export function checkTable(checks: readonly GateCheck[]): string {
  return formatTable(
    ['', 'STAGE', 'CHECK', 'WHY'],
    checks.map((c) => [c.passed ? PASSED : FAILED, c.stage ?? '-', c.name, c.why]),
  );
}

const policyText = (policy: GateReport['policy']): string =>
  policy.scope === 'builtin' ? 'the built-in default' : `the ${policy.scope} policy (ledger entry ${policy.seq ?? '?'})`;

/** A gate report: what was evaluated under which policy, every check, and the approvals a request would still need. */
export function printReport(out: Output, label: string, report: GateReport): void {
  out.line(`Gate for ${label}: ${report.from} → ${report.to}, risk tier ${report.tier}, under ${policyText(report.policy)}.`);
  out.line();
  out.line(checkTable(report.checks));
  out.line();
  out.line(`Approvals still needed: ${approvalsText(report.approvals)}.`);
  const failed = report.checks.filter((c) => !c.passed).length;
  out.line(failed === 0 ? `Every automatic check passed (${plural(report.checks.length, 'check')}).` : `${failed} of ${plural(report.checks.length, 'check')} failed.`);
}

/** "moved production from fraud/scorer@2 to fraud/scorer@1 (deployment …)". */
export function rollbackText(r: Rollback): string {
  if (r.to === null) return `${r.environment}: ${r.from} removed; nothing healthy was left to roll back to, so the model no longer serves there`;
  return `${r.environment}: ${r.from} → ${r.to}${r.deployment === null ? '' : ` (deployment ${r.deployment.id})`}`;
}

/** One promotion as a table row: ID, VERSION, FROM → TO, STATUS, REQUESTED BY, REQUESTED, APPROVALS. */
export function promotionRow(p: Promotion): string[] {
  return [p.id, p.version, `${p.from} → ${p.to}`, p.status, p.requestedBy, formatTime(p.requestedAt), p.approvals.length === 0 ? '-' : p.approvals.map((a) => a.by).join(', ')];
}

export const promotionHeaders = ['ID', 'VERSION', 'STAGES', 'STATUS', 'REQUESTED BY', 'REQUESTED', 'APPROVED BY'] as const;
