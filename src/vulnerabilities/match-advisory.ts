import type { Advisory, AffectedPackage } from './advisory.js';
import { knownEcosystem, normalizePackageName, osvPackageOfPurl, versionsOfEcosystem } from './ecosystems/ecosystem-of.js';
import { semverVersions } from './ecosystems/npm.js';
import type { VersionScheme } from './ecosystems/version-scheme.js';
import { rangeContains } from './range-contains.js';

/*
 * Is this library (a purl) affected by this advisory? OSV's IsVulnerable:
 * the package must match an affected entry by ecosystem and normalized
 * name, and the version must be listed or fall inside one of its ranges.
 * Anything we cannot decide (no version, an ecosystem whose order we do not
 * know, a version the ecosystem cannot read) is not a finding: the answer is
 * "not affected", never an error.
 */

export interface AffectedAnswer {
  affected: boolean;
  /** Why, when affected: "2.4.0 is in [introduced 2.0.0, fixed 2.4.1)". */
  reason?: string;
}

/** The key advisories are indexed by: canonical ecosystem and normalized name (`PyPI:typing-extensions`). */
export function packageKey(ecosystem: string, name: string): string {
  return `${knownEcosystem(ecosystem) ?? ecosystem}:${normalizePackageName(ecosystem, name)}`;
}

/** The package key of a purl, or null when it is not a purl of an ecosystem we match. */
export function packageKeyOfPurl(purl: string): string | null {
  const pkg = osvPackageOfPurl(purl);
  return pkg === null ? null : packageKey(pkg.ecosystem, pkg.name);
}

export function affectedBy(advisory: Advisory, purl: string): AffectedAnswer {
  if (advisory.withdrawn !== undefined) return { affected: false };
  const pkg = osvPackageOfPurl(purl);
  if (pkg?.version === undefined) return { affected: false };
  const order = versionsOfEcosystem(pkg.ecosystem);
  if (order === undefined) return { affected: false };
  const key = packageKey(pkg.ecosystem, pkg.name);
  for (const entry of advisory.affected) {
    if (packageKey(entry.ecosystem, entry.name) !== key) continue;
    const reason = reasonAffected(pkg.version, entry, order);
    if (reason !== undefined) return { affected: true, reason };
  }
  return { affected: false };
}

function reasonAffected(version: string, entry: AffectedPackage, order: VersionScheme): string | undefined {
  if (isListed(version, entry.versions, order)) return `${version} is listed as an affected version`;
  return reasonInRanges(version, entry, order);
}

function reasonInRanges(version: string, entry: Pick<AffectedPackage, 'ranges'>, order: VersionScheme): string | undefined {
  for (const range of entry.ranges) {
    const reason = rangeContains(version, range, range.type === 'SEMVER' ? semverVersions : order);
    if (reason !== undefined) return reason;
  }
  return undefined;
}

/**
 * The listed versions the entry's own ranges do not already cover, once
 * each. osv.dev expands ranges into `versions` (a PyPI record can list
 * hundreds); dropping what a range already answers keeps stored advisories
 * small and changes no answer. Versions of an ecosystem we cannot order are
 * all kept.
 */
export function versionsBeyondRanges(entry: Pick<AffectedPackage, 'ecosystem' | 'ranges' | 'versions'>): string[] {
  const unique = [...new Set(entry.versions)];
  const order = versionsOfEcosystem(entry.ecosystem);
  if (order === undefined || entry.ranges.length === 0) return unique;
  return unique.filter((version) => reasonInRanges(version, entry, order) === undefined);
}

/** Listed verbatim, or equal in the ecosystem's order (PyPI 2.31 is 2.31.0, Maven 1.0 is 1). */
function isListed(version: string, versions: readonly string[], order: VersionScheme): boolean {
  if (versions.includes(version)) return true;
  if (versions.length === 0 || !order.isValid(version)) return false;
  return versions.some((listed) => order.isValid(listed) && order.compare(listed, version) === 0);
}
