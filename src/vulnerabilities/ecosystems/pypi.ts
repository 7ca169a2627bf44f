import { compare, parse } from '@renovatebot/pep440';
import type { VersionScheme } from './version-scheme.js';

/*
 * PyPI versions follow PEP 440: epochs (`1!2.0`), pre-releases before their
 * release (`2.31.0rc1 < 2.31.0`), post-releases after it, dev releases before
 * everything of the same release, local versions (`+cpu`) after the public one.
 */
export const pypiVersions: VersionScheme = {
  name: 'PyPI',
  isValid: (version) => parse(version) !== null,
  compare: (a, b) => Math.sign(compare(a, b)),
};

/** PEP 503 normalized name: lowercase, every run of `-`, `_` and `.` made one `-`. */
export const normalizePypiName = (name: string): string => name.toLowerCase().replace(/[-_.]+/g, '-');
