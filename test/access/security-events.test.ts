import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ANOMALY_OPTIONS } from '../../src/security/anomaly-detector.js';
import { type ApiResponse, callAs, dialects, discardTestRegistry, startTestRegistry, type TestRegistry, tokenFor, uploadBlob } from '../support/test-registry.js';

interface SecurityEventView {
  readonly seq: number;
  readonly at: string;
  readonly kind: string;
  readonly principal: string;
  readonly summary: string;
  readonly detail: Record<string, unknown>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(dialects)('security events, on $name', ({ name: dialect, skip }) => {
  let registry: TestRegistry;
  let blob: { digest: string; size: number };
  let securityAdmin: string;
  let auditor: string;
  let viewer: string;

  beforeAll(async () => {
    if (skip) return;
    registry = await startTestRegistry(dialect);
    expect((await registry.api('POST', '/api/v1/namespaces', { name: 'alpha' })).status).toBe(201);
    blob = await uploadBlob(registry, 'alpha weights');
    expect((await registry.api('POST', '/api/v1/models', { namespace: 'alpha', name: 'scorer' })).status).toBe(201);
    const version = await registry.api('POST', '/api/v1/models/alpha/scorer/versions', { manifest: [{ path: 'model/weights.bin', sha256: blob.digest, size: blob.size }] });
    expect(version.status).toBe(201);
    [securityAdmin, auditor, viewer] = await Promise.all([
      tokenFor(registry, 'user:sam-security', [{ role: 'security-admin' }]),
      tokenFor(registry, 'user:aud-auditor', [{ role: 'auditor' }]),
      tokenFor(registry, 'user:vic-viewer', [{ role: 'viewer', namespace: 'alpha' }]),
    ]);
  });
  afterAll(async () => {
    if (registry) await discardTestRegistry(registry);
  });

  /** Events are recorded off the answer's path: ask until one of `kind` for `principal` is there, for up to ~2 s. */
  async function eventFor(principal: string, kind: string): Promise<SecurityEventView> {
    const query = `/api/v1/security/events?principal=${encodeURIComponent(principal)}&kind=${kind}`;
    for (let attempt = 0; attempt < 40; attempt++) {
      const answer = await callAs(registry, securityAdmin, 'GET', query);
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      if (answer.body.items.length > 0) return answer.body.items[0] as SecurityEventView;
      await sleep(50);
    }
    throw new Error(`no ${kind} event for ${principal} within 2 s`);
  }

  async function eventsFor(principal: string, kind: string): Promise<SecurityEventView[]> {
    const answer = await callAs(registry, securityAdmin, 'GET', `/api/v1/security/events?principal=${encodeURIComponent(principal)}&kind=${kind}`);
    return answer.body.items as SecurityEventView[];
  }

  async function changesAbout(principal: string): Promise<ApiResponse> {
    return registry.api('GET', `/api/v1/audit?kind=change&action=security.event_recorded&subject=${encodeURIComponent(`mk:principal:${principal}`)}`);
  }

  describe('a revoked token used again', () => {
    const holder = 'user:mallory';
    let secret: string;

    beforeAll(async () => {
      if (skip) return;
      await registry.api('POST', '/api/v1/bindings', { principal: holder, role: 'viewer', namespace: 'alpha', reason: 'mallory reads alpha' });
      const issued = await registry.api('POST', '/api/v1/tokens', { name: 'mallory-laptop', principal: holder });
      expect(issued.status).toBe(201);
      secret = issued.body.token;
      expect((await callAs(registry, secret, 'GET', '/api/v1/models')).status).toBe(200);
      expect((await registry.api('DELETE', `/api/v1/tokens/${issued.body.id}`)).status).toBe(204);
      const refused = await callAs(registry, secret, 'GET', '/api/v1/models');
      expect(refused.status).toBe(401);
      expect(refused.body).toMatchObject({ code: 'unauthenticated', detail: expect.stringMatching(/revoked/) });
    });

    it.skipIf(skip)('raises revoked_token_used for its holder, naming what was asked for', async () => {
      const event = await eventFor(holder, 'revoked_token_used');
      expect(event).toMatchObject({
        kind: 'revoked_token_used',
        principal: holder,
        summary: `${holder} presented a revoked token`,
        detail: { subject: '/api/v1/models', unreportedUses: 0, windowMs: DEFAULT_ANOMALY_OPTIONS.refusalWindowMs },
      });
      // `at` is when it was recorded in the ledger; `detail.at` when the request was observed, just before.
      expect(Date.parse(event.detail.at as string)).toBeLessThanOrEqual(Date.parse(event.at));
      expect(Date.parse(event.at)).toBeGreaterThan(Date.now() - 60_000);
    });

    it.skipIf(skip)('is readable by a security admin and by an auditor, and refused to a viewer', async () => {
      const path = `/api/v1/security/events?principal=${encodeURIComponent(holder)}`;
      const bySecurity = await callAs(registry, securityAdmin, 'GET', path);
      const byAuditor = await callAs(registry, auditor, 'GET', path);
      expect(bySecurity.status).toBe(200);
      expect(byAuditor.status).toBe(200);
      expect(byAuditor.body.items).toEqual(bySecurity.body.items);
      const byViewer = await callAs(registry, viewer, 'GET', path);
      expect(byViewer.status).toBe(403);
      expect(byViewer.body).toMatchObject({ code: 'forbidden', permission: 'security.read' });
      expect(JSON.stringify(byViewer.body)).not.toContain('revoked token');
    });

    it.skipIf(skip)('is a ledger entry written by the system, with the summary as its reason', async () => {
      const event = await eventFor(holder, 'revoked_token_used');
      const changes = await changesAbout(holder);
      expect(changes.status).toBe(200);
      expect(changes.body.items).toHaveLength(1);
      expect(changes.body.items[0]).toMatchObject({
        kind: 'change',
        seq: event.seq,
        at: event.at,
        actor: 'system',
        action: 'security.event_recorded',
        subject: `mk:principal:${holder}`,
        reason: event.summary,
        payload: { kind: 'revoked_token_used', principal: holder, summary: event.summary, detail: { subject: '/api/v1/models', at: event.detail.at } },
      });
    });

    it.skipIf(skip)('stays quiet while the same holder keeps trying within the window, rather than flooding the log', async () => {
      for (let i = 0; i < 3; i++) expect((await callAs(registry, secret, 'GET', '/api/v1/whoami')).status).toBe(401);
      await sleep(300);
      expect(await eventsFor(holder, 'revoked_token_used')).toHaveLength(1);
      // Three refusals are not yet "repeated".
      expect(await eventsFor(holder, 'repeated_refusals')).toHaveLength(0);
    });

    it.skipIf(skip)('records the refused uses in the access log under the holder, not as anonymous', async () => {
      await registry.server.registry.access.flush();
      const audit = await registry.api('GET', `/api/v1/audit?kind=access&actor=${encodeURIComponent(holder)}`);
      expect(audit.body.items.filter((item: { status: number }) => item.status === 401)).toHaveLength(4);
    });
  });

  describe('repeated refusals', () => {
    const prober = 'user:paul-prober';
    let token: string;

    beforeAll(async () => {
      if (skip) return;
      // Authenticated, but holding no role: every catalog call is refused.
      token = await tokenFor(registry, prober, []);
    });

    it.skipIf(skip)('raises nothing for a few refusals', async () => {
      for (let i = 0; i < DEFAULT_ANOMALY_OPTIONS.refusalThreshold - 1; i++) {
        expect((await callAs(registry, token, 'GET', '/api/v1/models')).status).toBe(403);
      }
      await sleep(300);
      expect(await eventsFor(prober, 'repeated_refusals')).toEqual([]);
    });

    it.skipIf(skip)('raises repeated_refusals at the tenth refused request within the window', async () => {
      const tenth = await callAs(registry, token, 'POST', '/api/v1/models', { namespace: 'alpha', name: 'sneaky' });
      expect(tenth.status).toBe(404);
      const event = await eventFor(prober, 'repeated_refusals');
      expect(event).toMatchObject({
        principal: prober,
        summary: `${prober} was refused 10 times within 5 minutes`,
        detail: { refusals: 10, windowMs: 300_000, lastSubject: '/api/v1/models', firstRefusalAt: expect.any(String) },
      });
      expect(Date.parse(event.detail.firstRefusalAt as string)).toBeLessThanOrEqual(Date.parse(event.at));
      const changes = await changesAbout(prober);
      expect(changes.body.items.map((item: { payload: { kind: string } }) => item.payload.kind)).toEqual(['repeated_refusals']);
    });

    it.skipIf(skip)('does not raise it again for more refusals in the same window', async () => {
      for (let i = 0; i < 5; i++) expect((await callAs(registry, token, 'GET', '/api/v1/models')).status).toBe(403);
      await sleep(300);
      expect(await eventsFor(prober, 'repeated_refusals')).toHaveLength(1);
    });

    it.skipIf(skip)('does not count successful requests as refusals', async () => {
      for (let i = 0; i < DEFAULT_ANOMALY_OPTIONS.refusalThreshold + 2; i++) expect((await callAs(registry, viewer, 'GET', '/api/v1/models')).status).toBe(200);
      await sleep(300);
      expect(await eventsFor('user:vic-viewer', 'repeated_refusals')).toEqual([]);
    });
  });

  describe('a download spike', () => {
    // The server's detector cannot be configured (startServer passes no detector), so this
    // exercises the default: with no history, the floor of minDownloads in the hour applies.
    const downloader = 'user:dora-downloader';
    let token: string;

    beforeAll(async () => {
      if (skip) return;
      token = await tokenFor(registry, downloader, [{ role: 'contributor', namespace: 'alpha' }]);
    });

    it.skipIf(skip)(`raises download_spike when a principal with no history downloads ${DEFAULT_ANOMALY_OPTIONS.minDownloads} artifacts in an hour`, async () => {
      const download = async () => {
        const response = await fetch(`${registry.url}/api/v1/blobs/${blob.digest}`, { headers: { authorization: `Bearer ${token}` } });
        expect(response.status).toBe(200);
        expect(await response.text()).toBe('alpha weights');
      };
      for (let i = 0; i < DEFAULT_ANOMALY_OPTIONS.minDownloads - 1; i++) await download();
      await sleep(300);
      expect(await eventsFor(downloader, 'download_spike')).toEqual([]);
      await download();
      const event = await eventFor(downloader, 'download_spike');
      expect(event).toMatchObject({
        principal: downloader,
        summary: expect.stringContaining(`${downloader} downloaded ${DEFAULT_ANOMALY_OPTIONS.minDownloads} artifacts in the hour starting`),
        detail: { downloads: DEFAULT_ANOMALY_OPTIONS.minDownloads, threshold: DEFAULT_ANOMALY_OPTIONS.minDownloads, baselinePerBucket: 'none' },
      });
    });
  });
});
