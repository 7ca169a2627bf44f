import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseVerifierKey } from '../../src/ledger/verifier/index.js';
import { verifyRegistry } from '../../src/verify/verify-registry.js';
import { readAllEntries } from '../support/ledger-check.js';
import { dialects, startTestRegistry, type TestRegistry, uploadBlob } from '../support/test-registry.js';
import { lodashTemplateInjection, requestsProxyLeak } from './osv-records.js';

/*
 * OSV advisories over HTTP on both databases: an import flags exactly the
 * library versions its ranges cover (PEP 440 order for PyPI, SemVer for npm,
 * scoped npm names included), on versions registered before and after it;
 * re-imports are idempotent, revisions move the findings, a bad batch
 * imports nothing, and every table rebuilds exactly from the ledger.
 */

/** GHSA-j8r2-6x86-q33q as published, with its range widened to start at 0 so every older release is in it. */
const requestsAdvisory = () => {
  const record = requestsProxyLeak();
  record.affected[0]!.ranges = [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.31.0' }] }];
  return record;
};

/** Made up (no real advisory names this package): a scoped npm name, which purls write `%40scope`. */
const scopedAdvisory = () => ({
  id: 'GHSA-test-scop-0001',
  modified: '2024-03-01T00:00:00Z',
  published: '2024-03-01T00:00:00Z',
  aliases: [],
  summary: 'Prototype pollution in @scope/pkg',
  database_specific: { severity: 'CRITICAL' },
  affected: [{ package: { ecosystem: 'npm', name: '@scope/pkg' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.0.1' }] }] }],
});

/** The library each version of sec/app records, one per version, in this order. */
const libraries = [
  'pkg:pypi/requests@2.30.0',
  'pkg:pypi/requests@2.31.0',
  'pkg:pypi/requests@2.31.0rc1',
  'pkg:pypi/requests@2.32.0',
  'pkg:npm/lodash@4.17.20',
  'pkg:npm/lodash@4.17.21',
  'pkg:npm/%40scope/pkg@1.0.0',
  'pkg:npm/%40scope/pkg@1.0.1',
  'pkg:pypi/Requests@2.29.0',
] as const;
const versionOf = (purl: (typeof libraries)[number]) => libraries.indexOf(purl) + 1;

describe.each(dialects)('OSV advisories over HTTP ($name)', ({ name, skip }) => {
  let registry: TestRegistry;
  let digest: string;

  const register = async (purls: readonly string[]): Promise<number> => {
    const response = await registry.api('POST', '/api/v1/models/sec/app/versions', { manifest: [{ path: 'model.onnx', sha256: digest, size: 5 }], environment: { libraries: purls } });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return response.body.number as number;
  };
  const findings = async (n: number) => {
    const response = await registry.api('GET', `/api/v1/models/sec/app/versions/${n}/findings`);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body;
  };
  /** Advisory ids each version registered so far is flagged by, keyed by the library it records. */
  const flagged = async (): Promise<Record<string, string[]>> => {
    const out: Record<string, string[]> = {};
    const registered = (await registry.api('GET', '/api/v1/models/sec/app/versions')).body.items.length as number;
    for (const purl of libraries.slice(0, registered)) out[purl] = ((await findings(versionOf(purl))).vulnerabilities as { advisory: string }[]).map((v) => v.advisory);
    return out;
  };
  const importAdvisories = (advisories: unknown[]) => registry.api('POST', '/api/v1/advisories', { advisories });

  beforeAll(async () => {
    if (skip) return;
    registry = await startTestRegistry(name);
    expect((await registry.api('POST', '/api/v1/namespaces', { name: 'sec' })).status).toBe(201);
    expect((await registry.api('POST', '/api/v1/models', { namespace: 'sec', name: 'app' })).status).toBe(201);
    digest = (await uploadBlob(registry, Buffer.from('bytes'))).digest;
    // Every library but the last is registered before any advisory exists.
    for (const purl of libraries.slice(0, -1)) expect(await register([purl])).toBe(versionOf(purl));
  });
  afterAll(async () => registry?.close());

  it.skipIf(skip)('flags exactly the versions a PyPI range and an npm range cover, with the severity, and none of the others', async () => {
    const before = await findings(1);
    expect(before).toMatchObject({ version: 'sec/app@1', libraries: 1, vulnerabilities: [], deprecated: [] });

    const imported = await importAdvisories([requestsAdvisory(), lodashTemplateInjection(), scopedAdvisory()]);
    expect(imported.status, JSON.stringify(imported.body)).toBe(200);
    expect(imported.body).toMatchObject({ imported: 3, updated: 0, unchanged: 0 });
    // 2.30.0 and 2.31.0rc1 (a pre-release sorts before its release), lodash 4.17.20, @scope/pkg 1.0.0.
    expect(imported.body.findings).toBe(4);

    expect(await flagged()).toEqual({
      'pkg:pypi/requests@2.30.0': ['GHSA-j8r2-6x86-q33q'],
      'pkg:pypi/requests@2.31.0': [],
      'pkg:pypi/requests@2.31.0rc1': ['GHSA-j8r2-6x86-q33q'],
      'pkg:pypi/requests@2.32.0': [],
      'pkg:npm/lodash@4.17.20': ['GHSA-35jh-r3h4-6jhm'],
      'pkg:npm/lodash@4.17.21': [],
      'pkg:npm/%40scope/pkg@1.0.0': ['GHSA-test-scop-0001'],
      'pkg:npm/%40scope/pkg@1.0.1': [],
    });

    const requests = (await findings(versionOf('pkg:pypi/requests@2.30.0'))).vulnerabilities[0];
    expect(requests).toMatchObject({
      advisory: 'GHSA-j8r2-6x86-q33q',
      aliases: ['CVE-2023-32681', 'PYSEC-2023-74'],
      library: 'mk:library:pkg:pypi/requests@2.30.0',
      // CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:H/I:N/A:N scores 6.1.
      severity: 'medium',
      summary: 'Unintended leak of Proxy-Authorization header in requests',
    });
    expect(requests.reason).toContain('2.30.0');
    // CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H scores 7.2.
    expect((await findings(versionOf('pkg:npm/lodash@4.17.20'))).vulnerabilities[0]).toMatchObject({ library: 'mk:library:pkg:npm/lodash@4.17.20', severity: 'high' });
    expect((await findings(versionOf('pkg:npm/%40scope/pkg@1.0.0'))).vulnerabilities[0]).toMatchObject({ severity: 'critical' });

    const stored = await registry.api('GET', '/api/v1/advisories/GHSA-j8r2-6x86-q33q');
    expect(stored.status).toBe(200);
    expect(stored.body.affectedLibraries.map((a: { library: string }) => a.library)).toEqual(['mk:library:pkg:pypi/requests@2.30.0', 'mk:library:pkg:pypi/requests@2.31.0rc1']);
    expect((await registry.api('GET', '/api/v1/advisories/GHSA-none-none-none')).status).toBe(404);
  });

  it.skipIf(skip)('skips an advisory imported again unchanged, and moves the findings when a revision moves the fix', async () => {
    const again = await importAdvisories([requestsAdvisory(), lodashTemplateInjection()]);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ imported: 0, updated: 0, unchanged: 2, findings: 3 });

    // The maintainers find 2.31.0 was not enough: the fix moves to 2.32.0.
    const revised = requestsAdvisory();
    revised.modified = '2024-05-20T10:00:00Z';
    revised.affected[0]!.ranges = [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.32.0' }] }];
    const update = await importAdvisories([revised]);
    expect(update.body).toMatchObject({ imported: 0, updated: 1, unchanged: 0, findings: 3 });
    const now = await flagged();
    expect(now['pkg:pypi/requests@2.31.0']).toEqual(['GHSA-j8r2-6x86-q33q']);
    expect(now['pkg:pypi/requests@2.32.0']).toEqual([]);
    expect(now['pkg:pypi/requests@2.30.0']).toEqual(['GHSA-j8r2-6x86-q33q']);

    // An older copy arriving late does not roll the revision back.
    const stale = await importAdvisories([requestsAdvisory()]);
    expect(stale.body).toMatchObject({ unchanged: 1 });
    expect((await flagged())['pkg:pypi/requests@2.31.0']).toEqual(['GHSA-j8r2-6x86-q33q']);
  });

  it.skipIf(skip)('refuses a batch with one malformed record, naming it, and imports nothing of it', async () => {
    const good = { ...scopedAdvisory(), id: 'GHSA-test-good-0002', affected: [{ package: { ecosystem: 'npm', name: 'lodash' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }] }] }] };
    const bad = { id: 'GHSA-test-bad0-0003', modified: 'yesterday', affected: [{ package: { ecosystem: 'PyPI' }, ranges: [{ type: 'ECOSYSTEM', events: [] }] }] };
    const entriesBefore = (await registry.api('GET', '/api/v1/ledger/entries?from=0&to=0')).body.size as number;
    const refused = await importAdvisories([good, bad]);
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe('invalid_request');
    expect(refused.body.detail).toContain('nothing was imported');
    expect(refused.body.violations).toHaveLength(1);
    expect(refused.body.violations[0]).toMatch(/^advisories\[1\] \(GHSA-test-bad0-0003\)/);
    expect((await registry.api('GET', '/api/v1/advisories/GHSA-test-good-0002')).status).toBe(404);
    expect((await registry.api('GET', '/api/v1/ledger/entries?from=0&to=0')).body.size).toBe(entriesBefore);
    expect((await flagged())['pkg:npm/lodash@4.17.21']).toEqual([]);

    expect((await importAdvisories([])).status).toBe(400);
    expect((await importAdvisories(['not an object'])).status).toBe(400);
  });

  it.skipIf(skip)('flags a library registered after the advisory, stored under the canonical purl (PyPI names normalized)', async () => {
    const n = await register(['pkg:pypi/Requests@2.29.0']);
    expect(n).toBe(versionOf('pkg:pypi/Requests@2.29.0'));
    const body = await findings(n);
    expect(body.vulnerabilities).toEqual([expect.objectContaining({ advisory: 'GHSA-j8r2-6x86-q33q', library: 'mk:library:pkg:pypi/requests@2.29.0', severity: 'medium' })]);
  });

  it.skipIf(skip)('shows a deprecated package in the findings of every version using it, and a deprecated single version only in its own', async () => {
    const whole = await registry.api('POST', '/api/v1/library-deprecations', { purl: 'pkg:npm/lodash', reason: 'unmaintained; use the standard library', replacement: 'pkg:npm/lodash-es' });
    expect(whole.status, JSON.stringify(whole.body)).toBe(200);
    expect(whole.body).toMatchObject({ target: 'pkg:npm/lodash', libraries: 2 });
    const one = await registry.api('POST', '/api/v1/library-deprecations', { purl: 'pkg:pypi/requests@2.30.0', reason: 'yanked from PyPI' });
    expect(one.status).toBe(200);

    for (const purl of ['pkg:npm/lodash@4.17.20', 'pkg:npm/lodash@4.17.21'] as const) {
      expect((await findings(versionOf(purl))).deprecated).toEqual([{ library: `mk:library:${purl}`, reason: 'unmaintained; use the standard library', replacement: 'pkg:npm/lodash-es' }]);
    }
    expect((await findings(versionOf('pkg:pypi/requests@2.30.0'))).deprecated).toEqual([{ library: 'mk:library:pkg:pypi/requests@2.30.0', reason: 'yanked from PyPI', replacement: null }]);
    expect((await findings(versionOf('pkg:pypi/requests@2.31.0'))).deprecated).toEqual([]);

    const listed = await registry.api('GET', '/api/v1/library-deprecations');
    expect(listed.body.items.map((i: { purl: string }) => i.purl)).toEqual(['pkg:npm/lodash', 'pkg:pypi/requests@2.30.0']);
    expect((await registry.api('POST', '/api/v1/library-deprecations', { purl: 'not a purl', reason: 'x' })).status).toBe(400);
  });

  it.skipIf(skip)('records each import in the ledger, and every table rebuilds exactly from it (verify finds nothing)', async () => {
    const entries = await readAllEntries(registry.url, registry.adminToken);
    const imports = entries.filter((e) => e.action === 'advisory.imported');
    // Three new, one revision; the unchanged re-imports and the refused batch wrote nothing.
    expect(imports.map((e) => e.subject)).toEqual(['mk:advisory:GHSA-j8r2-6x86-q33q', 'mk:advisory:GHSA-35jh-r3h4-6jhm', 'mk:advisory:GHSA-test-scop-0001', 'mk:advisory:GHSA-j8r2-6x86-q33q']);
    expect(entries.filter((e) => e.action === 'library.deprecated').map((e) => e.subject)).toEqual(['mk:library:pkg:npm/lodash', 'mk:library:pkg:pypi/requests@2.30.0']);

    const { registry: live } = registry.server;
    await live.access.flush();
    await live.writer.idle();
    const report = await verifyRegistry({ store: live.store, key: parseVerifierKey(live.signer.verifierKey), blobRoot: join(registry.dataDir, 'blobs') });
    expect(report.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(report.projections.compared).toBe(true);
    const count = async (table: 'vulnerability_findings' | 'advisories' | 'libraries' | 'library_deprecations') =>
      Number((await live.store.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    expect(await count('advisories')).toBe(3);
    // requests 2.30.0, 2.31.0, 2.31.0rc1 and Requests 2.29.0; lodash 4.17.20; @scope/pkg 1.0.0.
    expect(await count('vulnerability_findings')).toBe(6);
    expect(await count('libraries')).toBe(libraries.length);
    expect(await count('library_deprecations')).toBe(2);
  });

  // Last, so the counts the verify test checks are not moved by it. Failing when written: deprecations are matched
  // to libraries by the purl's text (projectLibraryDeprecated, gatherRiskFacts, the findings route), not by package.
  it.skipIf(skip)('matches a deprecation to the libraries of the same package however the purl spells it (an npm scope as @ or %40, a PyPI name in any case)', async () => {
    // purl-spec: `@` in an npm namespace is percent-encoded, but both spellings parse to the same purl and both are accepted.
    const scoped = await registry.api('POST', '/api/v1/library-deprecations', { purl: 'pkg:npm/@scope/pkg', reason: 'the scope was taken over' });
    expect(scoped.status).toBe(200);
    expect.soft(scoped.body.libraries, 'libraries the scoped deprecation reaches').toBe(2);
    expect.soft((await findings(versionOf('pkg:npm/%40scope/pkg@1.0.0'))).deprecated, 'findings of the %40scope version').toEqual([expect.objectContaining({ library: 'mk:library:pkg:npm/%40scope/pkg@1.0.0' })]);
    // PyPI names compare as PEP 503 normalizes them, as advisory matching already does.
    await registry.api('POST', '/api/v1/library-deprecations', { purl: 'pkg:pypi/requests', reason: 'move to httpx' });
    expect.soft((await findings(versionOf('pkg:pypi/Requests@2.29.0'))).deprecated, 'findings of the Requests version').toEqual([expect.objectContaining({ library: 'mk:library:pkg:pypi/requests@2.29.0' })]);
  });
});
