import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdvisoryImportProgress, type AlertEvent, MAX_ADVISORIES_PER_BATCH, ModelKeepApiError, ModelKeepClient, signWebhook, verifyWebhook } from '../../src/sdk/index.js';
import { sseFrames } from '../../src/sdk/sse-frames.js';
import { dialects, discardTestRegistry, startTestRegistry, type TestRegistry, tokenFor, uploadBlob } from '../support/test-registry.js';
import { failure } from './expect-api-error.js';

const lib = (purl: string) => `mk:library:${purl}`;

/** Made up, shaped after GitHub's records: a PyPI range with a CVSS v3.1 vector (6.1, medium). */
const requestsAdvisory = (modified = '2024-01-01T00:00:00Z') => ({
  id: 'GHSA-sdk-test-0001',
  modified,
  aliases: ['CVE-2099-0001'],
  summary: 'requests leaks a header',
  severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:H/I:N/A:N' }],
  affected: [{ package: { ecosystem: 'PyPI', name: 'requests' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.31.0' }] }] }],
});
/** Made up: n advisories on packages nothing uses, to fill batches. */
const filler = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `OSV-fill-${i}`, modified: '2024-01-01T00:00:00Z', affected: [{ package: { ecosystem: 'npm', name: `unused-${i}` }, versions: ['1.0.0'] }] }));

async function* chunks(...parts: string[]): AsyncGenerator<string> {
  yield* parts;
}

describe('server-sent event frames', () => {
  it('reads frames split anywhere, CRLF or CR line ends, comments and multi-line data', async () => {
    const frames = [];
    for await (const frame of sseFrames(chunks(': keep-alive\r\n\r', '\nid: 7\nevent: risk.tier_raised\ndata: {"a":', '1}\r\rdata: one\ndata: two\n\n', 'data: cut off'))) frames.push(frame);
    expect(frames).toEqual([
      { id: '7', event: 'risk.tier_raised', data: '{"a":1}' },
      // The id is the stream's last event id: it carries over to frames without one.
      { id: '7', event: undefined, data: 'one\ntwo' },
    ]);
  });
});

