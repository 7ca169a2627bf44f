import type { Role } from './roles.js';

export interface TokenCreated {
  readonly id: string;
  readonly name: string;
  readonly principal: string;
  /**
   * The token's scope: roles (and namespaces) it may use of its holder's
   * grants; null means all. Entries from before bindings existed have no
   * `namespaces` and their roles were grants: replay turns them into bindings.
   */
  readonly roles: readonly Role[] | null;
  readonly namespaces?: readonly string[] | null;
  /** SHA-256 of a 256-bit random secret: publishing it reveals nothing usable. */
  readonly tokenHash: string;
  readonly expiresAt: string | null;
}

export interface TokenRevoked {
  readonly id: string;
}

/** A new secret with the same holder and scope; the old one ends at `oldExpiresAt` (now, or after a grace period). */
export interface TokenRotated {
  readonly oldId: string;
  readonly oldExpiresAt: string;
  readonly token: TokenCreated;
}

export interface BindingGranted {
  readonly id: string;
  readonly principal: string;
  readonly role: Role;
  readonly namespace: string | null;
  readonly expiresAt: string | null;
  readonly via: string;
}

export interface BindingRevoked {
  readonly id: string;
}

export interface GroupMembership {
  readonly group: string;
  readonly member: string;
}

export interface PolicySet {
  readonly id: string;
  readonly text: string;
  readonly description: string;
}

export interface PolicyRemoved {
  readonly id: string;
}

export interface ElevationRequested {
  readonly id: string;
  readonly role: Role;
  readonly namespace: string | null;
  readonly durationSeconds: number;
  readonly justification: string;
}

/** Approval grants the role until `expiresAt` through binding `bindingId`; the binding lapses by itself. */
export interface ElevationApproved {
  readonly id: string;
  readonly bindingId: string;
  readonly expiresAt: string;
}

export interface ElevationDenied {
  readonly id: string;
}

export interface SecurityEventRecorded {
  readonly kind: string;
  readonly principal: string;
  readonly summary: string;
  readonly detail: { readonly [key: string]: string | number };
}
