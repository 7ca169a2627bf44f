import type { LicensePolicy } from './license-policy-schema.js';
import { compileLicensePolicy, type CompiledLicensePolicy, type PolicyEntry } from './parse-license-policy.js';
import { covers, describeTerm, isMissingLicense, type LicenseTerm, type LicenseTree, parseLicenseExpression, quoted, termOptions } from './spdx-expression.js';

/*
 * Judging a declared license expression against a license policy, with SPDX
 * semantics:
 *
 * - `A OR B`: the licensee may take either, so the better side decides.
 * - `A AND B`: both apply, so the worse side decides.
 * - `A WITH exception`: judged by A, unless the policy names that pairing.
 * - `A+` / `A-or-later`: the licensee may take A or any later listed
 *   version, so the best of those decides.
 * - A term is denied when a denied entry covers it (denial wins), allowed
 *   when an allowed entry covers it or the policy allows nothing explicitly,
 *   and otherwise unknown: a `LicenseRef-…`, or a license an allow-list does
 *   not name. `unknown: deny` turns unknown into denied.
 */

export type LicenseStatus = 'allowed' | 'denied' | 'unknown' | 'missing' | 'invalid';

export interface LicenseVerdict {
  status: LicenseStatus;
  reasons: string[];
}

type Judged = { status: 'allowed' | 'unknown' | 'denied'; reasons: string[] };

const rank: Readonly<Record<Judged['status'], number>> = { denied: 0, unknown: 1, allowed: 2 };

export function evaluateLicense(expression: string | null | undefined, policy: LicensePolicy): LicenseVerdict {
  const rules = compileLicensePolicy(policy);
  if (isMissingLicense(expression)) {
    const reason = expression?.trim() === 'NONE' ? 'The license is NONE: no license is granted' : 'No license is declared';
    return { status: 'missing', reasons: [reason] };
  }
  const parsed = parseLicenseExpression(expression);
  if (!parsed.ok) return { status: 'invalid', reasons: [`${quoted(expression)} is not a valid SPDX license expression: ${parsed.problem}`] };
  return judgeTree(parsed.tree, rules);
}

function judgeTree(tree: LicenseTree, rules: CompiledLicensePolicy): Judged {
  if (tree.kind === 'license') return judgeTerm(tree, rules);
  const sides = [judgeTree(tree.left, rules), judgeTree(tree.right, rules)];
  const pick = tree.kind === 'or' ? Math.max : Math.min;
  const decisive = pick(...sides.map((side) => rank[side.status]));
  const deciding = sides.filter((side) => rank[side.status] === decisive);
  return { status: deciding[0]!.status, reasons: [...new Set(deciding.flatMap((side) => side.reasons))] };
}

function judgeTerm(term: LicenseTerm, rules: CompiledLicensePolicy): Judged {
  const options = termOptions(term).map((option) => ({ option, ...judgeOption(option, rules) }));
  if (options.length === 1) return judgeOption(options[0]!.option, rules);
  const best = Math.max(...options.map((o) => rank[o.status]));
  const deciding = options.filter((o) => rank[o.status] === best);
  const name = describeTerm(term);
  const first = deciding[0]!;
  // An or-later term passes on its first acceptable version; when none is, every version's reason is given.
  const reasons =
    first.status === 'allowed'
      ? [`${name} may be taken as ${describeTerm(first.option)}: ${first.reasons[0]!}`]
      : deciding.flatMap((o) => o.reasons.map((r) => `${name} offers ${describeTerm(o.option)}: ${r}`));
  return { status: first.status, reasons };
}

function judgeOption(option: LicenseTerm, rules: CompiledLicensePolicy): Judged {
  const name = describeTerm(option);
  const denier = matching(rules.denied, option);
  if (denier !== undefined) return { status: 'denied', reasons: [`${name} is denied by the policy${named(denier.text, name)}`] };
  const allower = matching(rules.allowed, option);
  if (allower !== undefined) return { status: 'allowed', reasons: [`${name} is allowed by the policy${named(allower.text, name)}`] };
  if (rules.allowed.length === 0 && !option.ref) {
    return { status: 'allowed', reasons: [`${name} is not denied, and the policy allows any license it does not deny`] };
  }
  const why = option.ref
    ? `${name} has no SPDX id and the policy does not name it`
    : `${name} is not among the policy's allowed licenses`;
  return rules.unknown === 'deny'
    ? { status: 'denied', reasons: [`${why}, and the policy denies unknown licenses`] }
    : { status: 'unknown', reasons: [`${why}: a person must review it`] };
}

/** The entry naming the option itself when there is one, so that the reason cites it rather than a wider entry. */
const matching = (entries: readonly PolicyEntry[], option: LicenseTerm): PolicyEntry | undefined =>
  entries.find((entry) => entry.text === describeTerm(option)) ?? entries.find((entry) => covers(entry.term, option));

/** Says which entry matched when it is not the license itself (`GPL-2.0-or-later` covering `GPL-3.0-only`). */
const named = (entry: string, name: string): string => (entry === name ? '' : ` (as ${entry})`);
