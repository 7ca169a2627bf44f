import { PRINCIPAL_NAME } from '../access/principal.js';
import { createRemoteJWKSet, decodeProtectedHeader, errors, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { RegistryError } from '../errors/registry-error.js';
import { isTrustedProviderUrl, type OidcConfig } from './oidc-config.js';

/** Who a verified identity-provider token says the caller is, and the bindings its groups confer. */
export interface OidcIdentity {
  /** `user:<principal claim value>` */
  readonly principal: string;
  /** The group claim's values as the identity provider sent them. */
  readonly groups: readonly string[];
  /** `via` is `oidc-group:<group>`, so a decision can say where a role came from. */
  readonly bindings: readonly { role: string; namespace: string | null; via: string }[];
  /** The token's `exp`, as an ISO time. */
  readonly expiresAt: string;
}

// RFC 7515 §7.1: header.payload.signature; an unsecured JWT (RFC 7519 §6) has an empty signature.
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const PRINCIPAL_VALUE = new RegExp(`^${PRINCIPAL_NAME}$`);
/** Far above any real access token; spares the parser hostile megabytes. */
const MAX_TOKEN_CHARS = 16_384;
const FETCH_TIMEOUT_MS = 5_000;

/** Tells an identity-provider JWT from a registry API token (`mk_…`) without parsing it. */
export function looksLikeJwt(token: string): boolean {
  return COMPACT_JWS.test(token);
}

const unauthenticated = (detail: string, cause?: unknown): RegistryError => new RegistryError('unauthenticated', detail, { cause });
const unavailable = (detail: string, cause?: unknown): RegistryError => new RegistryError('unavailable', detail, { cause });

/**
 * Checks bearer JWTs against the configured OpenID provider: its discovery
 * document is fetched on first use, its key set through jose, which caches
 * keys and refetches when a token names an unknown `kid`.
 */
export class OidcVerifier {
  readonly #config: OidcConfig;
  #keySet: Promise<JWTVerifyGetKey> | undefined;

  constructor(config: OidcConfig) {
    this.#config = config;
  }

  /** Throws `unauthenticated` for a token that does not check out, `unavailable` when the provider cannot be asked. */
  async verify(jwt: string): Promise<OidcIdentity> {
    if (jwt.length > MAX_TOKEN_CHARS || !looksLikeJwt(jwt)) throw unauthenticated('The bearer token is not a signed JWT in compact form');
    const { issuer, audience, algorithms, clockToleranceSeconds } = this.#config;
    let claims: JWTPayload;
    try {
      // jose checks the header and `alg` before asking for a key, so a malformed or unsigned token never reaches the provider.
      ({ payload: claims } = await jwtVerify(jwt, (header, token) => this.#keyFor(header, token), {
        issuer,
        audience: [...audience],
        algorithms: [...algorithms],
        clockTolerance: clockToleranceSeconds,
        requiredClaims: ['exp'],
      }));
    } catch (error) {
      throw explainRefusal(error, jwt, this.#config);
    }
    return identityFromClaims(claims, this.#config);
  }

  async #keyFor(...args: Parameters<JWTVerifyGetKey>): Promise<Awaited<ReturnType<JWTVerifyGetKey>>> {
    const keySet = await this.#discover();
    try {
      return await keySet(...args);
    } catch (error) {
      if (!isKeySetFetchFailure(error)) throw error;
      throw unavailable(`The identity provider ${this.#config.issuer} did not serve its signing keys (${reasonOf(error)}); OIDC sign-in works again once it does`, error);
    }
  }

  #discover(): Promise<JWTVerifyGetKey> {
    if (this.#keySet === undefined) {
      const pending = discoverKeySet(this.#config.issuer);
      this.#keySet = pending;
      // Forget a failure so the next request asks again instead of failing until restart.
      pending.catch(() => {
        if (this.#keySet === pending) this.#keySet = undefined;
      });
    }
    return this.#keySet;
  }
}

/** OpenID Connect Discovery 1.0 §4: a terminating `/` is removed before the well-known suffix is appended. */
export function discoveryUrl(issuer: string): string {
  return `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
}

async function discoverKeySet(issuer: string): Promise<JWTVerifyGetKey> {
  const url = discoveryUrl(issuer);
  let document: unknown;
  try {
    const response = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), headers: { accept: 'application/json' } });
    if (response.status !== 200) throw unavailable(`The identity provider's discovery document ${url} answered HTTP ${response.status}, not 200`);
    document = await response.json();
  } catch (error) {
    if (error instanceof RegistryError) throw error;
    throw unavailable(`The identity provider ${issuer} is unreachable or sent no JSON discovery document (${reasonOf(error)}); OIDC sign-in works again once it answers`, error);
  }
  const { issuer: advertised, jwks_uri: jwksUri } = (typeof document === 'object' && document !== null ? document : {}) as Record<string, unknown>;
  // OpenID Connect Discovery 1.0 §4.3: the document's issuer must be identical to the one it was fetched for.
  if (advertised !== issuer) {
    throw unavailable(
      `The discovery document at ${url} names the issuer ${JSON.stringify(String(advertised).slice(0, 200))}, not ${JSON.stringify(issuer)}; ` +
        "set MODELKEEP_OIDC_ISSUER to exactly the provider's issuer (a trailing slash counts)",
    );
  }
  if (typeof jwksUri !== 'string' || !isTrustedProviderUrl(jwksUri)) {
    throw unavailable(`The discovery document at ${url} has no usable jwks_uri (https, or http on a loopback host)`);
  }
  return createRemoteJWKSet(new URL(jwksUri), { timeoutDuration: FETCH_TIMEOUT_MS });
}

/** Failing to get the key set at all, as opposed to a token naming a key the set lacks. */
function isKeySetFetchFailure(error: unknown): boolean {
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) return true;
  // jose raises its base class, with no subclass, for a non-200 answer or a body that is not JSON.
  if (error instanceof errors.JOSEError) return error.code === errors.JOSEError.code;
  return true;
}

