import { familiesHonouring, licenseTraits } from './license-traits.js';
import { describeTerm, describeTree, hasChoice, isMissingLicense, type LicenseTerm, type LicenseTree, parseLicenseExpression, quoted, termsOf } from './spdx-expression.js';
import { readUsageTerm, usageTerms, type UsageTerm } from './usage-terms.js';

/*
 * Whether a model's license honours the licenses and usage terms of the
 * datasets it was trained on. ModelKeep's policy treats a trained model as a
 * derivative of its training data, which gives these rules:
 *
 * 1. Non-commercial data (a license without commercial use, such as
 *    CC-BY-NC-*, or the term `non-commercial` / `research-only`): the model's
 *    license must forbid commercial use too; a permissive or copyleft license
 *    is a conflict.
 * 2. No-derivatives data (CC-*-ND, the term `no-derivatives`): always a
 *    conflict, since the model is a derivative.
 * 3. Share-alike data (CC-BY-SA, ODbL, CDLA-Sharing, the GNU licenses, the
 *    term `share-alike`): the model's license must stay in the data license's
 *    family (or one its license lets it move to); anything else is a conflict.
 * 4. `internal-only` data: a model offered to others under a public license
 *    is a conflict. `no-redistribution` data: a warning to keep the data out
 *    of the model's artifacts.
 * 5. A dataset without a license, with one that is not a valid expression or
 *    whose terms ModelKeep does not know, or with a usage term it does not
 *    recognise: a warning, for a person to read the terms.
 * 6. A model without a (valid) license while a dataset carries a restriction:
 *    a conflict, since nothing shows the restriction is honoured.
 *
 * SPDX choice works for the licensee on both sides: a dataset offered as
 * `A OR B` is judged by its least restrictive choice, and a model offered as
 * `A OR B` honours a restriction only if every choice does (whoever receives
 * the model may take either), while `A AND B` honours it if either does.
 */

export interface LicenseConflict {
  dataset: string;
  severity: 'conflict' | 'warning';
  reason: string;
}

export interface TrainingDataset {
  readonly urn: string;
  readonly license?: string | null;
  readonly usageTerms?: readonly string[];
}

type Finding = Omit<LicenseConflict, 'dataset'>;

type Restriction =
  | { readonly kind: Exclude<UsageTerm, 'share-alike'>; readonly source: string }
  | { readonly kind: 'share-alike'; readonly source: string; readonly families: readonly string[] };

type Model = { readonly licensed: true; readonly tree: LicenseTree; readonly text: string } | { readonly licensed: false; readonly why: string };

export function checkCompatibility(model: { readonly license: string | null }, datasets: readonly TrainingDataset[]): LicenseConflict[] {
  const judged = readModel(model.license);
  return datasets.flatMap((dataset) => {
    const findings = datasetFindings(dataset, judged);
    const unique = findings.filter((f, i) => findings.findIndex((g) => g.severity === f.severity && g.reason === f.reason) === i);
    return [...unique.filter((f) => f.severity === 'conflict'), ...unique.filter((f) => f.severity === 'warning')].map((f) => ({ dataset: dataset.urn, ...f }));
  });
}

function readModel(license: string | null | undefined): Model {
  if (isMissingLicense(license)) return { licensed: false, why: 'declares no license' };
  const parsed = parseLicenseExpression(license);
  if (!parsed.ok) return { licensed: false, why: `declares ${quoted(license)}, which is not a valid SPDX expression (${parsed.problem})` };
  return { licensed: true, tree: parsed.tree, text: describeTree(parsed.tree) };
}

function datasetFindings(dataset: TrainingDataset, model: Model): Finding[] {
  const findings: Finding[] = [];
  let terms: LicenseTerm[] = [];
  if (isMissingLicense(dataset.license)) {
    findings.push(warning('the dataset declares no license, so its terms are unknown: a person must read them'));
  } else {
    const parsed = parseLicenseExpression(dataset.license);
    if (!parsed.ok) {
      findings.push(warning(`the dataset's license ${quoted(dataset.license)} is not a valid SPDX expression (${parsed.problem}), so its terms are unknown`));
    } else {
      terms = termsOf(parsed.tree);
      const fromLicense = licenseFindings(parsed.tree, model);
      const choice = hasChoice(parsed.tree) ? ` (under the least restrictive choice of ${quoted(describeTree(parsed.tree))})` : '';
      findings.push(...fromLicense.map((f) => ({ ...f, reason: `${f.reason}${choice}` })));
    }
  }
  // A blank label says nothing; every other one is read or reported.
  for (const label of (dataset.usageTerms ?? []).filter((l) => l.trim() !== '')) {
    const term = readUsageTerm(label);
    if (term === undefined) {
      findings.push(warning(`the dataset's usage term ${quoted(label)} is not one ModelKeep recognises (${usageTerms.join(', ')}): a person must read it`));
    } else {
      findings.push(...judge(termRestriction(term, label, terms), model));
    }
  }
  return findings;
}

