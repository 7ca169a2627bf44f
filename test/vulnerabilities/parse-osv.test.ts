import { describe, expect, it } from 'vitest';
import { RegistryError } from '../../src/errors/registry-error.js';
import { parseOsvRecord } from '../../src/vulnerabilities/parse-osv.js';
import { lodashTemplateInjection, log4Shell, requestsProxyLeak, requestsProxyLeakPysec } from './osv-records.js';

function refusal(value: unknown): RegistryError {
  try {
    parseOsvRecord(value);
  } catch (error) {
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as RegistryError).code).toBe('invalid_request');
    return error as RegistryError;
  }
  throw new Error('the record was accepted');
}

describe('parsing OSV records', () => {
  it('keeps what matching and reporting need from a GitHub advisory, and drops the rest', () => {
    const advisory = parseOsvRecord(requestsProxyLeak());
    expect(advisory).toEqual({
      id: 'GHSA-j8r2-6x86-q33q',
      modified: '2023-11-08T04:12:13Z',
      published: '2023-05-22T20:36:32Z',
      aliases: ['CVE-2023-32681', 'PYSEC-2023-74'],
      summary: 'Unintended leak of Proxy-Authorization header in requests',
      severity: 'medium',
      score: 6.1,
      affected: [
        { ecosystem: 'PyPI', name: 'requests', ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '2.3.0' }, { fixed: '2.31.0' }] }], versions: [] },
      ],
    });
    expect(advisory).not.toHaveProperty('details');
  });

  it('drops GIT ranges, and the listed versions a kept range already answers', () => {
    const advisory = parseOsvRecord(requestsProxyLeakPysec());
    expect(advisory.affected).toEqual([
      { ecosystem: 'PyPI', name: 'requests', ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '2.3.0' }, { fixed: '2.31.0' }] }], versions: [] },
    ]);
    expect(advisory.severity).toBe('unknown');
  });

  it('keeps listed versions no range covers, once each, and every listed version of an ecosystem it cannot order', () => {
    const record = requestsProxyLeakPysec();
    record.affected[0]!.versions = ['2.2.1', '2.30.0', '2.2.1', '2.31.0'];
    record.affected.push({ package: { ecosystem: 'crates.io', name: 'hyper', purl: 'pkg:cargo/hyper' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '0.14.10' }] }], versions: ['0.14.9'] });
    const advisory = parseOsvRecord(record);
    expect(advisory.affected.map((a) => a.versions)).toEqual([['2.2.1', '2.31.0'], ['0.14.9']]);
  });

  it('drops an affected entry with nothing left to match, or no package', () => {
    const record = {
      id: 'OSV-2020-584',
      modified: '2021-03-09T04:49:05.965964Z',
      affected: [
        {
          package: { ecosystem: 'OSS-Fuzz', name: 'icu' },
          ranges: [{ type: 'GIT', repo: 'https://github.com/unicode-org/icu.git', events: [{ introduced: '6e5755a2' }, { fixed: 'c4345574' }] }],
        },
        { ranges: [{ type: 'GIT', repo: 'https://github.com/unicode-org/icu.git', events: [{ introduced: '0' }] }], versions: ['release-66-1'] },
      ],
    };
    expect(parseOsvRecord(record).affected).toEqual([]);
  });

  it('takes the severity from the CVSS v3 vector, over the database word', () => {
    expect(parseOsvRecord(log4Shell())).toMatchObject({ severity: 'critical', score: 10 });
    expect(parseOsvRecord(lodashTemplateInjection())).toMatchObject({ severity: 'high', score: 7.2 });
  });

  it('reads GitHub severity words when there is no CVSS v3 vector', () => {
    const record = { ...lodashTemplateInjection(), severity: undefined };
    for (const [word, severity] of [['LOW', 'low'], ['MODERATE', 'medium'], ['HIGH', 'high'], ['CRITICAL', 'critical']] as const) {
      const advisory = parseOsvRecord({ ...record, database_specific: { severity: word } });
      expect(advisory.severity).toBe(severity);
      expect(advisory).not.toHaveProperty('score');
    }
  });

  it('scores a severity given per affected package', () => {
    const record = requestsProxyLeak();
    const { severity, ...rest } = record;
    const perPackage = { ...rest, affected: [{ ...record.affected[0]!, severity }] };
    expect(parseOsvRecord(perPackage)).toMatchObject({ severity: 'medium', score: 6.1 });
  });

  it('tolerates fields OSV does not define and nulls older exports wrote', () => {
    const advisory = parseOsvRecord({
      ...requestsProxyLeak(),
      x_vendor_extension: { anything: [1, 2, 3] },
      aliases: null,
      severity: null,
      affected: [{ package: { ecosystem: 'PyPI', name: 'requests' }, versions: ['2.30.0'], ranges: null, ecosystem_specific: { x: 1 } }],
    });
    expect(advisory.aliases).toEqual([]);
    expect(advisory.affected).toEqual([{ ecosystem: 'PyPI', name: 'requests', ranges: [], versions: ['2.30.0'] }]);
  });

  it('keeps a withdrawn time', () => {
    expect(parseOsvRecord({ ...requestsProxyLeak(), withdrawn: '2024-01-01T00:00:00Z' }).withdrawn).toBe('2024-01-01T00:00:00Z');
  });

  it('cuts a long summary to 1000 characters, ellipsis included', () => {
    const summary = parseOsvRecord({ ...requestsProxyLeak(), summary: 'x'.repeat(5000) }).summary!;
    expect(summary).toHaveLength(1000);
    expect(summary.endsWith('…')).toBe(true);
  });

  it('does not cut a summary between the halves of a surrogate pair', () => {
    // The 999th and 1000th code units are the two halves of one emoji: the cut falls before it.
    const summary = parseOsvRecord({ ...requestsProxyLeak(), summary: `${'x'.repeat(998)}${'😀'.repeat(10)}` }).summary!;
    expect(summary).toBe(`${'x'.repeat(998)}…`);
  });
});

