import { describe, expect, it } from 'vitest';
import { cvss3BaseScore } from '../../src/vulnerabilities/cvss3.js';
import { advisorySeverity, severityOfScore } from '../../src/vulnerabilities/severity.js';

describe('CVSS v3.x base scores', () => {
  // Vectors with the base scores NVD and GitHub publish for them.
  it.each([
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 9.8, 'the classic unauthenticated remote code execution'],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N', 6.1, 'reflected cross-site scripting'],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H', 10.0, 'CVE-2021-44228, Log4Shell'],
    ['CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H', 7.2, 'CVE-2021-23337, lodash template injection'],
    ['CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:H/I:N/A:N', 6.1, 'CVE-2023-32681, requests proxy header leak'],
    ['CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:H/I:N/A:N', 6.8, 'CVE-2020-28498, elliptic (the OSV schema example)'],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H', 7.5, 'a remote denial of service'],
    ['CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H', 7.8, 'a local privilege escalation'],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N', 5.3, 'a remote information leak'],
    ['CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:L/I:N/A:N', 3.3, 'a local information leak'],
    ['CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 9.8, 'a CVSS 3.0 vector'],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N', 0.0, 'no impact at all'],
  ])('scores %s as %d (%s)', (vector, score) => {
    expect(cvss3BaseScore(vector)).toBe(score);
  });

  it('ignores temporal and environmental metrics for the base score', () => {
    expect(cvss3BaseScore('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P/RL:O/RC:C/CR:H/MAV:L')).toBe(9.8);
  });

  it.each([
    ['AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 'no CVSS prefix'],
    ['CVSS:2.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 'another version'],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H', 'a base metric missing'],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:X', 'a value the metric does not have'],
    ['CVSS:3.1/AV:N/AV:L/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 'a metric given twice'],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/ZZ:Q', 'an unknown metric'],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/', 'a trailing slash'],
    ['CVSS:4.0/AV:N/AC:L/AT:N/PR:H/UI:N/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N', 'a CVSS v4 vector'],
  ])('refuses %s (%s)', (vector) => {
    expect(cvss3BaseScore(vector)).toBeUndefined();
  });
});

describe('severity of an advisory', () => {
  it('maps scores to the CVSS v3.1 qualitative ratings at their edges', () => {
    expect([0, 0.1, 3.9, 4.0, 6.9, 7.0, 8.9, 9.0, 10].map(severityOfScore)).toEqual([
      'low', 'low', 'low', 'medium', 'medium', 'high', 'high', 'critical', 'critical',
    ]);
  });

  it('computes the severity from a CVSS v3 vector even when the database states another', () => {
    expect(advisorySeverity([{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }], 'MODERATE')).toEqual({
      severity: 'critical',
      score: 9.8,
    });
  });

  it('takes the highest of several CVSS v3 vectors', () => {
    const scores = [
      { type: 'CVSS_V3', score: 'CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:L/I:N/A:N' },
      { type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H' },
    ] as const;
    expect(advisorySeverity(scores)).toEqual({ severity: 'high', score: 7.5 });
  });

  it('falls back to the database severity for a CVSS v4 vector it does not score', () => {
    const v4 = [{ type: 'CVSS_V4', score: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N' }] as const;
    expect(advisorySeverity(v4, 'CRITICAL')).toEqual({ severity: 'critical' });
    expect(advisorySeverity(v4, 'MODERATE')).toEqual({ severity: 'medium' });
    expect(advisorySeverity(v4)).toEqual({ severity: 'unknown' });
  });

  it('reads an Ubuntu priority when nothing better is there', () => {
    expect(advisorySeverity([{ type: 'Ubuntu', score: 'negligible' }])).toEqual({ severity: 'low' });
    expect(advisorySeverity([{ type: 'Ubuntu', score: 'high' }, { type: 'Ubuntu', score: 'medium' }])).toEqual({ severity: 'high' });
  });

  it('is unknown without scores, and ignores database severities it cannot read', () => {
    expect(advisorySeverity([])).toEqual({ severity: 'unknown' });
    expect(advisorySeverity([], 'SEVERE')).toEqual({ severity: 'unknown' });
    expect(advisorySeverity([], 7)).toEqual({ severity: 'unknown' });
  });
});
