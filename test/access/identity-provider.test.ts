import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_OIDC_ALGORITHMS, type OidcConfig } from '../../src/identity/oidc-config.js';
import { startTestIdentityProvider, TEST_AUDIENCE, type TestIdentityProvider } from '../support/oidc-provider.js';
import { callAs, dialects, discardTestRegistry, startTestRegistry, type TestRegistry } from '../support/test-registry.js';

const segments = (jwt: string) => jwt.split('.') as [string, string, string];
const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const decode = (segment: string) => JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as Record<string, unknown>;

describe.each(dialects)('the organisation identity provider, on $name', ({ name: dialect, skip }) => {
  let idp: TestIdentityProvider;
  let impostor: TestIdentityProvider;
  let registry: TestRegistry;

  beforeAll(async () => {
    idp = await startTestIdentityProvider({ issuerPath: '/realms/acme' });
    impostor = await startTestIdentityProvider({ keys: idp.keys });
    const oidc: OidcConfig = {
      issuer: idp.issuer,
      audience: [TEST_AUDIENCE],
      algorithms: [...DEFAULT_OIDC_ALGORITHMS],
      principalClaim: 'sub',
      groupsClaim: 'groups',
      clockToleranceSeconds: 0,
      groupBindings: { 'risk-team': [{ role: 'contributor', namespace: 'risk' }], 'ml-admins': [{ role: 'admin', namespace: null }] },
    };
    if (!skip) {
      registry = await startTestRegistry(dialect, { oidc });
      for (const ns of ['risk', 'fraud']) expect((await registry.api('POST', '/api/v1/namespaces', { name: ns })).status).toBe(201);
    }
  });
  afterAll(async () => {
    if (registry) await discardTestRegistry(registry);
    await Promise.all([idp?.close(), impostor?.close()]);
  });

  it.skipIf(skip)('accepts a token it issued and maps its groups to role bindings by configuration', async () => {
    const token = await idp.token({ subject: 'alice', groups: ['risk-team'] });
    const who = await callAs(registry, token, 'GET', '/api/v1/whoami');
    expect(who.status).toBe(200);
    expect(who.body).toMatchObject({ principal: 'user:alice', authenticatedBy: 'oidc', roles: ['contributor'], grants: [{ role: 'contributor', namespace: 'risk', via: 'oidc-group:risk-team' }] });
    expect((await callAs(registry, token, 'POST', '/api/v1/models', { namespace: 'risk', name: 'scorer' })).status).toBe(201);
    const elsewhere = await callAs(registry, token, 'POST', '/api/v1/models', { namespace: 'fraud', name: 'scorer' });
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.body).toMatchObject({ code: 'not_found', detail: 'Namespace fraud does not exist; create it first (POST /api/v1/namespaces)' });
    // The ledger names the person, not a shared account.
    const entries = await registry.api('GET', '/api/v1/audit?subject=mk:model:risk/scorer&kind=change');
    expect(entries.body.items[0]).toMatchObject({ actor: 'user:alice', action: 'model.created' });
  });

  it.skipIf(skip)("honours the registry's own bindings on the provider's groups", async () => {
    const before = await callAs(registry, await idp.token({ subject: 'carol', groups: ['internal-audit'] }), 'GET', '/api/v1/audit?limit=1');
    expect(before.status).toBe(403);
    expect((await registry.api('POST', '/api/v1/bindings', { principal: 'group:internal-audit', role: 'auditor', reason: 'internal audit reads the audit log' })).status).toBe(201);
    const after = await callAs(registry, await idp.token({ subject: 'carol', groups: ['internal-audit'] }), 'GET', '/api/v1/audit?limit=1');
    expect(after.status).toBe(200);
  });

  it.skipIf(skip)('gives a valid token with no mapped group no access beyond its own identity', async () => {
    const token = await idp.token({ subject: 'dave', groups: ['cafeteria'] });
    expect((await callAs(registry, token, 'GET', '/api/v1/whoami')).body).toMatchObject({ principal: 'user:dave', roles: [] });
    expect((await callAs(registry, token, 'GET', '/api/v1/models')).body).toMatchObject({ code: 'forbidden', permission: 'catalog.read' });
    expect((await callAs(registry, token, 'POST', '/api/v1/namespaces', { name: 'dave' })).status).toBe(403);
  });

  describe('refuses with 401', () => {
    const refused = async (token: string, why: RegExp) => {
      const answer = await callAs(registry, token, 'GET', '/api/v1/whoami');
      expect(answer.status).toBe(401);
      expect(answer.body).toMatchObject({ code: 'unauthenticated' });
      expect(answer.body.detail).toMatch(why);
      expect(JSON.stringify(answer.body)).not.toContain(token);
    };

    it.skipIf(skip)('an expired token', async () => {
      const token = await idp.token({ subject: 'erin', groups: ['ml-admins'], ttlSeconds: 1 });
      expect((await callAs(registry, token, 'GET', '/api/v1/whoami')).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      await refused(token, /expired/i);
    });

    it.skipIf(skip)('a token for another audience', async () => {
      await refused(await idp.token({ subject: 'erin', groups: ['ml-admins'], audience: 'https://other.example/api' }), /audience/i);
    });

    it.skipIf(skip)('a token from another issuer, even signed with the same keys', async () => {
      await refused(await impostor.token({ subject: 'erin', groups: ['ml-admins'] }), /not issued by/i);
    });

    it.skipIf(skip)('an unsigned copy of a real token (alg "none")', async () => {
      const [header, payload] = segments(await idp.token({ subject: 'erin', groups: ['ml-admins'] }));
      await refused(`${encode({ ...decode(header), alg: 'none' })}.${payload}.`, /none/);
    });

    it.skipIf(skip)('a real token whose payload was altered to claim more groups', async () => {
      const [header, payload, signature] = segments(await idp.token({ subject: 'erin', groups: ['cafeteria'] }));
      await refused(`${header}.${encode({ ...decode(payload), groups: ['ml-admins'] })}.${signature}`, /signature/i);
    });
  });
});
