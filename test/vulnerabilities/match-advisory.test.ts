import { describe, expect, it } from 'vitest';
import type { Advisory } from '../../src/vulnerabilities/advisory.js';
import { affectedBy, packageKey, packageKeyOfPurl } from '../../src/vulnerabilities/match-advisory.js';
import { parseOsvRecord } from '../../src/vulnerabilities/parse-osv.js';
import {
  epochAndPostFix,
  lodashTemplateInjection,
  log4Shell,
  requestsProxyLeak,
  requestsProxyLeakPysec,
  semverRedos,
  typingExtensionsUnfixed,
} from './osv-records.js';

/** The versions among `candidates` the advisory flags for the purl prefix (`pkg:pypi/requests@`). */
const flagged = (advisory: Advisory, purlPrefix: string, candidates: readonly string[]) =>
  candidates.filter((version) => affectedBy(advisory, `${purlPrefix}${version}`).affected);

describe('matching PyPI libraries', () => {
  const requests = parseOsvRecord(requestsProxyLeak());

  it('flags exactly the versions in [introduced, fixed), pre-releases of the fix included', () => {
    const candidates = ['2.2.1', '2.3.0rc1', '2.3.0', '2.3.0.post1', '2.28.2', '2.30.0', '2.31.0.dev1', '2.31.0rc1', '2.31.0', '2.31.0.post1', '2.32.3', '1!2.0'];
    expect(flagged(requests, 'pkg:pypi/requests@', candidates)).toEqual(['2.3.0', '2.3.0.post1', '2.28.2', '2.30.0', '2.31.0.dev1', '2.31.0rc1']);
  });

  it('says which interval holds the version', () => {
    expect(affectedBy(requests, 'pkg:pypi/requests@2.30.0')).toEqual({ affected: true, reason: '2.30.0 is in [introduced 2.3.0, fixed 2.31.0)' });
    expect(affectedBy(requests, 'pkg:pypi/requests@2.31.0')).toEqual({ affected: false });
  });

  it('orders epochs first and counts a post-release fix as the fix', () => {
    const advisory = parseOsvRecord(epochAndPostFix());
    const candidates = ['5.0', '2024.1', '1!0.9', '1!1.0', '1!1.4', '1!1.4.post1', '1!1.4.post2', '2!0.1'];
    expect(flagged(advisory, 'pkg:pypi/epochal-pkg@', candidates)).toEqual(['1!1.0', '1!1.4']);
  });

  it('includes last_affected itself and nothing above it', () => {
    const advisory = parseOsvRecord(typingExtensionsUnfixed());
    const candidates = ['3.10.0.2', '4.0.0rc1', '4.0.0', '4.7.1', '4.7.1.post1', '4.7.2', '4.8.0'];
    expect(flagged(advisory, 'pkg:pypi/typing-extensions@', candidates)).toEqual(['4.0.0', '4.7.1']);
    expect(affectedBy(advisory, 'pkg:pypi/typing-extensions@4.7.1').reason).toBe('4.7.1 is in [introduced 4.0.0, last_affected 4.7.1]');
  });

  it('matches names the way PEP 503 normalizes them', () => {
    const advisory = parseOsvRecord(typingExtensionsUnfixed());
    for (const name of ['typing-extensions', 'typing_extensions', 'Typing.Extensions', 'TYPING__EXTENSIONS']) {
      expect(affectedBy(advisory, `pkg:pypi/${name}@4.5.0`).affected, name).toBe(true);
    }
    expect(affectedBy(requests, 'pkg:pypi/Requests@2.30.0').affected).toBe(true);
    expect(affectedBy(requests, 'pkg:pypi/requests-toolbelt@2.30.0').affected).toBe(false);
  });

  it('flags a version in the explicit versions list, in any spelling PEP 440 calls equal', () => {
    const record = requestsProxyLeakPysec();
    record.affected[0]!.ranges = record.affected[0]!.ranges.filter((range) => range.type === 'GIT');
    const advisory = parseOsvRecord(record);
    expect(affectedBy(advisory, 'pkg:pypi/requests@2.29.0')).toEqual({ affected: true, reason: '2.29.0 is listed as an affected version' });
    expect(affectedBy(advisory, 'pkg:pypi/requests@2.29')).toMatchObject({ affected: true });
    expect(affectedBy(advisory, 'pkg:pypi/requests@2.28.0')).toEqual({ affected: false });
  });
});

