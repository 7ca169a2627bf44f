import { stageRank } from './stages.js';
import { type Role, roles } from '../access/roles.js';
import { compileCondition } from './cel-conditions.js';
import {
  type CurrentAttestation,
  type GateCheck,
  type GateCondition,
  type GateInput,
  type GateReport,
  type GateRule,
  type PromotionTarget,
  type RequiredAttestation,
  highRiskTiers,
} from './gate-types.js';

/*
 * Decides whether a promotion may happen, purely: the caller gathers the
 * version, its current attestations, the policy and the clock. Every check is
 * reported, passed or not, so a reviewer sees the whole picture at once.
 */

/** The lifecycle's order for promotions; `retired` is terminal and outside it (-1, as an unknown stage). */
const rank = (stage: string): number => (stage === 'retired' ? -1 : stageRank(stage));

const DAY_MS = 24 * 60 * 60 * 1000;
/** No policy can lower this: a high-risk model reaches production only with two approvers. */
const HIGH_RISK_PRODUCTION_APPROVERS = 2;

export function evaluateGate(input: GateInput): GateReport {
  const rules = applicableRules(input);
  const checks: GateCheck[] = [statusCheck(input.status), directionCheck(input.from, input.to)];
  checks.push(...attestationChecks(rules, input.attestations, input.now));
  checks.push(...conditionChecks(rules, input));
  return {
    version: input.urn,
    from: input.from,
    to: input.to,
    tier: input.tier,
    policy: input.source,
    evaluatedAt: input.now.toISOString(),
    checks,
    passed: checks.every((c) => c.passed),
    approvals: requiredApprovals(rules, input),
  };
}

/** Rules guarding a stage in (from, to] for the version's tier, in stage order. An unknown `from` counts as `concept`. */
function applicableRules(input: GateInput): GateRule[] {
  if (input.from === 'retired') return [];
  const from = Math.max(rank(input.from), 0);
  const to = rank(input.to);
  return input.policy.rules
    .filter((rule) => rank(rule.to) > from && rank(rule.to) <= to && (rule.tiers === undefined || rule.tiers.includes(input.tier)))
    .sort((a, b) => rank(a.to) - rank(b.to));
}

function statusCheck(status: string): GateCheck {
  const check = (passed: boolean, why: string): GateCheck => ({ kind: 'state', name: 'published', stage: null, passed, why });
  switch (status) {
    case 'published':
      return check(true, 'the version is published');
    case 'draft':
      return check(false, 'the version is a draft: publish it first');
    case 'quarantined':
      return check(false, 'the version is quarantined: it cannot be promoted until it is released from quarantine');
    case 'retired':
      return check(false, 'the version is retired: retired versions cannot be promoted');
    default:
      return check(false, `the version's status is ${status}; only published versions can be promoted`);
  }
}

function directionCheck(from: string, to: PromotionTarget): GateCheck {
  const check = (passed: boolean, why: string): GateCheck => ({ kind: 'state', name: 'moves forward', stage: null, passed, why });
  if (from === 'retired') return check(false, 'versions only move forward; the version is retired, which is final');
  if (rank(from) < 0) return check(false, `versions only move forward; the version's stage ${from} is not one a promotion starts from`);
  if (rank(to) <= rank(from)) {
    return check(false, `versions only move forward; ${from} → ${to} ${to === from ? 'stays where it is' : 'goes back'}`);
  }
  return check(true, `${from} → ${to} moves forward`);
}

function attestationChecks(rules: readonly GateRule[], current: readonly CurrentAttestation[], now: Date): GateCheck[] {
  const seen = new Set<string>();
  const checks: GateCheck[] = [];
  for (const rule of rules) {
    for (const required of rule.attestations ?? []) {
      const verdicts = required.verdicts ?? ['pass'];
      const key = JSON.stringify([required.type, [...verdicts].sort(), required.maxAgeDays ?? null]);
      if (seen.has(key)) continue;
      seen.add(key);
      const { passed, why } = judgeAttestation({ ...required, verdicts }, current, now);
      checks.push({ kind: 'attestation', name: required.type, stage: rule.to, passed, why });
    }
  }
  return checks;
}

function judgeAttestation(required: RequiredAttestation & Required<Pick<RequiredAttestation, 'verdicts'>>, current: readonly CurrentAttestation[], now: Date): { passed: boolean; why: string } {
  const newest = current.filter((a) => a.type === required.type).sort((a, b) => Date.parse(b.at) - Date.parse(a.at))[0];
  if (newest === undefined) return { passed: false, why: `no ${required.type} attestation has been recorded` };
  const which = `${required.type} ${newest.id} by ${newest.by} on ${newest.at}`;
  if (!required.verdicts.includes(newest.verdict)) {
    return { passed: false, why: `${which} says ${newest.verdict}; needs ${required.verdicts.join(' or ')}` };
  }
  if (required.maxAgeDays === undefined) return { passed: true, why: `${which} says ${newest.verdict}` };
  const at = Date.parse(newest.at);
  if (Number.isNaN(at)) return { passed: false, why: `${which} has no readable date, so its age cannot be checked` };
  const age = `${Math.max(0, Math.floor((now.getTime() - at) / DAY_MS))} days old`;
  if (now.getTime() - at > required.maxAgeDays * DAY_MS) {
    return { passed: false, why: `${which} is ${age}; must be at most ${required.maxAgeDays}` };
  }
  return { passed: true, why: `${which} says ${newest.verdict} and is ${age} (at most ${required.maxAgeDays})` };
}

function conditionChecks(rules: readonly GateRule[], input: GateInput): GateCheck[] {
  const seen = new Set<string>();
  const checks: GateCheck[] = [];
  for (const rule of rules) {
    for (const condition of rule.conditions ?? []) {
      const key = JSON.stringify([condition.name, condition.expr, condition.message]);
      if (seen.has(key)) continue;
      seen.add(key);
      const { passed, why } = judgeCondition(condition, input);
      checks.push({ kind: 'condition', name: condition.name ?? condition.expr, stage: rule.to, passed, why });
    }
  }
  return checks;
}

function judgeCondition(condition: GateCondition, input: GateInput): { passed: boolean; why: string } {
  let outcome: { passed: boolean; why: string };
  try {
    outcome = compileCondition(condition.expr).evaluate(input.subject);
  } catch (error) {
    // Stored policies were checked when saved; one that no longer compiles fails its check rather than the whole gate.
    outcome = { passed: false, why: (error as Error).message };
  }
  if (outcome.passed || condition.message === undefined) return outcome;
  return { passed: false, why: `${condition.message} (${outcome.why})` };
}

function requiredApprovals(rules: readonly GateRule[], input: GateInput): GateReport['approvals'] {
  const counts = new Map<Role, number>();
  const require = (role: Role, count: number) => counts.set(role, Math.max(counts.get(role) ?? 0, count));
  for (const rule of rules) {
    if (rule.approvals !== undefined) require(rule.approvals.role ?? 'approver', rule.approvals.count);
  }
  if (input.to === 'production' && highRiskTiers.includes(input.tier)) require('approver', HIGH_RISK_PRODUCTION_APPROVERS);
  // The rubric's tier actions come on top of whatever the policy asks, so no policy can waive them.
  const extra = input.extraApprovals ?? 0;
  if (input.to === 'production' && extra > 0) counts.set('approver', (counts.get('approver') ?? 0) + extra);
  return roles.filter((role) => (counts.get(role) ?? 0) > 0).map((role) => ({ role, count: counts.get(role)! }));
}
