import { RegistryError } from '../errors/registry-error.js';
import { type Grant, type Principal, UNSCOPED } from './principal.js';
import { isRole } from './roles.js';
import { looksLikeJwt } from '../identity/oidc-verifier.js';
import type { TokenService } from './token-service.js';

/** What an identity provider vouches for: who, their groups, and the grants its configuration maps those groups to. */
export interface ExternalIdentity {
  readonly principal: string;
  readonly groups: readonly string[];
  readonly bindings: readonly { readonly role: string; readonly namespace: string | null; readonly via: string }[];
}

export interface IdentityVerifier {
  verify(jwt: string): Promise<ExternalIdentity>;
}

/** Bearer credentials: our API tokens, or JWTs from the organisation's identity provider when one is configured. */
export class Authenticator {
  constructor(
    readonly tokens: TokenService,
    private readonly identityProvider?: IdentityVerifier,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async authenticate(bearer: string): Promise<Principal> {
    if (!looksLikeJwt(bearer)) return this.tokens.authenticate(bearer);
    if (this.identityProvider === undefined) {
      throw new RegistryError('unauthenticated', 'This registry accepts no identity-provider tokens (MODELKEEP_OIDC_ISSUER is not set); use an API token');
    }
    const identity = await this.identityProvider.verify(bearer);
    const groups = identity.groups.map((g) => `group:${g}`);
    const held = await this.tokens.grants.grantsOf(identity.principal, groups, this.clock());
    const mapped: Grant[] = identity.bindings.filter((b) => isRole(b.role)).map((b) => ({ role: b.role as Grant['role'], namespace: b.namespace, via: b.via }));
    return { id: identity.principal, groups: held.groups, grants: [...held.grants, ...mapped], scope: UNSCOPED, authenticatedBy: 'oidc' };
  }
}
