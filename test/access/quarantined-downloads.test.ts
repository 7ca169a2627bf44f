import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiResponse, callAs, dialects, discardTestRegistry, startTestRegistry, type TestRegistry, tokenFor, uploadBlob } from '../support/test-registry.js';

/**
 * A quarantined version's artifacts are for investigators: once every
 * version holding a blob is quarantined, downloading it needs
 * quarantine.investigate (security admins), and no new version may name it.
 */
describe.each(dialects)('downloads of quarantined artifacts on $name', ({ name: dialect, skip }) => {
  let registry: TestRegistry;
  let users: Record<'contributor' | 'maintainer' | 'approver' | 'security-admin' | 'global-security-admin', string>;
  const versions = '/api/v1/models/alpha/scorer/versions';
  let counter = 0;

  /** A published version (registered by the admin) whose manifest names the given blobs. */
  async function publish(...blobs: { digest: string; size: number }[]): Promise<number> {
    const made = await registry.api('POST', versions, { manifest: blobs.map((b, i) => ({ path: `model/part-${i}.bin`, sha256: b.digest, size: b.size })) });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect((await registry.api('POST', `${versions}/${made.body.number}/publish`, { reason: 'ready' })).status).toBe(200);
    return made.body.number as number;
  }

  async function quarantine(n: number): Promise<void> {
    const pulled = await callAs(registry, users['security-admin'], 'POST', `${versions}/${n}/quarantine`, { reason: 'INC-7: poisoned training data suspected' });
    expect(pulled.status, JSON.stringify(pulled.body)).toBe(200);
  }

  async function release(n: number): Promise<void> {
    const released = await callAs(registry, users['security-admin'], 'POST', `${versions}/${n}/release`, { reason: 'INC-7 cleared' });
    expect(released.status, JSON.stringify(released.body)).toBe(200);
  }

  const fresh = async () => {
    const content = `weights ${dialect} ${++counter}`;
    return { content, ...(await uploadBlob(registry, content)) };
  };
  const download = (token: string, digest: string, method = 'GET') => callAs(registry, token, method, `/api/v1/blobs/${digest}`);
  const expectInvestigatorsOnly = (answer: ApiResponse, who: string) => {
    expect(answer.status, `${who}: ${JSON.stringify(answer.body)}`).toBe(403);
    expect(answer.body, who).toMatchObject({ code: 'forbidden', permission: 'quarantine.investigate' });
  };

  beforeAll(async () => {
    if (skip) return;
    registry = await startTestRegistry(dialect);
    expect((await registry.api('POST', '/api/v1/namespaces', { name: 'alpha' })).status).toBe(201);
    expect((await registry.api('POST', '/api/v1/models', { namespace: 'alpha', name: 'scorer' })).status).toBe(201);
    expect((await registry.api('POST', '/api/v1/namespaces', { name: 'beta' })).status).toBe(201);
    expect((await registry.api('POST', '/api/v1/models', { namespace: 'beta', name: 'ranker' })).status).toBe(201);
    users = {
      contributor: await tokenFor(registry, 'user:dana', [{ role: 'contributor', namespace: 'alpha' }]),
      maintainer: await tokenFor(registry, 'user:mel', [{ role: 'maintainer', namespace: 'alpha' }]),
      approver: await tokenFor(registry, 'user:ava', [{ role: 'approver', namespace: 'alpha' }]),
      'security-admin': await tokenFor(registry, 'user:sec', [{ role: 'security-admin', namespace: 'alpha' }]),
      'global-security-admin': await tokenFor(registry, 'user:ciso', [{ role: 'security-admin' }]),
    };
  });
  afterAll(async () => {
    if (registry) await discardTestRegistry(registry);
  });

  it.skipIf(skip)('refuses a contributor, a maintainer and an approver the blob of a quarantined version, naming quarantine.investigate', async () => {
    const blob = await fresh();
    const n = await publish(blob);
    for (const role of ['contributor', 'maintainer', 'approver'] as const) expect((await download(users[role], blob.digest)).status, `${role} before the quarantine`).toBe(200);
    await quarantine(n);
    for (const role of ['contributor', 'maintainer', 'approver'] as const) {
      expectInvestigatorsOnly(await download(users[role], blob.digest), role);
      expect((await download(users[role], blob.digest, 'HEAD')).status, `${role} asking HEAD`).toBe(403);
    }
  });

  it.skipIf(skip)('lets a security admin, in the namespace or globally, download it to investigate', async () => {
    const blob = await fresh();
    await quarantine(await publish(blob));
    for (const who of ['security-admin', 'global-security-admin'] as const) {
      const answer = await download(users[who], blob.digest);
      expect(answer.status, `${who}: ${JSON.stringify(answer.body)}`).toBe(200);
      expect(answer.body, who).toBe(blob.content);
    }
  });

  it.skipIf(skip)('keeps a blob that a healthy version also holds downloadable, and pulls it once the last holder is quarantined', async () => {
    const shared = await fresh();
    const first = await publish(shared);
    const second = await publish(shared);
    await quarantine(second);
    const answer = await download(users.contributor, shared.digest);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body).toBe(shared.content);
    await quarantine(first);
    expectInvestigatorsOnly(await download(users.contributor, shared.digest), 'contributor once every holder is quarantined');
  });

  it.skipIf(skip)("reads a shared blob only through a namespace with a healthy holder: quarantining alpha's copy shuts alpha's readers out", async () => {
    const shared = await fresh();
    const n = await publish(shared);
    const inBeta = await registry.api('POST', '/api/v1/models/beta/ranker/versions', { manifest: [{ path: 'w.bin', sha256: shared.digest, size: shared.size }] });
    expect(inBeta.status, JSON.stringify(inBeta.body)).toBe(201);
    await quarantine(n);
    // Only beta's healthy copy counts, and alpha's reader may not read beta: the blob is hidden from them, as any blob of another namespace is.
    const shutOut = await download(users.contributor, shared.digest);
    expect(shutOut.status, JSON.stringify(shutOut.body)).toBe(404);
    const betaReader = await tokenFor(registry, 'user:bea', [{ role: 'contributor', namespace: 'beta' }]);
    expect((await download(betaReader, shared.digest)).status).toBe(200);
  });

  it.skipIf(skip)('serves the blob again once the version is released', async () => {
    const blob = await fresh();
    const n = await publish(blob);
    await quarantine(n);
    expectInvestigatorsOnly(await download(users.contributor, blob.digest), 'contributor during the quarantine');
    await release(n);
    for (const role of ['contributor', 'maintainer', 'approver'] as const) expect((await download(users[role], blob.digest)).status, `${role} after the release`).toBe(200);
  });

  it.skipIf(skip)("refuses a quarantine-only blob in a new version's manifest (409 invalid_state), to its readers and the admin alike, until it is released", async () => {
    const blob = await fresh();
    const n = await publish(blob);
    await quarantine(n);
    const manifest = [{ path: 'model/reused.bin', sha256: blob.digest, size: blob.size }];
    for (const [who, token] of [['contributor', users.contributor], ['admin', registry.adminToken]] as const) {
      const named = await callAs(registry, token, 'POST', versions, { manifest });
      expect(named.status, `${who}: ${JSON.stringify(named.body)}`).toBe(409);
      expect(named.body, who).toMatchObject({ code: 'invalid_state', quarantined: [blob.digest] });
    }
    // A healthy blob beside it does not get the manifest through either.
    const healthy = await fresh();
    await publish(healthy);
    expect((await callAs(registry, users.contributor, 'POST', versions, { manifest: [...manifest, { path: 'model/ok.bin', sha256: healthy.digest, size: healthy.size }] })).status).toBe(409);
    await release(n);
    expect((await callAs(registry, users.contributor, 'POST', versions, { manifest })).status).toBe(201);
  });
});
