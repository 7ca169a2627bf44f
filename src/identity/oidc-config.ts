import { readFile } from 'node:fs/promises';
import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { RegistryError } from '../errors/registry-error.js';

export interface OidcBindingGrant {
  readonly role: string;
  readonly namespace: string | null;
}

/** How bearer JWTs from the organisation's OpenID provider are checked and turned into principals. */
export interface OidcConfig {
  /** Compared exactly with the discovery document's `issuer` and every token's `iss`. */
  readonly issuer: string;
  /** Accepted `aud` values; at least one. */
  readonly audience: readonly string[];
  /** Signature algorithms accepted; never `none` nor an HMAC one. */
  readonly algorithms: readonly string[];
  /** The claim whose value becomes the principal id `user:<value>`. */
  readonly principalClaim: string;
  /** The claim holding group names: an array of strings, or one string. */
  readonly groupsClaim: string;
  readonly clockToleranceSeconds: number;
  /** Group claim value -> the role bindings membership confers (namespace null = global). */
  readonly groupBindings: Readonly<Record<string, readonly OidcBindingGrant[]>>;
}

export const DEFAULT_OIDC_ALGORITHMS = ['RS256', 'PS256', 'ES256', 'EdDSA'] as const;

/*
 * Asymmetric JWS algorithms only (RFC 7518 §3.1, RFC 8037 §3.1). HMAC would
 * need a secret shared with the identity provider, which then lets anyone
 * holding it mint tokens; `none` is no signature at all.
 */
const ASYMMETRIC_ALGORITHMS: ReadonlySet<string> = new Set([
  'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519',
]);

const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['127.0.0.1', '[::1]', 'localhost']);

export const NAMESPACE_PATTERN = '^[a-z0-9][a-z0-9-]{0,62}$';

const ClaimName = Type.String({ minLength: 1, maxLength: 200 });

const ConfigFileSchema = Type.Object(
  {
    algorithms: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })),
    principalClaim: Type.Optional(ClaimName),
    groupsClaim: Type.Optional(ClaimName),
    clockToleranceSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 300 })),
    groupBindings: Type.Optional(
      Type.Record(
        Type.String({ minLength: 1 }),
        Type.Array(
          Type.Object(
            {
              role: Type.String({ minLength: 1 }),
              namespace: Type.Optional(Type.Union([Type.String({ pattern: NAMESPACE_PATTERN }), Type.Null()])),
            },
            { additionalProperties: false },
          ),
        ),
      ),
    ),
  },
  { additionalProperties: false },
);

type ConfigFile = Static<typeof ConfigFileSchema>;

const invalid = (detail: string): RegistryError => new RegistryError('invalid_request', detail);

/**
 * An identity provider URL we may fetch keys from: https, or http on a
 * loopback host only (a test or a sidecar), never plain http across a network.
 */
export function isTrustedProviderUrl(text: string): boolean {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname);
}

/**
 * OIDC is on when `MODELKEEP_OIDC_ISSUER` is set; `MODELKEEP_OIDC_AUDIENCE`
 * (comma-separated) is then required, and `MODELKEEP_OIDC_CONFIG` may name a
 * JSON file with the remaining fields.
 */