describe('matching npm libraries', () => {
  const lodash = parseOsvRecord(lodashTemplateInjection());

  it('reads introduced "0" as the very beginning and leaves the fix and later alone', () => {
    const candidates = ['0.1.0', '1.0.0-rc.3', '4.17.20', '4.17.21-beta.1', '4.17.21', '4.17.22', '5.0.0-alpha.1'];
    expect(flagged(lodash, 'pkg:npm/lodash@', candidates)).toEqual(['0.1.0', '1.0.0-rc.3', '4.17.20', '4.17.21-beta.1']);
    expect(affectedBy(lodash, 'pkg:npm/lodash@4.17.20').reason).toBe('4.17.20 is in [introduced 0, fixed 4.17.21)');
  });

  it('matches each affected package by its own name and range', () => {
    expect(affectedBy(lodash, 'pkg:npm/lodash-es@4.17.20').affected).toBe(true);
    expect(affectedBy(lodash, 'pkg:npm/lodash.template@4.5.0').affected).toBe(true);
    expect(affectedBy(lodash, 'pkg:npm/lodash.template@4.5.1').affected).toBe(false);
    expect(affectedBy(lodash, 'pkg:npm/lodash.merge@4.6.0').affected).toBe(false);
    // The same name in another ecosystem is another package.
    expect(affectedBy(lodash, 'pkg:pypi/lodash@4.17.20').affected).toBe(false);
  });

  it('walks several introduced/fixed pairs of one range, whatever order the record lists them in', () => {
    const advisory = parseOsvRecord(semverRedos());
    const candidates = ['5.7.1', '5.7.2', '5.7.2-pre', '6.0.0-rc.1', '6.0.0', '6.3.0', '6.3.1', '7.0.0', '7.5.1', '7.5.2', '7.6.0'];
    expect(flagged(advisory, 'pkg:npm/semver@', candidates)).toEqual(['5.7.1', '5.7.2-pre', '6.0.0', '6.3.0', '7.0.0', '7.5.1']);
    expect(affectedBy(advisory, 'pkg:npm/semver@6.3.0').reason).toBe('6.3.0 is in [introduced 6.0.0, fixed 6.3.1)');
  });

  it('stops at a limit', () => {
    const record = semverRedos();
    record.affected[0]!.ranges = [{ type: 'SEMVER', events: [{ introduced: '1.0.0' }, { limit: '2.0.0' }, { introduced: '3.0.0' }] }];
    const advisory = parseOsvRecord(record);
    expect(flagged(advisory, 'pkg:npm/semver@', ['0.9.0', '1.0.0', '1.9.9', '2.0.0', '3.1.0'])).toEqual(['1.0.0', '1.9.9']);
    expect(affectedBy(advisory, 'pkg:npm/semver@1.9.9').reason).toBe('1.9.9 is in [introduced 1.0.0, no fixed version) below limit 2.0.0');
  });

  it('reads a limit of "*" as no limit', () => {
    const record = semverRedos();
    record.affected[0]!.ranges = [{ type: 'SEMVER', events: [{ introduced: '1.0.0' }, { limit: '*' }] }];
    expect(affectedBy(parseOsvRecord(record), 'pkg:npm/semver@99.0.0').affected).toBe(true);
  });

  it('matches a legacy mixed-case npm name, which purls lowercase', () => {
    const record = semverRedos();
    record.affected[0]!.package = { ecosystem: 'npm', name: 'JSONStream' };
    expect(affectedBy(parseOsvRecord(record), 'pkg:npm/JSONStream@6.0.0').affected).toBe(true);
  });

  it('matches scoped packages by @scope/name', () => {
    const record = semverRedos();
    record.affected[0]!.package = { ecosystem: 'npm', name: '@babel/traverse' };
    const advisory = parseOsvRecord(record);
    expect(affectedBy(advisory, 'pkg:npm/%40babel/traverse@7.0.0').affected).toBe(true);
    expect(affectedBy(advisory, 'pkg:npm/traverse@7.0.0').affected).toBe(false);
  });
});

