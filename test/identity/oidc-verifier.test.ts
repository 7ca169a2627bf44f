import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryError } from '../../src/errors/registry-error.js';
import { DEFAULT_OIDC_ALGORITHMS, type OidcConfig, readOidcConfig } from '../../src/identity/oidc-config.js';
import { identityFromClaims, looksLikeJwt, OidcVerifier } from '../../src/identity/oidc-verifier.js';
import { startTestIdentityProvider, TEST_AUDIENCE, type TestIdentityProvider } from '../support/oidc-provider.js';

const bindings = {
  'ml-admins': [{ role: 'admin' }],
  'risk-team': [{ role: 'contributor', namespace: 'risk' }],
};

let dir: string;
let idp: TestIdentityProvider;
/** Signs with idp's keys under its own issuer. */
let impostor: TestIdentityProvider;
/** Has keys of its own. */
let stranger: TestIdentityProvider;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'modelkeep-oidc-'));
  idp = await startTestIdentityProvider({ issuerPath: '/realms/modelkeep' });
  [impostor, stranger] = await Promise.all([startTestIdentityProvider({ keys: idp.keys }), startTestIdentityProvider()]);
});

afterAll(async () => {
  await Promise.all([idp?.close(), impostor?.close(), stranger?.close()]);
  await rm(dir, { recursive: true, force: true });
});

function configFor(issuer: string, overrides: Partial<OidcConfig> = {}): OidcConfig {
  return {
    issuer,
    audience: [TEST_AUDIENCE],
    algorithms: [...DEFAULT_OIDC_ALGORITHMS],
    principalClaim: 'sub',
    groupsClaim: 'groups',
    clockToleranceSeconds: 5,
    groupBindings: { 'ml-admins': [{ role: 'admin', namespace: null }], 'risk-team': [{ role: 'contributor', namespace: 'risk' }] },
    ...overrides,
  };
}

async function configFile(name: string, content: unknown): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

/** The error an attempt failed with; it must be a RegistryError that does not repeat the token. */
async function refusalOf(attempt: Promise<unknown>, token?: string): Promise<RegistryError> {
  const error = await attempt.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(RegistryError);
  const refusal = error as RegistryError;
  if (token !== undefined) {
    for (const part of token.split('.').filter((segment) => segment.length > 8)) expect(refusal.message).not.toContain(part);
  }
  return refusal;
}

const segmentsOf = (jwt: string): [string, string, string] => jwt.split('.') as [string, string, string];
const decodeSegment = (segment: string): Record<string, unknown> => JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as Record<string, unknown>;
const encodeSegment = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A loopback server that answers every request with the discovery document `document` makes for its own address. */
async function withDiscoveryDocument(document: (issuer: string) => unknown, use: (issuer: string) => Promise<void>): Promise<void> {
  let issuer = '';
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(document(issuer))));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    await use(issuer);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

