import { describe, expect, it } from 'vitest';
import { mavenVersions } from '../../src/vulnerabilities/ecosystems/maven.js';

const compare = (a: string, b: string) => Math.sign(mavenVersions.compare(a, b));

function expectAscending(versions: readonly string[]) {
  for (let i = 1; i < versions.length; i++) {
    const [lower, higher] = [versions[i - 1]!, versions[i]!];
    expect(compare(lower, higher), `${lower} < ${higher}`).toBe(-1);
    expect(compare(higher, lower), `${higher} > ${lower}`).toBe(1);
  }
}

function expectEqual(a: string, b: string) {
  expect(compare(a, b), `${a} = ${b}`).toBe(0);
  expect(compare(b, a), `${b} = ${a}`).toBe(0);
}

describe('Maven version order', () => {
  it('follows the "End Result Examples" of the POM reference', () => {
    expectAscending(['1', '1.1']);
    expectAscending(['1-snapshot', '1', '1-sp']);
    expectAscending(['1-foo2', '1-foo10']);
    expectEqual('1.foo', '1-foo');
    expectAscending(['1-foo', '1-1', '1.1']);
    for (const same of ['1.ga', '1-ga', '1-0', '1.0', '1']) expectEqual(same, '1');
    expectAscending(['1-ga', '1-sp']);
    expectAscending(['1-ga.1', '1-sp.1']);
    expectAscending(['1-sp-1', '1-ga-1']);
    expectEqual('1-a1', '1-alpha-1');
    expectEqual('1.0-alpha1', '1.0-ALPHA1');
    expectAscending(['1.K', '1.7']);
    expectAscending(['5.aardvark', '5.zebra']);
    expectAscending(['1.b', '1.α']);
  });

  it('trims trailing null values as the "Trimming Examples" show', () => {
    for (const [long, short] of [
      ['1.0.0', '1'],
      ['1.ga', '1'],
      ['1.final', '1'],
      ['1.0', '1'],
      ['1.', '1'],
      ['1-', '1'],
      ['1.0.0-foo.0.0', '1-foo'],
      ['1.0.0-0.0.0', '1'],
    ] as const) {
      expectEqual(long, short);
    }
  });

  it('orders the well-known qualifiers alpha < beta < milestone < rc = cr < snapshot < release < sp < anything else', () => {
    expectAscending(['1.0-alpha', '1.0-beta', '1.0-milestone', '1.0-rc', '1.0-snapshot', '1.0', '1.0-sp', '1.0-abc', '1.0-xyz']);
    expectEqual('1.0-rc1', '1.0-cr1');
    for (const release of ['1.0-ga', '1.0-final', '1.0-release', '1.0-GA']) expectEqual(release, '1.0');
  });

  it('reads a, b and m as alpha, beta and milestone only when a number follows', () => {
    expectEqual('1.0-a1', '1.0-alpha1');
    expectEqual('1.0-b2', '1.0-beta2');
    expectEqual('1.0-m3', '1.0-milestone3');
    // Without a number, "a" is an unknown qualifier: after the release and even after sp.
    expectAscending(['1.0', '1.0-sp', '1.0-a']);
  });

  it('sorts the qualifier list of Maven ComparableVersion tests', () => {
    expectAscending([
      'NotAVersionSting',
      '1.0a1-SNAPSHOT',
      '1.0-alpha1',
      '1.0beta1-SNAPSHOT',
      '1.0-b2',
      '1.0-beta3.SNAPSHOT',
      '1.0-beta3',
      '1.0-milestone1-SNAPSHOT',
      '1.0-m2',
      '1.0-rc1-SNAPSHOT',
      '1.0-cr1',
      '1.0-SNAPSHOT',
      '1.0',
      '1.0-sp',
      '1.0-a',
      '1.0-whatever',
      '1.0.z',
      '1.0.1',
      '1.0.1.0.0.0.0.0.0.0.0.0.0.0.1',
    ]);
  });

  it('sorts the number list of Maven ComparableVersion tests', () => {
    expectAscending([
      '2.0', '2.0.a', '2-1', '2.0.2', '2.0.123', '2.1.0', '2.1-a', '2.1b', '2.1-c', '2.1-1', '2.1.0.1', '2.2', '2.123',
      '11.a2', '11.a11', '11.b2', '11.b11', '11.m2', '11.m11', '11', '11.a', '11b', '11c', '11m',
    ]);
  });

  it('weighs a qualifier after a dot like one after a hyphen: 1.0.RC2 < 1.0-RC3 < 1.0.1', () => {
    expectAscending(['1.0.RC2', '1.0-RC3', '1.0.1']);
    expectAscending(['1.0.0.RC1', '1.0.0-RC2']);
  });

  it('compares numbers of any length numerically, ignoring leading zeros', () => {
    expectAscending(['1.9', '1.10', '1.99999999999999999999', '1.100000000000000000000']);
    expectEqual('1.010', '1.10');
  });

  it('orders the real versions of log4j-core around the Log4Shell ranges', () => {
    expectAscending(['2.0-alpha1', '2.0-beta8', '2.0-beta9', '2.0-rc1', '2.0', '2.0.1', '2.12.1', '2.12.2', '2.13.0', '2.14.1', '2.15.0-rc1', '2.15.0']);
  });

  it('accepts any printable version and refuses empty ones, whitespace and control characters', () => {
    expect(mavenVersions.isValid('2.0-beta9')).toBe(true);
    expect(mavenVersions.isValid('NotAVersionSting')).toBe(true);
    expect(mavenVersions.isValid('')).toBe(false);
    expect(mavenVersions.isValid('1.0 beta')).toBe(false);
    expect(mavenVersions.isValid('1.0\u0000')).toBe(false);
    expect(mavenVersions.isValid('1'.repeat(257))).toBe(false);
  });
});