describe('matching Maven libraries', () => {
  const log4j = parseOsvRecord(log4Shell());

  it('flags both Log4Shell ranges of log4j-core, from 2.0-beta9, and nothing between or after them', () => {
    const candidates = ['1.2.17', '2.0-alpha1', '2.0-beta8', '2.0-beta9', '2.0-rc1', '2.0', '2.12.1', '2.12.2', '2.12.4', '2.13.0', '2.14.1', '2.15.0-rc1', '2.15.0', '2.17.1'];
    expect(flagged(log4j, 'pkg:maven/org.apache.logging.log4j/log4j-core@', candidates)).toEqual([
      '2.0-beta9', '2.0-rc1', '2.0', '2.12.1', '2.13.0', '2.14.1', '2.15.0-rc1',
    ]);
    expect(affectedBy(log4j, 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1').reason).toBe('2.14.1 is in [introduced 2.13.0, fixed 2.15.0)');
  });

  it('needs the group and the artifact to match', () => {
    expect(affectedBy(log4j, 'pkg:maven/org.apache.logging.log4j/log4j-api@2.14.1').affected).toBe(false);
    expect(affectedBy(log4j, 'pkg:maven/org.ops4j.pax.logging/pax-logging-log4j2@1.11.9').affected).toBe(true);
  });

  it('reads Maven versions the Maven way: 2.15 is 2.15.0', () => {
    expect(affectedBy(log4j, 'pkg:maven/org.apache.logging.log4j/log4j-core@2.15').affected).toBe(false);
    expect(affectedBy(log4j, 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14').affected).toBe(true);
  });
});

describe('what is never a finding', () => {
  const requests = parseOsvRecord(requestsProxyLeak());

  it('a withdrawn advisory affects nothing', () => {
    const withdrawn = parseOsvRecord({ ...requestsProxyLeak(), withdrawn: '2023-06-01T00:00:00Z' });
    expect(affectedBy(withdrawn, 'pkg:pypi/requests@2.30.0')).toEqual({ affected: false });
  });

  it('a purl without a version, of an ecosystem we do not order, or not a purl at all', () => {
    expect(affectedBy(requests, 'pkg:pypi/requests')).toEqual({ affected: false });
    expect(affectedBy(requests, 'pkg:cargo/requests@2.30.0')).toEqual({ affected: false });
    expect(affectedBy(requests, 'requests==2.30.0')).toEqual({ affected: false });
  });

  it('a version the ecosystem cannot read, or a range whose bounds it cannot read', () => {
    expect(affectedBy(requests, 'pkg:pypi/requests@not-a-version').affected).toBe(false);
    const record = lodashTemplateInjection();
    record.affected[0]!.ranges = [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '4.17' }] }];
    expect(affectedBy(parseOsvRecord(record), 'pkg:npm/lodash@4.16.0').affected).toBe(false);
  });
});

describe('package keys', () => {
  it('index advisories and purls under the same key', () => {
    expect(packageKey('PyPI', 'Typing_Extensions')).toBe('PyPI:typing-extensions');
    expect(packageKeyOfPurl('pkg:pypi/typing.extensions@4.7.1')).toBe('PyPI:typing-extensions');
    expect(packageKey('Maven', 'org.apache.logging.log4j:log4j-core')).toBe(packageKeyOfPurl('pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1'));
    expect(packageKey('npm', '@babel/traverse')).toBe(packageKeyOfPurl('pkg:npm/%40babel/traverse'));
    expect(packageKey('Maven:https://maven.google.com', 'androidx.core:core')).toBe('Maven:androidx.core:core');
  });

  it('are null for purls we do not match', () => {
    expect(packageKeyOfPurl('pkg:cargo/serde@1.0.0')).toBeNull();
    expect(packageKeyOfPurl('not a purl')).toBeNull();
  });
});