describe.each(dialects)('dependency and risk APIs against a real registry on $name', ({ name: dialect, skip }) => {
  let registry: TestRegistry;
  let admin: ModelKeepClient;
  /** A viewer in fraud only. */
  let vera: ModelKeepClient;

  const clientFor = (token: string) => new ModelKeepClient({ baseUrl: registry.url, token });

  async function publish(model: string, metadata: Record<string, unknown>): Promise<number> {
    const blob = await uploadBlob(registry, `weights ${Math.random()}`);
    const version = await admin.versions.register({ namespace: 'fraud', name: model }, { manifest: [{ path: 'model.onnx', sha256: blob.digest, size: blob.size }], license: 'Apache-2.0', ...metadata });
    await admin.versions.publish({ namespace: 'fraud', model, number: version.number });
    return version.number;
  }

  beforeAll(async () => {
    if (skip) return;
    registry = await startTestRegistry(dialect);
    admin = clientFor(registry.adminToken);
    for (const ns of ['fraud', 'credit']) await admin.namespaces.create({ name: ns });
    for (const model of ['scorer', 'distilled']) await admin.models.create({ namespace: 'fraud', name: model });
    await admin.models.create({ namespace: 'credit', name: 'pd' });
    await publish('scorer', { datasets: [{ urn: 'mk:dataset:fraud/transactions@2024-06', role: 'train' }], environment: { libraries: ['pkg:pypi/requests@2.30.0'] } });
    await publish('distilled', { baseModel: 'mk:version:fraud/scorer@1', environment: { libraries: ['pkg:pypi/torch@2.3.1'] } });
    vera = clientFor(await tokenFor(registry, 'user:vera', [{ role: 'viewer', namespace: 'fraud' }]));
  });

  afterAll(async () => {
    if (registry) await discardTestRegistry(registry);
  });

  it.skipIf(skip)('walks the lineage, explains paths and finds the blast radius, URNs with slashes, colons and @ included', async () => {
    const up = await admin.lineage.get('mk:version:fraud/distilled@1', { direction: 'upstream', depth: 2 });
    expect(up.root).toBe('mk:version:fraud/distilled@1');
    expect(up.nodes).toContainEqual(expect.objectContaining({ urn: lib('pkg:pypi/requests@2.30.0'), direction: 'upstream', via: { urn: 'mk:version:fraud/scorer@1', type: 'dependsOn' } }));
    const datasets = await admin.lineage.get('mk:model:fraud/distilled', { direction: 'upstream', kinds: ['dataset'], edgeTypes: ['derivedFrom', 'trainedOn'] });
    expect(datasets.nodes.map((n) => n.urn)).toEqual(['mk:dataset:fraud/transactions@2024-06']);

    const why = await admin.lineage.paths('mk:model:fraud/distilled', lib('pkg:pypi/requests'));
    expect(why).toMatchObject({ connected: true, paths: [{ nodes: ['mk:version:fraud/distilled@1', 'mk:version:fraud/scorer@1', lib('pkg:pypi/requests@2.30.0')], edges: ['derivedFrom', 'dependsOn'] }] });
    expect(await admin.lineage.paths('mk:model:fraud/scorer', lib('pkg:pypi/torch'))).toMatchObject({ connected: false, paths: [] });

    const impact = await admin.lineage.impact(lib('pkg:pypi/requests'));
    expect(impact).toMatchObject({ urn: lib('pkg:pypi/requests'), models: 2, total: 2, filters: { stage: null, environment: null } });
    expect((await admin.lineage.impact(lib('pkg:pypi/requests'), { stage: 'production' })).affected).toEqual([]);

    expect(await failure(admin.lineage.get('mk:dataset:fraud/nothing'))).toMatchObject({ code: 'not_found', status: 404 });
    expect(await failure(admin.lineage.get('not-a-urn'))).toMatchObject({ code: 'invalid_request' });
    expect(await failure(admin.lineage.get(lib('pkg:pypi/requests'), { kinds: ['spaceship' as 'dataset'] }))).toMatchObject({ code: 'invalid_request' });
  });

  it.skipIf(skip)('records a node, declares and removes an edge, and reads the node back with where each edge comes from', async () => {
    const featureSet = 'mk:featureset:fraud/card-velocity';
    expect(await admin.lineage.recordNode(featureSet, { owner: 'ana@example.com', sensitivity: 'high', pii: true }, 'documented')).toEqual({ urn: featureSet, kind: 'featureset', created: true });
    expect((await admin.lineage.recordNode(featureSet, { owner: 'ana@example.com' })).created).toBe(false);
    expect(await admin.lineage.addEdge({ from: 'mk:version:fraud/scorer@1', type: 'uses', to: featureSet }, 'read at serving time')).toEqual({ from: 'mk:version:fraud/scorer@1', type: 'uses', to: featureSet, origin: 'declared' });
    expect(await failure(admin.lineage.addEdge({ from: 'mk:version:fraud/scorer@1', type: 'uses', to: featureSet }))).toMatchObject({ code: 'already_exists' });

    const node = await admin.lineage.getNode(featureSet);
    expect(node).toMatchObject({ kind: 'featureset', described: true, attributes: { owner: 'ana@example.com' }, incoming: [{ type: 'uses', from: 'mk:version:fraud/scorer@1', origin: 'declared' }] });
    const version = await admin.lineage.getNode('mk:version:fraud/scorer@1');
    expect(version.outgoing).toContainEqual({ type: 'dependsOn', to: lib('pkg:pypi/requests@2.30.0'), origin: { derivedFrom: 'mk:version:fraud/scorer@1' } });

    expect(await failure(admin.lineage.removeEdge({ from: 'mk:version:fraud/scorer@1', type: 'dependsOn', to: lib('pkg:pypi/requests@2.30.0') }))).toMatchObject({ code: 'invalid_state' });
    expect(await admin.lineage.removeEdge({ from: 'mk:version:fraud/scorer@1', type: 'uses', to: featureSet })).toEqual({ removed: true });
    expect(await failure(admin.lineage.recordNode('mk:model:fraud/scorer', {}))).toMatchObject({ code: 'invalid_request' });
    expect(await failure(vera.lineage.recordNode('mk:dataset:fraud/other', { owner: 'vera@example.com' }))).toMatchObject({ code: 'forbidden' });
  });

  it.skipIf(skip)('imports advisories in batches with progress, stops at a batch the server refuses, and flags the versions using them', async () => {
    const seen: AdvisoryImportProgress[] = [];
    const totals = await admin.advisories.import([requestsAdvisory(), ...filler(4)], { batchSize: 2, onProgress: (progress) => seen.push(progress) });
    expect(totals).toEqual({ sent: 5, batches: 3, imported: 5, updated: 0, unchanged: 0, findings: 1 });
    expect(seen.map((p) => p.sent)).toEqual([2, 4, 5]);

    // An async source, and a second import of the same records: nothing changes.
    async function* again() {
      yield requestsAdvisory();
      yield* filler(4);
    }
    expect(await admin.advisories.import(again())).toMatchObject({ batches: 1, imported: 0, unchanged: 5 });
    expect(await admin.advisories.import([requestsAdvisory('2024-02-01T00:00:00Z')])).toMatchObject({ updated: 1 });

    const progress: number[] = [];
    const refused = await failure(admin.advisories.import([...filler(2), { id: 'BROKEN', modified: 'never' }, ...filler(6)], { batchSize: 2, onProgress: (p) => progress.push(p.sent) }));
    expect(refused).toMatchObject({ code: 'invalid_request', status: 400 });
    expect(refused.detail).toContain('advisories[0] (BROKEN)');
    expect(progress).toEqual([2]);
    await expect(admin.advisories.import([], { batchSize: MAX_ADVISORIES_PER_BATCH + 1 })).rejects.toThrow(RangeError);
    expect(await admin.advisories.import([])).toMatchObject({ sent: 0, batches: 0 });

    const detail = await admin.advisories.get('GHSA-sdk-test-0001');
    expect(detail).toMatchObject({ advisory: { id: 'GHSA-sdk-test-0001', severity: 'medium', score: 6.1, modified: '2024-02-01T00:00:00Z' }, affectedLibraries: [{ library: lib('pkg:pypi/requests@2.30.0') }] });
    expect(await failure(admin.advisories.get('GHSA-none'))).toMatchObject({ code: 'not_found' });

    expect(await admin.advisories.deprecate('pkg:pypi/torch', 'unmaintained here', 'pkg:pypi/jax')).toEqual({ target: 'pkg:pypi/torch', reason: 'unmaintained here', replacement: 'pkg:pypi/jax', libraries: 1 });
    expect(await admin.advisories.deprecations()).toEqual([expect.objectContaining({ purl: 'pkg:pypi/torch', replacement: 'pkg:pypi/jax', deprecatedBy: 'user:admin' })]);
    expect(await failure(admin.advisories.deprecate('torch', 'no purl'))).toMatchObject({ code: 'invalid_request' });

    const scorer = await admin.advisories.findings('fraud/scorer@1');
    expect(scorer).toMatchObject({ version: 'fraud/scorer@1', libraries: 1, vulnerabilities: [{ advisory: 'GHSA-sdk-test-0001', severity: 'medium', aliases: ['CVE-2099-0001'] }], deprecated: [], license: { expression: 'Apache-2.0', verdict: { status: 'allowed' } } });
    expect((await admin.advisories.findings({ namespace: 'fraud', model: 'distilled', number: 1 })).deprecated).toEqual([{ library: lib('pkg:pypi/torch@2.3.1'), reason: 'unmaintained here', replacement: 'pkg:pypi/jax' }]);
    await expect(admin.advisories.findings('fraud/scorer')).rejects.toThrow(TypeError);
  });

  it.skipIf(skip)('sets the rubric and the license policy, refusing malformed ones whole, and rescores', async () => {
    const builtin = await admin.risk.rubric();
    expect(builtin).toMatchObject({ from: 'builtin', revision: 0, updatedAt: null, document: { tiers: { medium: 25, high: 50, critical: 75 } } });
    expect(builtin.source).toContain('# ModelKeep risk rubric.');

    const bad = await failure(admin.risk.setRubric({ source: 'signals:\n  luck: { weight: 1 }\n' }));
    expect(bad).toMatchObject({ code: 'invalid_policy', status: 422 });
    expect((bad.problem.violations as string[]).length).toBeGreaterThan(1);
    expect(await failure(vera.risk.setRubric({ document: { signals: { vulnerabilities: { weight: 1 } }, tiers: { medium: 10, high: 20, critical: 30 } } }))).toMatchObject({ code: 'forbidden' });

    const set = await admin.risk.setRubric({ document: { signals: { vulnerabilities: { weight: 1 } }, tiers: { medium: 10, high: 20, critical: 30 } } }, 'vulnerabilities only');
    expect(set).toMatchObject({ revision: 1, rescored: { scored: 3 } });
    expect(await admin.risk.rubric()).toMatchObject({ from: 'set', revision: 1, updatedBy: 'user:admin', document: { signals: { vulnerabilities: { weight: 1 } } } });
    expect(await admin.risk.rubricHistory()).toEqual([expect.objectContaining({ actor: 'user:admin', reason: 'vulnerabilities only' })]);

    expect(await admin.risk.licensePolicy()).toMatchObject({ from: 'builtin', source: null });
    expect(await failure(admin.risk.setLicensePolicy({ source: '{"denied": ["NOT-A-LICENSE"]}', format: 'json' }))).toMatchObject({ code: 'invalid_policy' });
    expect(await admin.risk.setLicensePolicy({ source: 'denied: [GPL-3.0-only]\n', format: 'yaml' })).toMatchObject({ revision: 1 });
    expect(await admin.risk.licensePolicyHistory()).toHaveLength(1);

    expect(await admin.risk.rescore(['fraud/scorer', { namespace: 'fraud', name: 'distilled' }])).toMatchObject({ scored: 2 });
    expect(await admin.risk.rescore()).toMatchObject({ scored: 3 });
  });

  it.skipIf(skip)("explains a model's score, its health, the portfolio as JSON and as CSV, and incidents", async () => {
    await admin.risk.rescore();
    const risk = await admin.risk.modelRisk('fraud/scorer');
    expect(risk).toMatchObject({ model: 'fraud/scorer', scored: true, rubricRevision: expect.any(Number) });
    expect(risk.contributions.reduce((sum, c) => sum + c.points, 0)).toBeCloseTo(risk.score!, 0);
    expect(risk.history.length).toBeGreaterThan(0);
    expect((await admin.risk.modelRisk('fraud/scorer', { history: 1 })).history).toHaveLength(1);
    expect(await failure(admin.risk.modelRisk('fraud/nothing'))).toMatchObject({ code: 'not_found' });

    const health = await admin.risk.health('fraud/scorer');
    expect(health).toMatchObject({ model: 'fraud/scorer', healthy: health.issues.length === 0 });
    expect(health.errors + health.warnings).toBe(health.issues.length);

    const summary = await admin.risk.summary();
    expect(summary.models).toBe(3);
    expect(Object.keys(summary.byNamespace).sort()).toEqual(['credit', 'fraud']);
    // A viewer of fraud sees only fraud's models.
    expect(Object.keys((await vera.risk.summary()).byNamespace)).toEqual(['fraud']);
    const csv = await vera.risk.summaryCsv({ minTier: 'low' });
    expect(csv.split('\r\n')).toEqual(['namespace,model,tier,score,retraining_required,computed_at,top_reasons', expect.stringMatching(/^fraud,distilled,/), expect.stringMatching(/^fraud,scorer,/), '']);
    expect(await failure(admin.risk.summaryCsv({ tier: 'extreme' as 'low' }))).toMatchObject({ code: 'invalid_request' });

    const opened = await admin.risk.openIncident('fraud/scorer', { kind: 'incident', severity: 'critical', summary: 'approves everything', version: 1 });
    expect(opened).toMatchObject({ namespace: 'fraud', model: 'scorer', number: 1, status: 'open' });
    expect(await admin.risk.incidents('fraud/scorer', { status: 'open' })).toEqual([expect.objectContaining({ id: opened.id, model: 'mk:model:fraud/scorer', version: 1, severity: 'critical', status: 'open', openedBy: 'user:admin' })]);
    expect(await admin.risk.resolveIncident(opened.id, 'rolled back')).toEqual({ id: opened.id, status: 'resolved' });
    expect(await failure(admin.risk.resolveIncident(opened.id, 'again'))).toMatchObject({ code: 'invalid_state' });
    expect(await admin.risk.incidents('fraud/scorer', { status: 'open' })).toEqual([]);
    expect(await failure(admin.risk.openIncident('fraud/scorer', { kind: 'drift', severity: 'low', summary: 'x', version: 9 }))).toMatchObject({ code: 'not_found' });
  });

  it.skipIf(skip)('registers a webhook whose secret verifies signed deliveries, pages events and streams them live', async () => {
    const hook = await admin.alerts.addWebhook({ url: 'https://hooks.example.com/mk', events: ['dependency.vulnerable'], description: 'security channel' });
    expect(hook).toMatchObject({ url: 'https://hooks.example.com/mk', events: ['dependency.vulnerable'], description: 'security channel', secret: expect.stringMatching(/^whsec_/) });
    // What a receiver does with the secret, using the SDK's own exports.
    const body = JSON.stringify({ hello: 'world' });
    const headers = signWebhook(hook.secret, 'evt_1_0', 1_700_000_000, body);
    expect(verifyWebhook(hook.secret, headers, body, { nowSec: 1_700_000_010 })).toEqual({ valid: true, id: 'evt_1_0', timestampSec: 1_700_000_000 });
    expect(verifyWebhook(hook.secret, headers, `${body} `, { nowSec: 1_700_000_010 })).toEqual({ valid: false, reason: 'no_matching_signature' });

    expect(await admin.alerts.webhooks()).toContainEqual(expect.objectContaining({ id: hook.id, active: true, deliveries: { pending: 0, delivered: 0, dead: 0 } }));
    expect(await failure(admin.alerts.addWebhook({ url: 'https://user:pw@hooks.example.com/' }))).toMatchObject({ code: 'invalid_request' });
    expect(await failure(vera.alerts.webhooks())).toMatchObject({ code: 'forbidden' });

    const first = await admin.alerts.events({ type: 'dependency.vulnerable' });
    expect(first.items).toContainEqual(expect.objectContaining({ type: 'dependency.vulnerable', subject: 'mk:advisory:GHSA-sdk-test-0001' }));
    expect((await admin.alerts.events({ after: first.next })).items).toEqual([]);

    // The stream replays from the beginning, then delivers what happens while it is open.
    const stop = new AbortController();
    const received: AlertEvent[] = [];
    const reading = (async () => {
      for await (const event of admin.alerts.stream({ after: -1, type: 'dependency.vulnerable', signal: stop.signal })) {
        received.push(event);
        if (event.subject === 'mk:advisory:GHSA-sdk-live-0002') stop.abort();
      }
    })();
    await waitFor(() => received.length > 0);
    await admin.advisories.import([{ ...requestsAdvisory(), id: 'GHSA-sdk-live-0002' }]);
    await expect(reading).rejects.toBeDefined();
    expect(received.map((e) => e.subject)).toEqual([...first.items.map((e) => e.subject), 'mk:advisory:GHSA-sdk-live-0002']);
    expect(new Set(received.map((e) => e.seq)).size).toBe(received.length);

    const deliveries = await admin.alerts.deliveries(hook.id);
    expect(deliveries).toContainEqual(expect.objectContaining({ type: 'dependency.vulnerable', subject: 'mk:advisory:GHSA-sdk-live-0002' }));
    expect(await admin.alerts.removeWebhook(hook.id)).toEqual({ id: hook.id, active: false });
    expect(await failure(admin.alerts.removeWebhook(hook.id))).toMatchObject({ code: 'not_found' });
    expect(await failure(admin.alerts.removeWebhook('wh_none'))).toBeInstanceOf(ModelKeepApiError);
  });
});

async function waitFor(condition: () => boolean, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