/** The findings of the dataset's license: OR takes the side with fewer conflicts (then fewer warnings), AND both sides. */
function licenseFindings(tree: LicenseTree, model: Model): Finding[] {
  if (tree.kind === 'license') return termFindings(tree, model);
  const [left, right] = [licenseFindings(tree.left, model), licenseFindings(tree.right, model)];
  if (tree.kind === 'and') return [...left, ...right];
  return weight(right) < weight(left) ? right : left;
}

const weight = (findings: readonly Finding[]): number => findings.reduce((sum, f) => sum + (f.severity === 'conflict' ? 1000 : 1), 0);

function termFindings(term: LicenseTerm, model: Model): Finding[] {
  const name = describeTerm(term);
  const traits = licenseTraits(term.id);
  if (traits === null) return [warning(`the dataset's license ${name} has terms ModelKeep does not know: a person must read them`)];
  const source = `the dataset's license ${name}`;
  const restrictions: Restriction[] = [];
  if (!traits.commercialUse) restrictions.push({ kind: 'non-commercial', source });
  if (traits.derivatives === 'none') restrictions.push({ kind: 'no-derivatives', source });
  if (traits.derivatives === 'share-alike') restrictions.push({ kind: 'share-alike', source, families: familiesHonouring(traits.family ?? term.id) });
  return restrictions.flatMap((r) => judge(r, model));
}

function termRestriction(term: UsageTerm, label: string, licenseTerms: readonly LicenseTerm[]): Restriction {
  const source = `the dataset's usage term ${quoted(label)}`;
  if (term !== 'share-alike') return { kind: term, source };
  // Shared alike under what the dataset itself is licensed under.
  const families = licenseTerms.flatMap((t) => familiesHonouring(familyOf(t)));
  return { kind: 'share-alike', source, families: [...new Set(families)] };
}

function judge(restriction: Restriction, model: Model): Finding[] {
  const { source } = restriction;
  if (restriction.kind === 'no-derivatives') {
    return [conflict(`${source} forbids derivatives, and under ModelKeep's policy a model trained on the data is a derivative`)];
  }
  if (!model.licensed) {
    return [conflict(`${source} restricts the data (${restriction.kind}), but the model ${model.why}, so nothing shows the restriction is honoured`)];
  }
  const offered = `the model's license ${model.text}`;
  switch (restriction.kind) {
    case 'non-commercial':
    case 'research-only': {
      const limit = restriction.kind === 'research-only' ? 'limits the data to research, which rules out commercial use' : 'forbids commercial use';
      const honoured = modelHonours(model.tree, (t) => {
        const traits = licenseTraits(t.id);
        return traits === null ? undefined : !traits.commercialUse;
      });
      if (honoured === true) return [];
      return honoured === false
        ? [conflict(`${source} ${limit}, but ${offered} permits commercial use; a model trained on non-commercial data must forbid it too`)]
        : [warning(`${source} ${limit}; ${offered} has terms ModelKeep does not know, so a person must check it forbids commercial use`)];
    }
    case 'share-alike': {
      if (restriction.families.length === 0) {
        return [conflict(`${source} requires derivatives to be shared alike, but the dataset declares no license to share them under`)];
      }
      const honoured = modelHonours(model.tree, (t) => restriction.families.includes(familyOf(t)));
      if (honoured === true) return [];
      return [conflict(`${source} requires derivatives to be shared alike (under ${restriction.families.join(' or ')}), but ${offered} ${hasChoice(model.tree) ? 'lets the model be taken' : 'is'} outside that family; a model trained on share-alike data must carry a license of that family`)];
    }
    case 'internal-only': {
      const honoured = modelHonours(model.tree, (t) => (t.ref ? undefined : false));
      if (honoured === true) return [];
      return honoured === false
        ? [conflict(`${source} limits the data to internal use, but the model is offered to others under ${model.text}`)]
        : [warning(`${source} limits the data to internal use; a person must check that ${model.text} keeps the model internal`)];
    }
    case 'no-redistribution':
      return [warning(`${source} forbids redistributing the data: make sure the model's artifacts neither ship nor reproduce it`)];
  }
}

/**
 * Three-valued: true when the model honours a restriction whichever way its
 * license is taken, false when it can be taken a way that does not, and
 * undefined when a license it may be taken under has unknown terms.
 */
function modelHonours(tree: LicenseTree, honours: (term: LicenseTerm) => boolean | undefined): boolean | undefined {
  if (tree.kind === 'license') return honours(tree);
  const [left, right] = [modelHonours(tree.left, honours), modelHonours(tree.right, honours)];
  if (tree.kind === 'or') {
    if (left === false || right === false) return false;
    return left === undefined || right === undefined ? undefined : true;
  }
  if (left === true || right === true) return true;
  return left === undefined || right === undefined ? undefined : false;
}

/** A license without a known family is a family of its own. */
const familyOf = (term: LicenseTerm): string => licenseTraits(term.id)?.family ?? term.id;

const conflict = (reason: string): Finding => ({ severity: 'conflict', reason });
const warning = (reason: string): Finding => ({ severity: 'warning', reason });
