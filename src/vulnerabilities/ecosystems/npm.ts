import semver from 'semver';
import type { VersionScheme } from './version-scheme.js';

/*
 * npm versions, and every OSV range of type SEMVER, order by SemVer 2.0
 * precedence (§11): prereleases before their release, compared field by field,
 * build metadata ignored. Strict parsing: OSV SEMVER versions carry no `v`
 * prefix and no loose forms.
 */
export const semverVersions: VersionScheme = {
  name: 'SemVer',
  isValid: (version) => semver.valid(version) !== null,
  compare: (a, b) => semver.compare(a, b),
};

export const npmVersions: VersionScheme = { ...semverVersions, name: 'npm' };