describe('OidcVerifier against a real OpenID provider', () => {
  it('verifies a provider-issued token with settings read from the environment and maps its groups to role bindings', async () => {
    const config = await readOidcConfig({
      MODELKEEP_OIDC_ISSUER: idp.issuer,
      MODELKEEP_OIDC_AUDIENCE: `https://other.example, ${TEST_AUDIENCE}`,
      MODELKEEP_OIDC_CONFIG: await configFile('bindings.json', { groupBindings: bindings }),
    });
    const token = await idp.token({ subject: 'alice@example.com', groups: ['ml-admins', 'risk-team', 'unmapped'], ttlSeconds: 600 });
    const before = Date.now();

    const identity = await new OidcVerifier(config!).verify(token);

    expect(identity.principal).toBe('user:alice@example.com');
    expect(identity.groups).toEqual(['ml-admins', 'risk-team', 'unmapped']);
    expect(identity.bindings).toEqual([
      { role: 'admin', namespace: null, via: 'oidc-group:ml-admins' },
      { role: 'contributor', namespace: 'risk', via: 'oidc-group:risk-team' },
    ]);
    const expiresIn = Date.parse(identity.expiresAt) - before;
    expect(expiresIn).toBeGreaterThan(590_000);
    expect(expiresIn).toBeLessThanOrEqual(600_000);
  });

  it('gives a token without a groups claim no bindings', async () => {
    const identity = await new OidcVerifier(configFor(idp.issuer)).verify(await idp.token({ subject: 'svc-trainer' }));
    expect(identity).toMatchObject({ principal: 'user:svc-trainer', groups: [], bindings: [] });
  });

  it('grants nothing for groups named after Object prototype members', async () => {
    const groups = ['constructor', '__proto__', 'toString', 'hasOwnProperty'];
    const identity = await new OidcVerifier(configFor(idp.issuer)).verify(await idp.token({ subject: 'mallory', groups }));
    expect(identity.groups).toEqual(groups);
    expect(identity.bindings).toEqual([]);
  });

  it('refuses an expired token and says when it expired', async () => {
    const token = await idp.token({ subject: 'alice', ttlSeconds: 1 });
    await sleep(1_100);
    const refusal = await refusalOf(new OidcVerifier(configFor(idp.issuer, { clockToleranceSeconds: 0 })).verify(token), token);
    expect(refusal.code).toBe('unauthenticated');
    expect(refusal.message).toMatch(/^The token expired at \d{4}-\d\d-\d\dT[\d:.]+Z; get a new one/);
  });

  it('refuses a token minted for another audience and names the audiences it accepts', async () => {
    const token = await idp.token({ subject: 'alice', audience: 'https://another-service.example' });
    const refusal = await refusalOf(new OidcVerifier(configFor(idp.issuer)).verify(token), token);
    expect(refusal.code).toBe('unauthenticated');
    expect(refusal.message).toBe(`The token is meant for another audience; this registry accepts aud ${TEST_AUDIENCE}`);
  });

  it('refuses a token from another issuer even when it is signed with the same keys', async () => {
    const token = await impostor.token({ subject: 'alice', groups: ['ml-admins'] });
    const refusal = await refusalOf(new OidcVerifier(configFor(idp.issuer)).verify(token), token);
    expect(refusal.code).toBe('unauthenticated');
    expect(refusal.message).toBe(`The token was not issued by ${idp.issuer}, the identity provider this registry trusts`);
  });

  it('refuses a token signed with a key the provider does not publish', async () => {
    const token = await stranger.token({ subject: 'alice' });
    const refusal = await refusalOf(new OidcVerifier(configFor(idp.issuer)).verify(token), token);
    expect(refusal.code).toBe('unauthenticated');
    expect(refusal.message).toMatch(new RegExp(`^The token is signed with a key \\(kid [\\w-]+\\) that ${idp.issuer} does not publish`));
  });

  it('refuses an unsigned copy of a real token (alg "none")', async () => {
    const [header, payload] = segmentsOf(await idp.token({ subject: 'alice', groups: ['ml-admins'] }));
    const unsigned = `${encodeSegment({ ...decodeSegment(header), alg: 'none' })}.${payload}.`;
    expect(looksLikeJwt(unsigned)).toBe(true);
    const refusal = await refusalOf(new OidcVerifier(configFor(idp.issuer)).verify(unsigned), unsigned);
    expect(refusal.code).toBe('unauthenticated');
    expect(refusal.message).toMatch(/unsigned \(alg "none"\)/);
  });

  it('refuses a real token whose signature was altered', async () => {
    const [header, payload, signature] = segmentsOf(await idp.token({ subject: 'alice' }));
    // A middle character: the last one of a base64url signature may carry only padding bits.
    const middle = Math.floor(signature.length / 2);
    const altered = `${header}.${payload}.${signature.slice(0, middle)}${signature[middle] === 'A' ? 'B' : 'A'}${signature.slice(middle + 1)}`;
    const refusal = await refusalOf(new OidcVerifier(configFor(idp.issuer)).verify(altered), altered);
    expect(refusal.code).toBe('unauthenticated');
    expect(refusal.message).toBe(`The token's signature does not verify: it was altered, or was not signed by ${idp.issuer}`);
  });

  it('refuses a real token whose payload was altered to add a group', async () => {
    const [header, payload, signature] = segmentsOf(await idp.token({ subject: 'alice', groups: ['risk-team'] }));
    const escalated = `${header}.${encodeSegment({ ...decodeSegment(payload), groups: ['risk-team', 'ml-admins'] })}.${signature}`;
    const refusal = await refusalOf(new OidcVerifier(configFor(idp.issuer)).verify(escalated), escalated);
    expect(refusal.code).toBe('unauthenticated');
    expect(refusal.message).toMatch(/signature does not verify/);
  });

  it('refuses a token signed with an algorithm outside the allow-list', async () => {
    const token = await idp.token({ subject: 'alice' });
    const refusal = await refusalOf(new OidcVerifier(configFor(idp.issuer, { algorithms: ['RS256', 'PS256'] })).verify(token), token);
    expect(refusal.code).toBe('unauthenticated');
    expect(refusal.message).toBe('The token is signed with ES256, which is not accepted here (accepted: RS256, PS256)');
  });

  it('refuses a token without the configured principal claim and says to configure principalClaim', async () => {
    const token = await idp.token({ subject: 'alice' });
    const refusal = await refusalOf(new OidcVerifier(configFor(idp.issuer, { principalClaim: 'email' })).verify(token), token);
    expect(refusal.code).toBe('unauthenticated');
    expect(refusal.message).toMatch(/"email" claim is missing or is not a usable id .* set principalClaim in MODELKEEP_OIDC_CONFIG/);
  });

  it('refuses a groups claim that is not strings and says to configure groupsClaim', async () => {
    const token = await idp.token({ subject: 'alice' });
    const refusal = await refusalOf(new OidcVerifier(configFor(idp.issuer, { groupsClaim: 'iat' })).verify(token), token);
    expect(refusal.code).toBe('unauthenticated');
    expect(refusal.message).toMatch(/"iat" claim is neither a string nor a list of strings; set groupsClaim/);
  });

  it('answers unavailable while the provider is unreachable, and asks it again once it is back', async () => {
    const port = await closedPort();
    const verifier = new OidcVerifier(configFor(`http://127.0.0.1:${port}`));
    const early = await idp.token({ subject: 'alice' });
    const refusal = await refusalOf(verifier.verify(early), early);
    expect(refusal.code).toBe('unavailable');
    expect(refusal.message).toMatch(new RegExp(`^The identity provider http://127.0.0.1:${port} is unreachable .*\\(ECONNREFUSED\\)`));

    const revived = await startTestIdentityProvider({ port });
    try {
      const identity = await verifier.verify(await revived.token({ subject: 'alice', groups: ['ml-admins'] }));
      expect(identity.bindings).toEqual([{ role: 'admin', namespace: null, via: 'oidc-group:ml-admins' }]);
    } finally {
      await revived.close();
    }
  });

  it('refuses to trust a discovery document whose issuer differs from the configured one', async () => {
    // The classic mistake: a trailing slash the provider's issuer does not have.
    const token = await idp.token({ subject: 'alice' });
    const refusal = await refusalOf(new OidcVerifier(configFor(`${idp.issuer}/`)).verify(token), token);
    expect(refusal.code).toBe('unavailable');
    expect(refusal.message).toBe(
      `The discovery document at ${idp.issuer}/.well-known/openid-configuration names the issuer "${idp.issuer}", not "${idp.issuer}/"; ` +
        "set MODELKEEP_OIDC_ISSUER to exactly the provider's issuer (a trailing slash counts)",
    );
  });

  it('refuses a discovery document that sends it for keys over plain http to another host', async () => {
    await withDiscoveryDocument((issuer) => ({ issuer, jwks_uri: 'http://keys.example/jwks' }), async (issuer) => {
      const token = await idp.token({ subject: 'alice' });
      const refusal = await refusalOf(new OidcVerifier(configFor(issuer)).verify(token), token);
      expect(refusal.code).toBe('unavailable');
      expect(refusal.message).toMatch(/has no usable jwks_uri \(https, or http on a loopback host\)/);
    });
  });

  it('answers unavailable when the key set named by discovery cannot be fetched', async () => {
    const keysPort = await closedPort();
    await withDiscoveryDocument((issuer) => ({ issuer, jwks_uri: `http://127.0.0.1:${keysPort}/jwks` }), async (issuer) => {
      const token = await idp.token({ subject: 'alice' });
      const refusal = await refusalOf(new OidcVerifier(configFor(issuer)).verify(token), token);
      expect(refusal.code).toBe('unavailable');
      expect(refusal.message).toBe(`The identity provider ${issuer} did not serve its signing keys (ECONNREFUSED); OIDC sign-in works again once it does`);
    });
  });

  it('refuses malformed and unsigned tokens without asking the provider', async () => {
    // The issuer is unreachable: any attempt to ask it would answer `unavailable`.
    const verifier = new OidcVerifier(configFor(`http://127.0.0.1:${await closedPort()}`));
    const [, payload] = segmentsOf(await idp.token({ subject: 'alice' }));
    for (const token of ['mk_notajwt', 'abc.def.ghi', `${encodeSegment({ alg: 'none' })}.${payload}.`, `${encodeSegment({ alg: 'HS256' })}.${payload}.c2ln`]) {
      expect((await refusalOf(verifier.verify(token), token)).code).toBe('unauthenticated');
    }
  });
});

