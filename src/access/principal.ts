import { type Role, roleCovers } from './roles.js';

/** `user:alice`, `service:ci`, `group:ml-admins`: the kind is part of the id, so ledger actors say what they are. */
/** What follows the kind: also what an identity provider's principal claim must look like. */
export const PRINCIPAL_NAME = '[A-Za-z0-9._@|+:-]{1,200}';
export const principalIdOf = (kinds: readonly PrincipalKind[]): string => `^(${kinds.join('|')}):${PRINCIPAL_NAME}$`;
export const PRINCIPAL_ID = principalIdOf(['user', 'service', 'group']);
export const principalIdPattern = new RegExp(PRINCIPAL_ID);
export type PrincipalKind = 'user' | 'service' | 'group';
export const kindOf = (id: string): PrincipalKind => id.slice(0, id.indexOf(':')) as PrincipalKind;

/** A role held globally (`namespace: null`) or in one namespace, and through what: a binding, a group, an elevation, the identity provider. */
export interface Grant {
  readonly role: Role;
  readonly namespace: string | null;
  readonly via: string;
}

/** What a token may use of its holder's grants; null means no restriction on that axis. */
export interface TokenScope {
  readonly roles: readonly Role[] | null;
  readonly namespaces: readonly string[] | null;
}

/** Who a request acts as: the ledger's actor, what it holds, and how it proved it. */
export interface Principal {
  readonly id: string;
  readonly groups: readonly string[];
  readonly grants: readonly Grant[];
  readonly scope: TokenScope;
  readonly tokenId?: string | undefined;
  readonly authenticatedBy: 'token' | 'oidc' | 'system';
}

export const UNSCOPED: TokenScope = { roles: null, namespaces: null };

/** The grants a principal may use at a namespace (null: the registry as a whole), after the token's scope. */
export function rolesAt(principal: Principal, namespace: string | null): Set<Role> {
  const { roles, namespaces } = principal.scope;
  const held = new Set<Role>();
  if (namespace !== null && namespaces !== null && !namespaces.includes(namespace)) return held;
  // A namespace-scoped token acts in its namespaces only, never on the registry as a whole.
  if (namespace === null && namespaces !== null) return held;
  for (const grant of principal.grants) {
    if (grant.namespace !== null && grant.namespace !== namespace) continue;
    addWithin(held, grant.role, roles);
  }
  return held;
}

/** Every role the principal may use anywhere: for actions on things that belong to no one namespace yet (an upload). */
export function rolesAnywhere(principal: Principal): Set<Role> {
  const held = new Set<Role>();
  for (const grant of principal.grants) {
    if (grant.namespace !== null && principal.scope.namespaces !== null && !principal.scope.namespaces.includes(grant.namespace)) continue;
    addWithin(held, grant.role, principal.scope.roles);
  }
  return held;
}

/** A scoped token uses the scope's roles its holder's grant covers (an admin's token scoped to viewer is a viewer). */
function addWithin(held: Set<Role>, granted: Role, scope: readonly Role[] | null): void {
  if (scope === null) held.add(granted);
  else for (const role of scope) if (roleCovers(granted, role)) held.add(role);
}

export const SYSTEM_ACTOR = 'system';
export const BOOTSTRAP_PRINCIPAL = 'user:admin';
