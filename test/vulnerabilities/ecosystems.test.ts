import { describe, expect, it } from 'vitest';
import {
  ecosystemOfPurlType,
  knownEcosystem,
  normalizePackageName,
  osvPackageOfPurl,
  versionsOfEcosystem,
} from '../../src/vulnerabilities/ecosystems/ecosystem-of.js';
import { npmVersions } from '../../src/vulnerabilities/ecosystems/npm.js';
import { pypiVersions } from '../../src/vulnerabilities/ecosystems/pypi.js';
import type { VersionScheme } from '../../src/vulnerabilities/ecosystems/version-scheme.js';

function expectAscending(scheme: VersionScheme, versions: readonly string[]) {
  for (let i = 1; i < versions.length; i++) {
    expect(Math.sign(scheme.compare(versions[i - 1]!, versions[i]!)), `${versions[i - 1]} < ${versions[i]}`).toBe(-1);
    expect(Math.sign(scheme.compare(versions[i]!, versions[i - 1]!)), `${versions[i]} > ${versions[i - 1]}`).toBe(1);
  }
}

describe('PyPI version order (PEP 440)', () => {
  it('puts dev, pre-releases and the release before post-releases, and local versions after their public one', () => {
    expectAscending(pypiVersions, ['2.31.0.dev1', '2.31.0a1', '2.31.0b2', '2.31.0rc1', '2.31.0', '2.31.0+cpu', '2.31.0.post1', '2.31.1']);
  });

  it('orders by epoch before anything else', () => {
    expectAscending(pypiVersions, ['2024.1', '1!0.1', '1!1.0', '2!0.0.1']);
  });

  it('treats spellings PEP 440 normalizes as equal', () => {
    for (const [a, b] of [['2.31', '2.31.0'], ['1.0RC1', '1.0rc1'], ['1.0-post1', '1.0.post1'], ['v1.0', '1.0']] as const) {
      expect(pypiVersions.compare(a, b), `${a} = ${b}`).toBe(0);
    }
  });

  it('refuses what is not a PEP 440 version', () => {
    expect(pypiVersions.isValid('2.31.0rc1')).toBe(true);
    expect(pypiVersions.isValid('not-a-version')).toBe(false);
    expect(pypiVersions.isValid('')).toBe(false);
  });
});

describe('npm version order (SemVer 2.0)', () => {
  it('orders prereleases before their release, field by field (SemVer §11)', () => {
    expectAscending(npmVersions, ['1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0', '1.0.1']);
  });

  it('ignores build metadata', () => {
    expect(npmVersions.compare('4.17.21+build.7', '4.17.21')).toBe(0);
  });

  it('refuses partial and loose versions', () => {
    expect(npmVersions.isValid('4.17')).toBe(false);
    expect(npmVersions.isValid('latest')).toBe(false);
    expect(npmVersions.isValid('4.17.21')).toBe(true);
  });
});

describe('purls and OSV packages', () => {
  it('maps purl types to OSV ecosystems', () => {
    expect(ecosystemOfPurlType('pypi')).toBe('PyPI');
    expect(ecosystemOfPurlType('npm')).toBe('npm');
    expect(ecosystemOfPurlType('maven')).toBe('Maven');
    expect(ecosystemOfPurlType('cargo')).toBeUndefined();
  });

  it('names a Maven package group:artifact and keeps the version', () => {
    expect(osvPackageOfPurl('pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1?type=jar')).toEqual({
      ecosystem: 'Maven',
      name: 'org.apache.logging.log4j:log4j-core',
      version: '2.14.1',
    });
  });

  it('names a scoped npm package @scope/name, whether the @ is percent-encoded or not', () => {
    expect(osvPackageOfPurl('pkg:npm/%40babel/traverse@7.23.1')).toEqual({ ecosystem: 'npm', name: '@babel/traverse', version: '7.23.1' });
    expect(osvPackageOfPurl('pkg:npm/@babel/traverse@7.23.1')).toEqual({ ecosystem: 'npm', name: '@babel/traverse', version: '7.23.1' });
    expect(osvPackageOfPurl('pkg:npm/lodash@4.17.20')).toEqual({ ecosystem: 'npm', name: 'lodash', version: '4.17.20' });
  });

  it('normalizes PyPI names per PEP 503', () => {
    expect(osvPackageOfPurl('pkg:pypi/Typing_Extensions@4.7.1')).toEqual({ ecosystem: 'PyPI', name: 'typing-extensions', version: '4.7.1' });
    expect(normalizePackageName('PyPI', 'Zope.Interface__Extra')).toBe('zope-interface-extra');
    expect(normalizePackageName('pypi', 'Requests')).toBe('requests');
    // Maven names are case-sensitive and kept as written.
    expect(normalizePackageName('Maven', 'org.Example:Artifact')).toBe('org.Example:Artifact');
  });

  it('lowercases npm names, as purls do', () => {
    expect(osvPackageOfPurl('pkg:npm/JSONStream@1.3.5')?.name).toBe('jsonstream');
    expect(normalizePackageName('npm', 'JSONStream')).toBe('jsonstream');
  });

  it('leaves the version out when the purl has none', () => {
    expect(osvPackageOfPurl('pkg:pypi/requests')).toEqual({ ecosystem: 'PyPI', name: 'requests' });
  });

  it('answers null for unknown types, a Maven purl without a group, and what is not a purl', () => {
    expect(osvPackageOfPurl('pkg:cargo/serde@1.0.0')).toBeNull();
    expect(osvPackageOfPurl('pkg:maven/log4j-core@2.14.1')).toBeNull();
    expect(osvPackageOfPurl('requests==2.31.0')).toBeNull();
    expect(osvPackageOfPurl('')).toBeNull();
  });

  it('reads OSV ecosystem strings without regard to case or a repository suffix', () => {
    expect(knownEcosystem('Maven:https://maven.google.com')).toBe('Maven');
    expect(knownEcosystem('pypi')).toBe('PyPI');
    expect(knownEcosystem('crates.io')).toBeUndefined();
    expect(versionsOfEcosystem('NPM')?.name).toBe('npm');
  });
});
