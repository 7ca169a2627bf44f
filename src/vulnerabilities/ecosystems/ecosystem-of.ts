import { PackageURL } from 'packageurl-js';
import { mavenVersions } from './maven.js';
import { npmVersions } from './npm.js';
import { normalizePypiName, pypiVersions } from './pypi.js';
import type { VersionScheme } from './version-scheme.js';

/*
 * Libraries are named by purl (https://github.com/package-url/purl-spec);
 * advisories name packages by OSV ecosystem and name. This file is the one
 * bridge between the two, for the ecosystems whose version order we know.
 */

interface EcosystemRule {
  readonly ecosystem: string;
  readonly purlType: string;
  readonly versions: VersionScheme;
  /** The OSV package name of a purl's namespace and name. */
  readonly nameOfPurl: (namespace: string | undefined, name: string) => string;
  /** The form two names of the same package share. */
  readonly normalizeName: (name: string) => string;
}

const rules: readonly EcosystemRule[] = [
  { ecosystem: 'PyPI', purlType: 'pypi', versions: pypiVersions, nameOfPurl: (_, name) => normalizePypiName(name), normalizeName: normalizePypiName },
  {
    ecosystem: 'npm',
    purlType: 'npm',
    versions: npmVersions,
    nameOfPurl: (namespace, name) => (namespace === undefined ? name : `${namespace}/${name}`),
    // The purl spec lowercases npm names, so a purl cannot tell legacy `JSONStream` from `jsonstream`; neither can we.
    normalizeName: (name) => name.toLowerCase(),
  },
  {
    ecosystem: 'Maven',
    purlType: 'maven',
    versions: mavenVersions,
    nameOfPurl: (namespace, name) => `${namespace ?? ''}:${name}`,
    normalizeName: (name) => name,
  },
];

/**
 * The rule for an OSV ecosystem string. Matching ignores case and a
 * `:<suffix>` (OSV's `Maven:https://maven.google.com` names the same package
 * ecosystem served by another repository).
 */
function ruleOfEcosystem(ecosystem: string): EcosystemRule | undefined {
  const base = ecosystem.split(':', 1)[0]!.toLowerCase();
  return rules.find((rule) => rule.ecosystem.toLowerCase() === base);
}

/** The canonical OSV ecosystem name (`PyPI`, `npm`, `Maven`), or undefined for one we cannot match. */
export const knownEcosystem = (ecosystem: string): string | undefined => ruleOfEcosystem(ecosystem)?.ecosystem;

/** The OSV ecosystem of a purl type (`pypi` → `PyPI`). */
export const ecosystemOfPurlType = (type: string): string | undefined => rules.find((rule) => rule.purlType === type.toLowerCase())?.ecosystem;

/** How versions of the ecosystem order, or undefined when we do not know. */
export const versionsOfEcosystem = (ecosystem: string): VersionScheme | undefined => ruleOfEcosystem(ecosystem)?.versions;

/** The name in the form advisories and purls share (PEP 503 for PyPI, lowercase for npm, as written for Maven). */
export function normalizePackageName(ecosystem: string, name: string): string {
  const rule = ruleOfEcosystem(ecosystem);
  return rule === undefined ? name : rule.normalizeName(name);
}

export interface OsvPackage {
  ecosystem: string;
  name: string;
  version?: string;
}

/** The OSV package a purl names, or null when the purl does not parse or its type is not an ecosystem we match. */
export function osvPackageOfPurl(purl: string): OsvPackage | null {
  let parsed: PackageURL;
  try {
    parsed = PackageURL.fromString(purl);
  } catch {
    return null;
  }
  const rule = rules.find((r) => r.purlType === parsed.type);
  if (rule === undefined) return null;
  if (rule.purlType === 'maven' && (parsed.namespace === undefined || parsed.namespace === '')) return null;
  const name = rule.nameOfPurl(parsed.namespace || undefined, parsed.name);
  const version = parsed.version === undefined || parsed.version === '' ? undefined : parsed.version;
  return version === undefined ? { ecosystem: rule.ecosystem, name } : { ecosystem: rule.ecosystem, name, version };
}