describe('looksLikeJwt', () => {
  it('tells a compact JWT from a registry API token', async () => {
    expect(looksLikeJwt(await idp.token({ subject: 'alice' }))).toBe(true);
    expect(looksLikeJwt('mk_3q2-7wHbEh5rXo0Jz8d0yQ4mB1h3y9Tt6wJv2kVqAaA')).toBe(false);
    expect(looksLikeJwt('one.two')).toBe(false);
    expect(looksLikeJwt('a.b.c.d')).toBe(false);
    expect(looksLikeJwt('a b.c.d')).toBe(false);
  });
});

describe('identityFromClaims', () => {
  const config = configFor('https://idp.example');
  const exp = 2_000_000_000;

  it('accepts a single string as the groups claim', () => {
    expect(identityFromClaims({ sub: 'alice', exp, groups: 'risk-team' }, config).bindings).toEqual([{ role: 'contributor', namespace: 'risk', via: 'oidc-group:risk-team' }]);
  });

  it('refuses principal values that could not serve as an id', () => {
    for (const sub of ['alice smith', '', 'a'.repeat(201), 'alice\nadmin', 42]) {
      expect(() => identityFromClaims({ sub: sub as string, exp }, config)).toThrow(/set principalClaim/);
    }
  });

  it('refuses an expiry too far out to be a time instead of failing unexpectedly', () => {
    expect(() => identityFromClaims({ sub: 'alice', exp: 1e300 }, config)).toThrow(RegistryError);
  });
});

