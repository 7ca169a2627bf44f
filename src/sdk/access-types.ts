import type { Static } from '@sinclair/typebox';
import type { Action } from '../access/actions.js';
import type { Role } from '../access/roles.js';
import type { BindingSchema, ElevationSchema, IssuedTokenSchema, TokenSchema } from '../http/routes/access-schemas.js';

/*
 * Identity and access: tokens, grants, groups, policies, elevations, reviews.
 * Where the routes export a schema the type is derived from it; the rest are
 * answers of routes without a response schema, restated here; keep them in
 * step with src/http/routes/access-routes.ts and src/store/queries.
 */

export type { Action };

/** `user:alice`, `service:ci` or `group:ml-admins`. */
export type PrincipalId = string;

/** A token as listed: holder, scope, expiry and last use; never its secret. */
export type ApiToken = Static<typeof TokenSchema>;

/** A token just issued or rotated: `token` is the secret, in this answer only. Every token expires. */
export type IssuedToken = Omit<Static<typeof IssuedTokenSchema>, 'expiresAt'> & { readonly expiresAt: string };

export interface IssueTokenRequest {
  /** A label, e.g. `ci-pipeline`. */
  readonly name: string;
  /**
   * `user:…` or `service:…`; the server defaults to the caller. Issuing for
   * someone else needs `token.manage`, and they must already hold grants.
   */
  readonly principal?: string;
  /** Scope: use only these of the holder's roles; omit for all of them. Each must be covered by a grant. */
  readonly roles?: readonly Role[];
  /** Scope: act only in these namespaces; omit for all. */
  readonly namespaces?: readonly string[];
  /** The server defaults to 7 days for users and 30 for service accounts (at most 90 / 365). */
  readonly expiresInDays?: number;
}

export interface RotateTokenRequest {
  /** Lifetime of the new secret; the same defaults as issuing. */
  readonly expiresInDays?: number;
  /** How long the old secret keeps working, for deployments that reload it (default 0: it stops at once). */
  readonly graceSeconds?: number;
}

/** A role held globally (`namespace: null`) or in one namespace, and through what: `binding`, `group:…`, `elevation:…`. */
export interface Grant {
  readonly role: string;
  readonly namespace: string | null;
  readonly via: string;
}

/** What a token may use of its holder's grants; null: no restriction on that axis. */
export interface TokenScope {
  readonly roles: string[] | null;
  readonly namespaces: string[] | null;
}

/** `GET /api/v1/whoami`. */
export interface WhoAmI {
  readonly principal: string;
  /** Every role usable somewhere, within the token's scope. */
  readonly roles: string[];
  readonly grants: Grant[];
  readonly groups: string[];
  readonly authenticatedBy: 'token' | 'oidc';
  readonly scope: TokenScope;
}

/** One role of the permission matrix. */
export interface RoleDefinition {
  readonly role: Role;
  readonly description: string;
  readonly actions: Action[];
}

/** `GET /api/v1/roles`: the roles, and what each action allows in words. */
export interface RoleMatrix {
  readonly roles: RoleDefinition[];
  readonly actions: { readonly action: Action; readonly description: string }[];
}

/** A role binding: a grant to a user, service account or group. */
export type RoleBinding = Static<typeof BindingSchema>;

export interface GrantRequest {
  readonly principal: PrincipalId;
  readonly role: Role;
  /** One namespace; omit or null for the registry as a whole. */
  readonly namespace?: string | null;
  /** ISO 8601 time at which the grant lapses; omit for none. */
  readonly expiresAt?: string;
  /** Why, kept in the ledger (at least 3 characters). */
  readonly reason: string;
}

/** A Cedar policy an admin added beside the built-in ones. */
export interface AccessPolicy {
  /** The id to pass to `setPolicy` and `removePolicy`. */
  readonly id: string;
  readonly text: string;
  readonly description: string;
  readonly updatedAt: string;
  readonly updatedBy: string;
}

export interface PolicyRequest {
  /** Cedar source, e.g. `forbid(principal, action == Action::"version.deploy", resource);`. */
  readonly text: string;
  readonly description: string;
  readonly reason: string;
}

export type ElevationStatus = 'pending' | 'approved' | 'denied';

/** A request for a role for a bounded time; `expiresAt` is set once approved. */
export type Elevation = Static<typeof ElevationSchema> & { readonly status: ElevationStatus };

export interface ElevationRequest {
  readonly role: Role;
  /** One namespace; omit or null for the registry as a whole. */
  readonly namespace?: string | null;
  /** From approval; at most 7 days. */
  readonly durationMinutes: number;
  readonly justification: string;
}

/** What an access review asks a reviewer to look at. */
export type ReviewFlag = 'unused' | 'never_used' | 'expired' | 'no_expiry' | 'expired_not_revoked';

/** One grant as held by one principal (a group's grant appears once per member). */
export interface ReviewedGrant {
  readonly principal: string;
  readonly role: string;
  readonly namespace: string | null;
  /** `binding`, `bootstrap`, `elevation:…`, or the group it comes through. */
  readonly through: string;
  readonly bindingId: string;
  readonly grantedAt: string;
  readonly grantedBy: string;
  readonly expiresAt: string | null;
  /** The holder's last use of any token or audited read. */
  readonly lastUsedAt: string | null;
  readonly flags: ReviewFlag[];
}

export interface ReviewedToken {
  readonly id: string;
  readonly name: string;
  readonly principal: string;
  readonly expiresAt: string | null;
  readonly revokedAt: string | null;
  readonly createdAt: string;
  readonly flags: ReviewFlag[];
}

/** `GET /api/v1/access/review`: who holds what, and what to look at. */
export interface AccessReview {
  readonly generatedAt: string;
  readonly unusedDays: number;
  readonly summary: { readonly grants: number; readonly flaggedGrants: number; readonly tokens: number; readonly flaggedTokens: number };
  readonly grants: ReviewedGrant[];
  /** Only the flagged tokens. */
  readonly tokens: ReviewedToken[];
}

/** Unusual access the server detected: a download spike, repeated refusals, a revoked token used. */
export interface SecurityEvent {
  readonly seq: number;
  readonly at: string;
  readonly kind: string;
  readonly principal: string;
  readonly summary: string;
  readonly detail: Record<string, unknown>;
}

export interface SecurityEventQuery {
  readonly principal?: string;
  readonly kind?: string;
  /** 1–500; the server's default is 50. */
  readonly limit?: number;
}
