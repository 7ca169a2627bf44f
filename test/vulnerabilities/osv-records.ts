/*
 * OSV records shaped after real ones (ids, packages, ranges and vectors as
 * published in the GitHub Advisory Database and osv.dev), trimmed of the
 * fields we do not read, plus a few made-up ones for the corners real data
 * rarely shows together. Each test takes a fresh copy.
 */

/** Events as JSON holds them, so that tests may swap in other kinds. */
type Events = Partial<Record<'introduced' | 'fixed' | 'last_affected' | 'limit', string>>[];

/** GHSA-j8r2-6x86-q33q (CVE-2023-32681): requests leaks Proxy-Authorization headers. */
export const requestsProxyLeak = () => ({
  schema_version: '1.4.0',
  id: 'GHSA-j8r2-6x86-q33q',
  modified: '2023-11-08T04:12:13Z',
  published: '2023-05-22T20:36:32Z',
  aliases: ['CVE-2023-32681', 'PYSEC-2023-74'],
  summary: 'Unintended leak of Proxy-Authorization header in requests',
  details: 'Requests is a HTTP library. Since Requests 2.3.0, Requests has been leaking Proxy-Authorization headers …',
  severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:H/I:N/A:N' }],
  affected: [
    {
      package: { ecosystem: 'PyPI', name: 'requests', purl: 'pkg:pypi/requests' },
      ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '2.3.0' }, { fixed: '2.31.0' }] }],
      database_specific: { source: 'https://github.com/github/advisory-database/blob/main/advisories/github-reviewed/2023/05/GHSA-j8r2-6x86-q33q/GHSA-j8r2-6x86-q33q.json' },
    },
  ],
  references: [{ type: 'ADVISORY', url: 'https://nvd.nist.gov/vuln/detail/CVE-2023-32681' }],
  database_specific: { cwe_ids: ['CWE-200'], severity: 'MODERATE', github_reviewed: true, github_reviewed_at: '2023-05-22T20:36:32Z', nvd_published_at: '2023-05-26T18:15:14Z' },
});

/** PYSEC-2023-74, the PyPA database's record of the same flaw: a GIT range and the explicit versions osv.dev expands. */
export const requestsProxyLeakPysec = () => ({
  id: 'PYSEC-2023-74',
  modified: '2023-06-05T01:13:00.962512Z',
  published: '2023-05-26T18:15:00Z',
  aliases: ['CVE-2023-32681', 'GHSA-j8r2-6x86-q33q'],
  details: 'Requests is a HTTP library. …',
  affected: [
    {
      package: { name: 'requests', ecosystem: 'PyPI', purl: 'pkg:pypi/requests' },
      ranges: [
        { type: 'GIT', repo: 'https://github.com/psf/requests', events: [{ introduced: '0' }, { fixed: '74ea7cf7a6a27a4eeb2ae24e162bcc942a6706d5' }] },
        { type: 'ECOSYSTEM', events: [{ introduced: '2.3.0' }, { fixed: '2.31.0' }] },
      ],
      versions: ['2.3.0', '2.4.0', '2.29.0', '2.30.0'],
    },
  ],
});

/** GHSA-35jh-r3h4-6jhm (CVE-2021-23337): command injection in lodash's template; the lodash.template entry with last_affected is ours. */
export const lodashTemplateInjection = () => ({
  schema_version: '1.4.0',
  id: 'GHSA-35jh-r3h4-6jhm',
  modified: '2024-02-20T19:46:11Z',
  published: '2021-05-06T16:05:51Z',
  aliases: ['CVE-2021-23337'],
  summary: 'Command Injection in lodash',
  severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H' }],
  affected: [
    { package: { ecosystem: 'npm', name: 'lodash' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '4.17.21' }] }] },
    { package: { ecosystem: 'npm', name: 'lodash-es' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '4.17.21' }] }] },
    { package: { ecosystem: 'npm', name: 'lodash.template' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { last_affected: '4.5.0' }] }] },
  ],
  database_specific: { cwe_ids: ['CWE-77', 'CWE-94'], severity: 'HIGH', github_reviewed: true },
});

/**
 * Shaped after GHSA-c2qf-rxjj-qqgw (semver ReDoS), whose three release lines
 * are folded here into one SEMVER range with three introduced/fixed pairs, as
 * OSV allows.
 */
export const semverRedos = () => ({
  id: 'GHSA-c2qf-rxjj-qqgw',
  modified: '2024-06-21T21:33:53Z',
  published: '2023-06-21T06:30:28Z',
  aliases: ['CVE-2022-25883'],
  summary: 'semver vulnerable to Regular Expression Denial of Service',
  severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H' }],
  affected: [
    {
      package: { ecosystem: 'npm', name: 'semver' },
      ranges: [
        {
          type: 'SEMVER',
          events: [{ introduced: '7.0.0' }, { fixed: '7.5.2' }, { introduced: '0' }, { fixed: '5.7.2' }, { introduced: '6.0.0' }, { fixed: '6.3.1' }] as Events,
        },
      ],
    },
  ],
  database_specific: { severity: 'MODERATE' },
});

/** GHSA-jfh8-c2jp-5v3q (CVE-2021-44228, Log4Shell): two ranges of log4j-core, one starting at a beta. */
export const log4Shell = () => ({
  id: 'GHSA-jfh8-c2jp-5v3q',
  modified: '2024-07-24T18:36:05Z',
  published: '2021-12-10T00:40:56Z',
  aliases: ['CVE-2021-44228'],
  summary: 'Remote code injection in Log4j',
  severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H' }],
  affected: [
    {
      package: { ecosystem: 'Maven', name: 'org.apache.logging.log4j:log4j-core' },
      ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '2.13.0' }, { fixed: '2.15.0' }] }],
    },
    {
      package: { ecosystem: 'Maven', name: 'org.apache.logging.log4j:log4j-core' },
      ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '2.0-beta9' }, { fixed: '2.12.2' }] }],
    },
    {
      package: { ecosystem: 'Maven', name: 'org.ops4j.pax.logging:pax-logging-log4j2' },
      ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '1.11.0' }, { fixed: '1.11.10' }] }],
    },
  ],
  database_specific: { cwe_ids: ['CWE-20', 'CWE-400', 'CWE-502', 'CWE-917'], severity: 'CRITICAL' },
});

/** Made up: a PyPI package whose name users spell three ways, with only a last affected version known. */
export const typingExtensionsUnfixed = () => ({
  id: 'GHSA-xxxx-typing-ext0',
  modified: '2024-01-02T03:04:05Z',
  summary: 'Hypothetical flaw with no fixed release yet',
  affected: [
    {
      package: { ecosystem: 'PyPI', name: 'typing-extensions' },
      ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '4.0.0' }, { last_affected: '4.7.1' }] }],
    },
  ],
  database_specific: { severity: 'LOW' },
});

/** Made up: PEP 440's corners in one range (an epoch, a post-release fix). */
export const epochAndPostFix = () => ({
  id: 'PYSEC-2099-1',
  modified: '2099-01-01T00:00:00Z',
  affected: [
    {
      package: { ecosystem: 'PyPI', name: 'Epochal_Pkg' },
      ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '1!1.0' }, { fixed: '1!1.4.post1' }] }],
    },
  ],
});