describe('readOidcConfig', () => {
  const issuer = 'https://login.example.com/realms/ml';

  it('is off when no issuer is set', async () => {
    expect(await readOidcConfig({})).toBeUndefined();
    expect(await readOidcConfig({ MODELKEEP_OIDC_ISSUER: '' })).toBeUndefined();
  });

  it('refuses an audience or a config file set without an issuer', async () => {
    const refusal = await refusalOf(readOidcConfig({ MODELKEEP_OIDC_AUDIENCE: 'modelkeep' }));
    expect(refusal.code).toBe('invalid_request');
    expect(refusal.message).toMatch(/MODELKEEP_OIDC_AUDIENCE is set but MODELKEEP_OIDC_ISSUER is not/);
  });

  it('applies the defaults when only the issuer and audience are set', async () => {
    expect(await readOidcConfig({ MODELKEEP_OIDC_ISSUER: issuer, MODELKEEP_OIDC_AUDIENCE: 'modelkeep' })).toEqual({
      issuer,
      audience: ['modelkeep'],
      algorithms: ['RS256', 'PS256', 'ES256', 'EdDSA'],
      principalClaim: 'sub',
      groupsClaim: 'groups',
      clockToleranceSeconds: 5,
      groupBindings: {},
    });
  });

  it('reads algorithms, claim names, clock tolerance and group bindings from the config file', async () => {
    const path = await configFile('full.json', { algorithms: ['ES384'], principalClaim: 'preferred_username', groupsClaim: 'roles', clockToleranceSeconds: 0, groupBindings: bindings });
    const config = await readOidcConfig({ MODELKEEP_OIDC_ISSUER: issuer, MODELKEEP_OIDC_AUDIENCE: 'modelkeep', MODELKEEP_OIDC_CONFIG: path });
    expect(config).toMatchObject({ algorithms: ['ES384'], principalClaim: 'preferred_username', groupsClaim: 'roles', clockToleranceSeconds: 0 });
    expect({ ...config!.groupBindings }).toEqual({ 'ml-admins': [{ role: 'admin', namespace: null }], 'risk-team': [{ role: 'contributor', namespace: 'risk' }] });
  });

  it('refuses a plain http issuer unless it is on a loopback host', async () => {
    const refusal = await refusalOf(readOidcConfig({ MODELKEEP_OIDC_ISSUER: 'http://login.example.com', MODELKEEP_OIDC_AUDIENCE: 'modelkeep' }));
    expect(refusal.code).toBe('invalid_request');
    expect(refusal.message).toMatch(/must be an https URL \(http only for 127.0.0.1, ::1 or localhost\)/);
    for (const loopback of ['http://127.0.0.1:8080', 'http://[::1]:8080/realms/ml', 'http://localhost:9000']) {
      expect((await readOidcConfig({ MODELKEEP_OIDC_ISSUER: loopback, MODELKEEP_OIDC_AUDIENCE: 'modelkeep' }))?.issuer).toBe(loopback);
    }
  });

  it('refuses an issuer without an audience', async () => {
    const refusal = await refusalOf(readOidcConfig({ MODELKEEP_OIDC_ISSUER: issuer, MODELKEEP_OIDC_AUDIENCE: ' , ' }));
    expect(refusal.message).toMatch(/MODELKEEP_OIDC_AUDIENCE must list the audience/);
  });

  it('refuses "none" and HMAC algorithms in the config file', async () => {
    for (const [alg, why] of [['none', /unsigned tokens are never accepted/], ['HS256', /shared-secret \(HMAC\)/], ['RSA1_5', /not one of RS256/]] as const) {
      const path = await configFile(`alg-${alg}.json`, { algorithms: ['RS256', alg] });
      const refusal = await refusalOf(readOidcConfig({ MODELKEEP_OIDC_ISSUER: issuer, MODELKEEP_OIDC_AUDIENCE: 'modelkeep', MODELKEEP_OIDC_CONFIG: path }));
      expect(refusal.code).toBe('invalid_request');
      expect(refusal.message).toMatch(why);
    }
  });

  it('refuses a config file that is not JSON, has an unknown field, a bad namespace or an empty role, saying where', async () => {
    const cases: [string, unknown, RegExp][] = [
      ['not-json.json', '{ "groupBindings": ', /is not JSON/],
      ['typo.json', { groupClaim: 'roles' }, /not valid at \/groupClaim/],
      ['namespace.json', { groupBindings: { risk: [{ role: 'viewer', namespace: 'Risk Team' }] } }, /not valid at \/groupBindings\/risk\/0\/namespace/],
      ['role.json', { groupBindings: { risk: [{ role: '' }] } }, /not valid at \/groupBindings\/risk\/0\/role/],
      ['tolerance.json', { clockToleranceSeconds: -1 }, /not valid at \/clockToleranceSeconds/],
    ];
    for (const [name, content, where] of cases) {
      const path = await configFile(name, content);
      const refusal = await refusalOf(readOidcConfig({ MODELKEEP_OIDC_ISSUER: issuer, MODELKEEP_OIDC_AUDIENCE: 'modelkeep', MODELKEEP_OIDC_CONFIG: path }));
      expect(refusal.code, name).toBe('invalid_request');
      expect(refusal.message, name).toMatch(where);
    }
  });

  it('refuses a config file that cannot be read, naming it', async () => {
    const path = join(dir, 'missing.json');
    const refusal = await refusalOf(readOidcConfig({ MODELKEEP_OIDC_ISSUER: issuer, MODELKEEP_OIDC_AUDIENCE: 'modelkeep', MODELKEEP_OIDC_CONFIG: path }));
    expect(refusal.message).toBe(`MODELKEEP_OIDC_CONFIG names ${path}, which cannot be read (ENOENT)`);
  });
});
