import { canonicalLicenseId } from './spdx-expression.js';

/*
 * What a license says about the two questions the compatibility check asks:
 * may the work be used commercially, and may derivatives (a model trained on
 * it, under ModelKeep's policy) be made, and under which terms.
 *
 * `family` groups the versions and ports of one license (CC-BY-SA-3.0-DE and
 * CC-BY-SA-4.0 are both `CC-BY-SA`); share-alike is honoured by staying in a
 * family. Licenses without an SPDX id (`LicenseRef-…`: OpenRAIL variants, the
 * Llama community licenses, a vendor's terms) carry use restrictions, user
 * caps or naming rules that these traits cannot express, so they have none:
 * the caller reports their terms as unknown and a person reads them.
 */

export type DerivativeTerms = 'allowed' | 'none' | 'share-alike';

export interface LicenseTraits {
  readonly commercialUse: boolean;
  readonly derivatives: DerivativeTerms;
  readonly family?: string;
}

const permissive = (family: string): LicenseTraits => ({ commercialUse: true, derivatives: 'allowed', family });
const shareAlike = (family: string): LicenseTraits => ({ commercialUse: true, derivatives: 'share-alike', family });

const named: ReadonlyMap<string, LicenseTraits> = new Map([
  // Public-domain dedications and waivers.
  ['CC0-1.0', permissive('public-domain')],
  ['PDDL-1.0', permissive('public-domain')],
  ['CC-PDDC', permissive('public-domain')],
  ['CC-PDM-1.0', permissive('public-domain')],
  ['Unlicense', permissive('public-domain')],
  ['0BSD', permissive('public-domain')],
  // Data licenses.
  ['ODC-By-1.0', permissive('ODC-By')],
  ['ODbL-1.0', shareAlike('ODbL')],
  ['CDLA-Permissive-1.0', permissive('CDLA-Permissive')],
  ['CDLA-Permissive-2.0', permissive('CDLA-Permissive')],
  ['CDLA-Sharing-1.0', shareAlike('CDLA-Sharing')],
  ['C-UDA-1.0', permissive('C-UDA')],
  ['OpenMDW-1.0', permissive('OpenMDW')],
  ['CC-SA-1.0', shareAlike('CC-SA')],
  // Software licenses models and code datasets carry.
  ['Apache-2.0', permissive('Apache')],
  ['Apache-1.1', permissive('Apache')],
  ['MIT', permissive('MIT')],
  ['MIT-0', permissive('MIT')],
  ['ISC', permissive('ISC')],
  ['Zlib', permissive('Zlib')],
  ['BSL-1.0', permissive('BSL')],
  ['PSF-2.0', permissive('Python')],
  ['Python-2.0', permissive('Python')],
  ['MPL-2.0', shareAlike('MPL')],
  ['EPL-2.0', shareAlike('EPL')],
  // Source-available: SSPL's service clause is a share-alike over the whole stack; BUSL forbids production use until its change date.
  ['SSPL-1.0', shareAlike('SSPL')],
  ['BUSL-1.1', { commercialUse: false, derivatives: 'allowed', family: 'BUSL' }],
  ['Elastic-2.0', permissive('Elastic')],
]);

/** `CC-BY-4.0`, `CC-BY-NC-SA-3.0-DE`, …: the license elements are spelled out in the id. */
const creativeCommons = /^CC-BY(-NC)?(-ND|-SA)?-\d\.\d(-[A-Za-z]+)?$/;
const gnu = /^(A|L)?GPL-\d\.\d$/;
const bsd = /^BSD-(2|3|4)-Clause(-[A-Za-z0-9-]+)?$/;

/** The traits of one SPDX license id (`+`, `-only` and `-or-later` ignored), or null when ModelKeep does not know its terms. */
export function licenseTraits(id: string): LicenseTraits | null {
  const listed = canonicalLicenseId(id.trim().replace(/\+$/, ''));
  if (listed === undefined) return null;
  const license = listed.replace(/-(only|or-later)$/, '');
  const known = named.get(license);
  if (known !== undefined) return known;
  const cc = creativeCommons.exec(license);
  if (cc !== null) {
    const [, nonCommercial, adaptations] = cc;
    return {
      commercialUse: nonCommercial === undefined,
      derivatives: adaptations === '-ND' ? 'none' : adaptations === '-SA' ? 'share-alike' : 'allowed',
      family: `CC-BY${nonCommercial ?? ''}${adaptations ?? ''}`,
    };
  }
  const gnuMatch = gnu.exec(license);
  if (gnuMatch !== null) return shareAlike(`${gnuMatch[1] ?? ''}GPL`);
  if (bsd.test(license)) return permissive('BSD');
  return null;
}

/*
 * Which families a model may be licensed in to honour a share-alike family.
 * Each family honours itself; beyond that only the one-way paths the licenses
 * themselves grant: LGPL §3 (2.1) lets the work go under the GPL, and MPL-2.0
 * §3.3 lets it be combined under the GNU licenses. Versions within a family
 * are not compared (GPL-2.0-only code into a GPL-3.0 model passes): a
 * reviewer who cares reads the versions in the reason.
 */
const honouredBy: Readonly<Record<string, readonly string[]>> = {
  LGPL: ['LGPL', 'GPL'],
  MPL: ['MPL', 'LGPL', 'GPL', 'AGPL'],
};

export const familiesHonouring = (family: string): readonly string[] => honouredBy[family] ?? [family];