function reasonOf(error: unknown): string {
  // fetch() fails with a bare "fetch failed"; what went wrong (ECONNREFUSED, a bad port) is in its cause.
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  if (error instanceof Error) return error.name === 'TimeoutError' ? 'timed out' : error.message;
  return 'unknown failure';
}

/** Says what was wrong with a token in words the caller can act on, never repeating the token. */
function explainRefusal(error: unknown, jwt: string, config: OidcConfig): unknown {
  if (error instanceof RegistryError) return error;
  if (error instanceof errors.JWTExpired) {
    const at = isoTimeOf(error.payload.exp);
    return unauthenticated(`The token expired${at === undefined ? '' : ` at ${at}`}; get a new one from the identity provider`, error);
  }
  if (error instanceof errors.JWTClaimValidationFailed) return unauthenticated(claimProblem(error, config), error);
  if (error instanceof errors.JOSEAlgNotAllowed) {
    const alg = headerValue(jwt, 'alg');
    if (alg?.toLowerCase() === 'none') return unauthenticated('The token is unsigned (alg "none"); only tokens signed by the identity provider are accepted', error);
    return unauthenticated(`The token is signed with ${alg ?? 'an unrecognised algorithm'}, which is not accepted here (accepted: ${config.algorithms.join(', ')})`, error);
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return unauthenticated(`The token's signature does not verify: it was altered, or was not signed by ${config.issuer}`, error);
  }
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
    const kid = headerValue(jwt, 'kid');
    return unauthenticated(`The token is signed with a key${kid === undefined ? '' : ` (kid ${kid})`} that ${config.issuer} does not publish: it was not issued there, or its key was retired`, error);
  }
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) {
    return unauthenticated('The bearer token is not a well-formed signed JWT', error);
  }
  if (error instanceof errors.JOSEError) return unauthenticated('The token uses an algorithm or key that cannot be verified here', error);
  return error;
}

function claimProblem(error: InstanceType<typeof errors.JWTClaimValidationFailed>, config: OidcConfig): string {
  if (error.reason === 'missing') return `The token has no "${error.claim}" claim, which is required`;
  switch (error.claim) {
    case 'aud':
      return `The token is meant for another audience; this registry accepts aud ${config.audience.join(', ')}`;
    case 'iss':
      return `The token was not issued by ${config.issuer}, the identity provider this registry trusts`;
    case 'nbf':
      return 'The token is not valid yet (its nbf is in the future); check the clocks of the identity provider and the registry';
    case 'iat':
      return 'The token claims to be issued in the future; check the clocks of the identity provider and the registry';
    default:
      return `The token's "${error.claim}" claim is not valid`;
  }
}

/** A header member fit to quote in an error: short and printable, or nothing. */
function headerValue(jwt: string, name: 'alg' | 'kid'): string | undefined {
  try {
    const value = decodeProtectedHeader(jwt)[name];
    return typeof value === 'string' && /^[A-Za-z0-9._~:+/=-]{1,64}$/.test(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function isoTimeOf(seconds: unknown): string | undefined {
  if (typeof seconds !== 'number') return undefined;
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** The identity a verified token's claims describe; pure, so the mapping rules are tested without a provider. */
export function identityFromClaims(claims: JWTPayload, config: Pick<OidcConfig, 'principalClaim' | 'groupsClaim' | 'groupBindings'>): OidcIdentity {
  const id = claims[config.principalClaim];
  if (typeof id !== 'string' || !PRINCIPAL_VALUE.test(id)) {
    throw unauthenticated(
      `The token's "${config.principalClaim}" claim is missing or is not a usable id (1-200 of A-Z a-z 0-9 . _ @ | + : -); ` +
        'set principalClaim in MODELKEEP_OIDC_CONFIG to a claim that holds a stable user id',
    );
  }
  const expiresAt = isoTimeOf(claims.exp);
  if (expiresAt === undefined) throw unauthenticated('The token\'s "exp" claim is not a usable time');
  const groups = groupsOf(claims[config.groupsClaim], config.groupsClaim);
  const bindings = groups.flatMap((group) =>
    (Object.hasOwn(config.groupBindings, group) ? config.groupBindings[group]! : []).map((grant) => ({ role: grant.role, namespace: grant.namespace, via: `oidc-group:${group}` })),
  );
  return { principal: `user:${id}`, groups, bindings, expiresAt };
}

function groupsOf(value: unknown, claim: string): readonly string[] {
  if (value === undefined) return [];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((group): group is string => typeof group === 'string')) return [...new Set(value)];
  throw unauthenticated(`The token's "${claim}" claim is neither a string nor a list of strings; set groupsClaim in MODELKEEP_OIDC_CONFIG to the claim that lists group names`);
}
