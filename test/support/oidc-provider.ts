import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import Provider from 'oidc-provider';

/*
 * A real OpenID provider (panva's oidc-provider) on loopback. Every token is
 * minted by its token endpoint over HTTP with the client_credentials grant:
 * the identity provider holds one client per subject, and for that grant the
 * `sub` of a JWT access token is the client id. The subject's groups and token
 * lifetime are client metadata the provider reads back when it issues
 * (`extraTokenClaims`, `ttl.ClientCredentials`); the audience is the RFC 8707
 * `resource` the request names, and every resource gets ES256 JWT tokens.
 */

/** An audience in the reserved `.example` domain, for tests that do not care which. */
export const TEST_AUDIENCE = 'https://modelkeep.example/api';

export interface TestTokenRequest {
  /** Becomes the token's `sub` (and its client id); calls for one subject must not overlap. */
  readonly subject: string;
  /** Becomes the `groups` claim; absent means no such claim. */
  readonly groups?: readonly string[];
  /** An absolute URI (RFC 8707 resource indicator); default {@link TEST_AUDIENCE}. */
  readonly audience?: string;
  /** Default 300. */
  readonly ttlSeconds?: number;
}

export interface TestIdentityProvider {
  readonly issuer: string;
  /** The private signing keys, to start another provider that signs as this one does. */
  readonly keys: readonly JWK[];
  token(request: TestTokenRequest): Promise<string>;
  close(): Promise<void>;
}

export interface TestIdentityProviderOptions {
  /** Serve under a path, as Keycloak's `/realms/<name>` does; the issuer then ends with it. */
  readonly issuerPath?: string;
  /** Sign with these private JWKs instead of a fresh ES256 key. */
  readonly keys?: readonly JWK[];
  /** Listen on this loopback port instead of any free one. */
  readonly port?: number;
}

const SIGNING_ALG = 'ES256';

export async function generateSigningKeys(): Promise<JWK[]> {
  const { privateKey } = await generateKeyPair(SIGNING_ALG, { extractable: true });
  return [{ ...(await exportJWK(privateKey)), kid: randomUUID(), alg: SIGNING_ALG, use: 'sig' }];
}

export async function startTestIdentityProvider(options: TestIdentityProviderOptions = {}): Promise<TestIdentityProvider> {
  const keys = options.keys ?? (await generateSigningKeys());
  const mount = options.issuerPath ?? '';
  let handle: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.writeHead(503).end();
  const server = createServer((req, res) => handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}${mount}`;

  // The provider's client store: one client per subject, written by token() below.
  const clients = new Map<string, Record<string, unknown>>();
  class ClientDirectory {
    readonly #model: string;
    constructor(model: string) {
      this.#model = model;
    }
    async find(id: string): Promise<Record<string, unknown> | undefined> {
      return this.#model === 'Client' ? clients.get(id) : undefined;
    }
    async upsert(): Promise<void> {}
    async findByUid(): Promise<undefined> {
      return undefined;
    }
    async findByUserCode(): Promise<undefined> {
      return undefined;
    }
    async consume(): Promise<void> {}
    async destroy(): Promise<void> {}
    async revokeByGrantId(): Promise<void> {}
  }

  const provider = new Provider(issuer, {
    adapter: ClientDirectory,
    jwks: { keys: [...keys] },
    clientDefaults: { id_token_signed_response_alg: SIGNING_ALG },
    extraClientMetadata: { properties: ['groups', 'access_token_ttl'] },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => undefined,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: unknown, resource: string) => ({
          scope: 'registry',
          audience: resource,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: SIGNING_ALG } },
        }),
      },
    },
    extraTokenClaims: (ctx: { oidc: { client: { metadata(): Record<string, unknown> } } }) => {
      const { groups } = ctx.oidc.client.metadata();
      return groups === undefined ? undefined : { groups };
    },
    ttl: {
      ClientCredentials: (_ctx: unknown, _token: unknown, client: { metadata(): Record<string, unknown> }) => client.metadata().access_token_ttl as number,
    },
  });
  const callback = provider.callback();
  handle = (req, res) => {
    const url = req.url ?? '/';
    if (!url.startsWith(mount)) {
      res.writeHead(404).end();
      return;
    }
    // Mounted the way Express does it, so the provider derives its URLs from the issuer's path.
    (req as IncomingMessage & { originalUrl?: string }).originalUrl = url;
    req.url = url.slice(mount.length) || '/';
    callback(req, res);
  };

  return {
    issuer,
    keys,
    async token({ subject, groups, audience = TEST_AUDIENCE, ttlSeconds = 300 }) {
      const secret = randomBytes(32).toString('base64url');
      clients.set(subject, {
        client_id: subject,
        client_secret: secret,
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: 'client_secret_post',
        ...(groups === undefined ? {} : { groups: [...groups] }),
        access_token_ttl: ttlSeconds,
      });
      const response = await fetch(provider.urlFor('token'), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: subject, client_secret: secret, resource: audience }),
      });
      const body = (await response.json()) as { access_token?: string; error?: string; error_description?: string };
      if (response.status !== 200 || body.access_token === undefined) {
        throw new Error(`The test identity provider refused a token: HTTP ${response.status} ${body.error ?? ''} ${body.error_description ?? ''}`);
      }
      return body.access_token;
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // A verifier's fetch keeps connections alive; they must not hold the port open.
        server.closeAllConnections();
      });
    },
  };
}