export async function readOidcConfig(env: Readonly<Record<string, string | undefined>>): Promise<OidcConfig | undefined> {
  const issuer = env.MODELKEEP_OIDC_ISSUER ?? '';
  if (issuer === '') {
    const stray = ['MODELKEEP_OIDC_AUDIENCE', 'MODELKEEP_OIDC_CONFIG'].filter((name) => (env[name] ?? '') !== '');
    if (stray.length > 0) throw invalid(`${stray.join(' and ')} ${stray.length > 1 ? 'are' : 'is'} set but MODELKEEP_OIDC_ISSUER is not; set the issuer URL to turn OIDC sign-in on`);
    return undefined;
  }
  checkIssuer(issuer);
  const audience = (env.MODELKEEP_OIDC_AUDIENCE ?? '').split(',').map((value) => value.trim()).filter((value) => value !== '');
  if (audience.length === 0) {
    throw invalid('MODELKEEP_OIDC_AUDIENCE must list the audience (aud) values tokens for this registry carry, comma-separated, when MODELKEEP_OIDC_ISSUER is set');
  }
  const path = env.MODELKEEP_OIDC_CONFIG ?? '';
  const file = path === '' ? {} : await readConfigFile(path);
  const algorithms = file.algorithms ?? DEFAULT_OIDC_ALGORITHMS;
  checkAlgorithms(algorithms, path);
  return {
    issuer,
    audience,
    algorithms: [...new Set(algorithms)],
    principalClaim: file.principalClaim ?? 'sub',
    groupsClaim: file.groupsClaim ?? 'groups',
    clockToleranceSeconds: file.clockToleranceSeconds ?? 5,
    groupBindings: grantsOf(file.groupBindings ?? {}),
  };
}

function checkIssuer(issuer: string): void {
  if (!isTrustedProviderUrl(issuer)) {
    throw invalid(`MODELKEEP_OIDC_ISSUER must be an https URL (http only for 127.0.0.1, ::1 or localhost), not ${JSON.stringify(issuer)}`);
  }
  const url = new URL(issuer);
  // OpenID Connect Discovery 1.0 §2: an issuer has no query or fragment.
  if (url.search !== '' || url.hash !== '' || issuer.includes('?') || issuer.includes('#')) {
    throw invalid(`MODELKEEP_OIDC_ISSUER must not have a query or fragment: ${JSON.stringify(issuer)}`);
  }
}

async function readConfigFile(path: string): Promise<ConfigFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    const reason = (cause as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new RegistryError('invalid_request', `MODELKEEP_OIDC_CONFIG names ${path}, which cannot be read (${reason})`, { cause });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new RegistryError('invalid_request', `The OIDC config file ${path} is not JSON: ${(cause as Error).message}`, { cause });
  }
  if (!Value.Check(ConfigFileSchema, value)) {
    const first = Value.Errors(ConfigFileSchema, value).First();
    const where = first === undefined ? '' : ` at ${first.path || '/'}: ${first.message}`;
    throw invalid(
      `The OIDC config file ${path} is not valid${where}. It may hold algorithms (array of JWS names), principalClaim, groupsClaim (claim names), ` +
        'clockToleranceSeconds (0-300) and groupBindings ({"<group>": [{"role": "<role>", "namespace": null or 1-63 of a-z 0-9 - not starting with -}]})',
    );
  }
  return value;
}

function checkAlgorithms(algorithms: readonly string[], path: string): void {
  const source = path === '' ? 'the default algorithms' : `algorithms in ${path}`;
  for (const alg of algorithms) {
    if (alg.toLowerCase() === 'none') throw invalid(`${source} must not include "none": unsigned tokens are never accepted`);
    if (/^HS/i.test(alg)) throw invalid(`${source} must not include ${alg}: shared-secret (HMAC) signatures are not accepted from an identity provider`);
    if (!ASYMMETRIC_ALGORITHMS.has(alg)) {
      throw invalid(`${source} includes ${JSON.stringify(alg)}, which is not one of ${[...ASYMMETRIC_ALGORITHMS].join(', ')}`);
    }
  }
}

function grantsOf(bindings: NonNullable<ConfigFile['groupBindings']>): Readonly<Record<string, readonly OidcBindingGrant[]>> {
  // No prototype: a group called "constructor" or "__proto__" must find nothing it was not given.
  const grants: Record<string, readonly OidcBindingGrant[]> = Object.create(null) as Record<string, readonly OidcBindingGrant[]>;
  for (const [group, list] of Object.entries(bindings)) {
    grants[group] = list.map((grant) => Object.freeze({ role: grant.role, namespace: grant.namespace ?? null }));
  }
  return Object.freeze(grants);
}
