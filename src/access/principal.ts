/** The roles known before fine-grained access arrives; each includes the ones after it. */
export const roles = ['admin', 'contributor', 'viewer'] as const;
export type Role = (typeof roles)[number];

/** Who a request acts as: the ledger's actor, and what it may do. */
export interface Principal {
  readonly id: string;
  readonly roles: readonly Role[];
  readonly tokenId?: string | undefined;
}

export const SYSTEM_ACTOR = 'system';
export const BOOTSTRAP_PRINCIPAL = 'user:admin';