describe('refusing malformed OSV records', () => {
  it('refuses what is not an object', () => {
    expect(refusal([]).message).toBe('The OSV record is not a JSON object');
    expect(refusal('GHSA-j8r2-6x86-q33q').message).toBe('The OSV record is not a JSON object');
    expect(refusal(null).message).toBe('The OSV record is not a JSON object');
  });

  it('names the missing required fields', () => {
    const error = refusal({ summary: 'nothing else' });
    expect(error.message).toMatch(/^The OSV record is not valid: /);
    expect(error.extensions.violations).toEqual(expect.arrayContaining(['id is required', 'modified is required']));
  });

  it('names the field and the record when a package has no name', () => {
    const record = requestsProxyLeak();
    record.affected[0]!.package = { ecosystem: 'PyPI' } as never;
    const error = refusal(record);
    expect(error.message).toBe('The OSV record GHSA-j8r2-6x86-q33q is not valid: affected[0].package.name is required');
  });

  it('refuses an event with two kinds, a range with no introduced event, and fixed beside last_affected', () => {
    const record = requestsProxyLeak();
    record.affected[0]!.ranges = [
      { type: 'ECOSYSTEM', events: [{ introduced: '1.0', fixed: '1.2' } as never] },
      { type: 'ECOSYSTEM', events: [{ fixed: '2.31.0' }] },
      { type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.0' }, { last_affected: '2.5' } as never] },
    ];
    expect(refusal(record).extensions.violations).toEqual([
      'affected[0].ranges[0].events[0] must have exactly one of introduced, fixed, last_affected, limit',
      'affected[0].ranges[1].events must contain an introduced event',
      'affected[0].ranges[2].events must not hold both fixed and last_affected events',
    ]);
  });

  it('refuses unknown range and severity types, listing the allowed ones', () => {
    const record = requestsProxyLeak();
    record.affected[0]!.ranges = [{ type: 'DATE', events: [{ introduced: '0' }] }];
    record.severity = [{ type: 'CVSS_V5', score: 'whatever' }];
    const violations = refusal(record).extensions.violations as string[];
    expect(violations).toContain('affected[0].ranges[0].type must be one of GIT, SEMVER, ECOSYSTEM');
    expect(violations).toContain('severity[0].type must be one of CVSS_V2, CVSS_V3, CVSS_V4, Ubuntu');
  });

  it('refuses a CVSS_V3 score that is not a CVSS v3 vector', () => {
    const record = requestsProxyLeak();
    record.severity = [{ type: 'CVSS_V3', score: '6.1' }];
    expect(refusal(record).message).toBe('The OSV record GHSA-j8r2-6x86-q33q is not valid: severity[0].score is not a CVSS v3.x vector');
  });

  it('refuses timestamps that are not RFC 3339', () => {
    expect(refusal({ ...requestsProxyLeak(), modified: 'last tuesday' }).extensions.violations).toEqual([
      expect.stringMatching(/^modified must match pattern/),
    ]);
  });

  it('refuses ids that are too long or carry characters ids do not have', () => {
    expect(refusal({ ...requestsProxyLeak(), id: 'G'.repeat(201) }).extensions.violations).toEqual(['id must NOT have more than 200 characters']);
    expect(refusal({ ...requestsProxyLeak(), id: '../../etc/passwd' }).extensions.violations).toEqual([expect.stringMatching(/^id must match pattern/)]);
  });

  it('refuses more than 1000 affected entries and more than 10000 versions in one', () => {
    const entry = { package: { ecosystem: 'PyPI', name: 'requests' }, versions: ['1.0'] };
    expect(refusal({ ...requestsProxyLeak(), affected: Array.from({ length: 1001 }, () => entry) }).extensions.violations).toEqual([
      'affected must NOT have more than 1000 items',
    ]);
    const many = { ...entry, versions: Array.from({ length: 10_001 }, (_, i) => `1.${i}`) };
    expect(refusal({ ...requestsProxyLeak(), affected: [many] }).extensions.violations).toEqual(['affected[0].versions must NOT have more than 10000 items']);
  });

  it('lists at most ten violations in the message and says how many more there are', () => {
    const record = requestsProxyLeak();
    record.affected[0]!.ranges = Array.from({ length: 15 }, () => ({ type: 'ECOSYSTEM', events: [{ fixed: '1' }] }));
    const error = refusal(record);
    expect(error.message).toMatch(/ \(and 5 more\)$/);
    expect(error.extensions.violations).toHaveLength(15);
  });
});
